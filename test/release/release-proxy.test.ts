import test from 'ava';
import http from 'node:http';
import { FakeAnaconda } from '../helpers/fake-anaconda.js';
import { FakeGithub } from '../helpers/fake-github.js';
import { FakePrefix } from '../helpers/fake-prefix.js';
import { listenLocal } from '../helpers/local-server.js';
import { startIndexServer, TEST_TOKEN } from '../helpers/pypi-server.js';
import { startProxy, type TestProxy } from '../net/proxy-server.js';
import { CONDA, releaseProject, WHEEL } from './helpers.js';

/**
 * `distseal release` behind a proxy: with HTTP_PROXY set, every request of every target kind
 * (what the target already has, the upload, the read-back) goes through the proxy; with
 * NO_PROXY naming the loopback address, none does.
 */
async function setup(t: { teardown: (fn: () => Promise<void>) => void }) {
  const p = await releaseProject();
  const index = await startIndexServer();
  const gh = await new FakeGithub().start();
  const anaconda = await new FakeAnaconda({ tokens: { 'conda-token': 'alice' } }).start();
  const prefix = await new FakePrefix({ keys: ['prefix-key'], channels: ['chan'] }).start();
  const proxy = await startProxy();
  t.teardown(async () => {
    await proxy.close();
    await index.close();
    await gh.stop();
    await anaconda.stop();
    await prefix.stop();
    await p.cleanup();
  });
  const release = (env: Record<string, string>) =>
    p.release(
      [
        '--to',
        index.uploadUrl,
        '--to',
        'github:me/proj',
        '--to',
        'anaconda',
        '--to',
        'prefix:chan',
        '--tag',
        'v1.0.0',
        '--github-api-url',
        gh.url,
        '--anaconda-url',
        anaconda.url,
        '--prefix-url',
        prefix.url,
        '--prefix-repo-url',
        prefix.url,
        '--no-audit',
        '--yes',
        '--json',
      ],
      { ANACONDA_API_TOKEN: 'conda-token', PREFIX_API_KEY: 'prefix-key', ...env },
    );
  return { index, gh, anaconda, prefix, proxy, release };
}

/** What the proxy forwarded to `origin`, as `METHOD /path?query`. */
function sentTo(proxy: TestProxy, origin: string): string[] {
  const base = origin.replace(/\/+$/, '');
  return proxy.seen
    .filter((s) => s.url.startsWith(`${base}/`))
    .map((s) => `${s.method} ${s.url.slice(base.length)}`);
}

function allTargetsVerified(t: { true: (v: boolean, m?: string) => void }, stdout: string): void {
  const receipt = JSON.parse(stdout);
  t.true(receipt.targets.length === 4, stdout);
  for (const target of receipt.targets) {
    t.true(target.ok, JSON.stringify(target));
    t.true(target.verified.ok && target.verified.checked, JSON.stringify(target.verified));
  }
}

test.serial('HTTP_PROXY: every target is listed, sent to and read back through the proxy', async (t) => {
  const { index, gh, anaconda, prefix, proxy, release } = await setup(t);
  const r = await release({ HTTP_PROXY: proxy.origin });
  t.is(r.code, 0, r.stderr);
  allTargetsVerified(t, r.stdout);
  const has = (origin: string, pattern: RegExp, what: string) => {
    const seen = sentTo(proxy, origin);
    t.true(
      seen.some((s) => pattern.test(s)),
      `${what}: ${JSON.stringify(seen)}`,
    );
  };

  // The index: its project page before the upload and again for the read-back, the upload, the files.
  const page = sentTo(proxy, index.url).filter((s) => s === 'GET /simple/distseal-sample/');
  t.true(page.length >= 2, `index listing and read-back: ${JSON.stringify(sentTo(proxy, index.url))}`);
  has(index.url, /^POST \/legacy\/$/, 'index upload');
  has(index.url, new RegExp(`^GET /packages/${WHEEL}$`), 'index read-back of the wheel');
  has(index.url, new RegExp(`^GET /packages/${WHEEL}\\.asc$`), 'index read-back of its signature');

  // GitHub: the release list, the asset upload, the asset download (via its redirect).
  const releases = sentTo(proxy, gh.url).filter((s) => s.startsWith('GET /repos/me/proj/releases?'));
  t.true(releases.length >= 2, `GitHub listing and read-back: ${JSON.stringify(sentTo(proxy, gh.url))}`);
  has(
    gh.url,
    new RegExp(`^POST /uploads/repos/me/proj/releases/\\d+/assets\\?name=${WHEEL}`),
    'asset upload',
  );
  // Each asset is read back; a signature asset twice (as an asset, and as the signature of its file).
  const ids = new Map(gh.release('v1.0.0')!.assets.map((a) => [a.name, a.id]));
  const reads = (name: string) =>
    sentTo(proxy, gh.url).filter((s) => s === `GET /repos/me/proj/releases/assets/${ids.get(name)}`).length;
  t.true(reads(WHEEL) >= 1, `GitHub read-back: ${JSON.stringify(sentTo(proxy, gh.url))}`);
  t.true(reads(`${WHEEL}.asc`) >= 2, `GitHub signature read-back: ${JSON.stringify(sentTo(proxy, gh.url))}`);
  has(gh.url, /^GET \/download\/\d+$/, 'GitHub read-back after the redirect');

  // anaconda.org: the API, the storage POST, the file record and the signature read back.
  has(anaconda.url, /^GET \/user$/, 'anaconda.org who-am-I');
  has(anaconda.url, /^POST \/s3-upload$/, 'anaconda.org storage upload');
  const dist = sentTo(proxy, anaconda.url).filter(
    (s) => s.startsWith('GET /dist/alice/') && s.endsWith(CONDA),
  );
  t.true(
    dist.length >= 2,
    `anaconda.org listing and read-back: ${JSON.stringify(sentTo(proxy, anaconda.url))}`,
  );
  has(
    anaconda.url,
    new RegExp(`^GET /download/alice/.*-signatures/.*${CONDA}\\.asc$`),
    'signature read-back',
  );

  // prefix.dev: the upload and the repodata read back.
  has(prefix.url, /^POST \/api\/v1\/upload\/chan/, 'prefix.dev upload');
  has(prefix.url, /^GET \/chan\/noarch\/repodata\.json$/, 'prefix.dev read-back');
});

test.serial('NO_PROXY=127.0.0.1: the same release never touches the proxy', async (t) => {
  const { proxy, release } = await setup(t);
  const r = await release({ HTTP_PROXY: proxy.origin, NO_PROXY: '127.0.0.1' });
  t.is(r.code, 0, r.stderr);
  allTargetsVerified(t, r.stdout);
  t.deepEqual(proxy.seen, []);
});

test.serial(
  'Trusted Publishing: the audience, OIDC and mint-token requests go through the proxy',
  async (t) => {
    const p = await releaseProject({ conda: false });
    const index = await startIndexServer();
    // The index with /_/oidc/* in front of it, and the runner's token endpoint.
    const front = http.createServer((req, res) => {
      const json = (body: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const path = new URL(req.url!, 'http://x').pathname;
      if (path === '/_/oidc/audience') return json({ audience: 'testindex' });
      if (path === '/gh-oidc') return json({ value: 'jwt-from-runner' });
      if (path === '/_/oidc/mint-token') return req.resume().on('end', () => json({ token: TEST_TOKEN }));
      const up = http.request(
        new URL(req.url!, index.url),
        { method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(up);
    });
    const server = await listenLocal(front);
    const proxy = await startProxy();
    t.teardown(async () => {
      await proxy.close();
      await server.close();
      await index.close();
      await p.cleanup();
    });
    const r = await p.release(['--to', `${server.origin}/legacy/`, '--no-audit', '--yes', '--json'], {
      TWINE_PASSWORD: undefined,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${server.origin}/gh-oidc`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token',
      HTTP_PROXY: proxy.origin,
    });
    t.is(r.code, 0, r.stderr);
    t.is(JSON.parse(r.stdout).targets[0].credential, 'Trusted Publishing (GitHub Actions OIDC)');
    const seen = sentTo(proxy, server.origin);
    for (const call of ['GET /_/oidc/audience', 'GET /gh-oidc?audience=testindex', 'POST /_/oidc/mint-token'])
      t.true(seen.includes(call), `${call}: ${JSON.stringify(seen)}`);
  },
);
