import test from 'ava';
import { readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { FakeAnaconda } from '../helpers/fake-anaconda.js';
import { FakeGithub } from '../helpers/fake-github.js';
import { FakePrefix } from '../helpers/fake-prefix.js';
import { listenLocal } from '../helpers/local-server.js';
import { startIndexServer, TEST_TOKEN } from '../helpers/pypi-server.js';
import { FIXTURES, runCli } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { CONDA, releaseProject, WHEEL } from './helpers.js';

/** Faults: a target down (rerun finishes), refusals, served bytes that differ, bad keys and input. */
test.serial(
  'second target down: exit 1, the first keeps its files, the same command again finishes',
  async (t) => {
    const p = await releaseProject({ conda: false });
    const index = await startIndexServer();
    const gh = await new FakeGithub().start();
    const ghUrl = gh.url;
    await gh.stop(); // down
    t.teardown(async () => {
      await index.close();
      await p.cleanup();
    });
    const args = [
      '--to',
      index.uploadUrl,
      '--to',
      'github:me/proj',
      '--github-api-url',
      ghUrl,
      '--no-audit',
      '--yes',
      '--json',
    ];
    const r = await p.release(args);
    t.is(r.code, 1, r.stderr);
    t.regex(r.stderr, new RegExp(`Published: ${index.uploadUrl.replace(/[/.]/g, '\\$&')}\\.`));
    t.true((await readdir(path.join(index.dir, 'packages'))).includes(WHEEL));

    const up = new FakeGithub();
    const server = http.createServer((req, res) => (up as any).handle(req, res));
    await new Promise<void>((resolve) => server.listen(Number(new URL(ghUrl).port), '127.0.0.1', resolve));
    up.url = ghUrl;
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const again = await p.release(args);
    t.is(again.code, 0, again.stderr);
    const receipt = JSON.parse(again.stdout);
    t.true(receipt.targets[0].files.every((f: any) => f.status === 'skipped'));
    t.true(receipt.targets[1].files.every((f: any) => f.status === 'uploaded'));
    t.false(up.release('v1.0.0')!.draft);
  },
);

test.serial('served bytes that differ from the local file: exit 3 naming the file', async (t) => {
  const p = await releaseProject({ conda: false });
  const gh = await new FakeGithub().start();
  t.teardown(async () => {
    await gh.stop();
    await p.cleanup();
  });
  const args = ['--to', 'github:me/proj', '--github-api-url', gh.url, '--no-audit', '--yes'];
  t.is((await p.release(args)).code, 0);
  gh.tamper.set(WHEEL, Buffer.from('not the wheel'));
  const r = await p.release(args);
  t.is(r.code, 3, r.stderr);
  t.regex(r.stdout, new RegExp(`DIFFERS ${WHEEL.replace(/\./g, '\\.')}: served bytes differ`));
});

test.serial('a different file already there under the same name stops before anything is sent', async (t) => {
  const p = await releaseProject({ conda: false });
  const gh = await new FakeGithub().start();
  t.teardown(async () => {
    await gh.stop();
    await p.cleanup();
  });
  const args = ['--to', 'github:me/proj', '--github-api-url', gh.url, '--no-audit', '--yes'];
  t.is((await p.release(args)).code, 0);
  gh.release('v1.0.0')!.assets.find((a) => a.name === WHEEL)!.data = Buffer.from('other bytes');
  const r = await p.release(args);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /already has an asset distseal_sample-1\.0\.0-py3-none-any\.whl with other bytes/);
});

for (const [status, why] of [
  [401, /token is missing or wrong/],
  [403, /needs write access/],
] as const) {
  test.serial(`GitHub refusing with ${status}: exit 1 with what to do`, async (t) => {
    const p = await releaseProject({ conda: false });
    const gh = await new FakeGithub(
      status === 403 ? { readOnlyTokens: ['gh-test-token'], tokens: [] } : { tokens: ['other'] },
    ).start();
    t.teardown(async () => {
      await gh.stop();
      await p.cleanup();
    });
    const r = await p.release(['--to', 'github:me/proj', '--github-api-url', gh.url, '--no-audit', '--yes']);
    t.is(r.code, 1, r.stderr);
    t.regex(r.stderr, why);
    t.false(r.stderr.includes('gh-test-token'));
  });
}

test.serial('an index answering 409 (pypiserver) for a new file: exit 1, the reason shown', async (t) => {
  const p = await releaseProject({ conda: false });
  const index = await startIndexServer({ flavor: 'pypiserver' });
  index.faults.push({ kind: 'status', status: 409, message: 'Conflict injected' });
  t.teardown(async () => {
    await index.close();
    await p.cleanup();
  });
  const r = await p.release(['--to', index.uploadUrl, '--no-audit', '--yes']);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /409/);
});

test.serial('anaconda.org: conda packages and their signatures go up and are read back', async (t) => {
  const p = await releaseProject();
  const fake = await new FakeAnaconda({ tokens: { 'conda-token': 'alice' } }).start();
  t.teardown(async () => {
    await fake.stop();
    await p.cleanup();
  });
  const r = await p.release(
    ['--to', 'anaconda', '--anaconda-url', fake.url, '--no-audit', '--yes', '--json'],
    {
      ANACONDA_API_TOKEN: 'conda-token',
    },
  );
  t.is(r.code, 0, r.stderr);
  const target = JSON.parse(r.stdout).targets[0];
  t.deepEqual(
    target.files.map((f: any) => [f.name, f.status]),
    [[CONDA, 'uploaded']],
  );
  t.true(target.verified.ok && target.verified.checked, JSON.stringify(target.verified));
});

test.serial(
  'Trusted Publishing: the OIDC token is exchanged for an upload token; no password is stored anywhere',
  async (t) => {
    const p = await releaseProject({ conda: false });
    const index = await startIndexServer();
    const seen: string[] = [];
    // The index's origin with /_/oidc/* added, and the runner's token endpoint.
    const front = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/_/oidc/audience') return json(200, { audience: 'testindex' });
      if (url.pathname === '/gh-oidc') {
        seen.push(`oidc ${url.searchParams.get('audience')} ${req.headers.authorization}`);
        return json(200, { value: 'jwt-from-runner' });
      }
      if (url.pathname === '/_/oidc/mint-token') {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          seen.push(`mint ${JSON.parse(body).token}`);
          json(200, { success: true, token: TEST_TOKEN });
        });
        return;
      }
      const target = new URL(index.url);
      const up = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(up);
    });
    const server = await listenLocal(front);
    t.teardown(async () => {
      await server.close();
      await index.close();
      await p.cleanup();
    });
    const r = await p.release(['--to', `${server.origin}/legacy/`, '--no-audit', '--yes', '--json'], {
      TWINE_PASSWORD: undefined,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${server.origin}/gh-oidc?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token',
    });
    t.is(r.code, 0, r.stderr);
    t.deepEqual(seen, ['oidc testindex bearer runner-request-token', 'mint jwt-from-runner']);
    const target = JSON.parse(r.stdout).targets[0];
    t.is(target.credential, 'Trusted Publishing (GitHub Actions OIDC)');
    t.true(target.verified.ok);
    t.false(r.stdout.includes(TEST_TOKEN) || r.stderr.includes(TEST_TOKEN));
  },
);

test.serial('no dists found: exit 2 naming dist/', async (t) => {
  const p = await releaseProject({ conda: false });
  t.teardown(p.cleanup);
  await rm(p.dist, { recursive: true });
  const r = await p.release(['--to', 'dir:out', '--no-audit', '--yes']);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /dist/);
});

test.serial('a wrong passphrase: exit 2 and nothing is published', async (t) => {
  const p = await releaseProject({ conda: false });
  t.teardown(p.cleanup);
  const r = await p.release(['--to', 'dir:out', '--no-audit', '--yes'], { DISTSEAL_PASSPHRASE: 'wrong' });
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /Wrong passphrase/);
  await t.throwsAsync(() => readdir(path.join(p.dir, 'out')));
});

test.serial('an expired signing key: exit 2 before anything, pointing at keys expire', async (t) => {
  const p = await releaseProject({ conda: false });
  t.teardown(p.cleanup);
  const { privateKey } = await openpgp.generateKey({
    userIDs: [{ name: 'Old', email: 'old@example.invalid' }],
    date: new Date(Date.now() - 100 * 86_400_000),
    keyExpirationTime: 86_400,
    format: 'object',
  });
  const file = path.join(p.dir, 'old.asc');
  await (await import('node:fs/promises')).writeFile(file, privateKey.armor());
  t.is((await runCli(['--home', p.home, 'keys', 'import', file])).code, 0);
  const r = await p.release(['--to', 'dir:out', '--no-audit', '--yes', '--key', privateKey.getFingerprint()]);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /keys expire/);
});

test.serial(
  'prefix-compatible server: the conda package goes up; the receipt says it was not read back',
  async (t) => {
    const p = await releaseProject();
    const fake = await new FakePrefix({ keys: ['prefix-key'], channels: ['chan'] }).start();
    t.teardown(async () => {
      await fake.stop();
      await p.cleanup();
    });
    const r = await p.release(
      ['--to', 'prefix:chan', '--prefix-url', fake.url, '--no-audit', '--yes', '--json'],
      {
        PREFIX_API_KEY: 'prefix-key',
      },
    );
    t.is(r.code, 0, r.stderr);
    const target = JSON.parse(r.stdout).targets[0];
    t.deepEqual(
      target.files.map((f: any) => [f.name, f.status]),
      [[CONDA, 'uploaded']],
    );
    t.false(target.verified.checked);
    // Another server than prefix.dev: where it serves repodata is unknown unless named.
    t.regex(target.verified.note, /--prefix-repo-url/);
    t.is(fake.files.get('chan')?.size, 1);
  },
);

peerTest(['bandit']).serial(
  'audit findings at or above --fail-on: exit 4, nothing signed or sent',
  async (t) => {
    const p = await releaseProject({ conda: false });
    t.teardown(p.cleanup);
    const { copyFile, rm: remove } = await import('node:fs/promises');
    await remove(p.dist, { recursive: true });
    await (await import('node:fs/promises')).mkdir(p.dist);
    await copyFile(
      path.join(FIXTURES, 'audit', 'insecure_sample-0.1.0-py3-none-any.whl'),
      path.join(p.dist, 'insecure_sample-0.1.0-py3-none-any.whl'),
    );
    const r = await p.release(['--to', 'dir:out', '--fail-on', 'low', '--yes']);
    t.is(r.code, 4, r.stderr);
    t.regex(r.stderr, /the audit found \d+ finding/);
    await t.throwsAsync(() => readdir(path.join(p.dir, 'out')));
    t.false((await readdir(p.dist)).some((f) => f.endsWith('.asc')));
  },
);
