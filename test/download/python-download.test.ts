import { execFile, spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import { listenLocal } from '../helpers/local-server.js';
import { peerTest } from '../helpers/peers.js';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';
import { startIndexServer } from './index-server.js';
import { NO_DBUS, SDIST, WHEEL, sampleFiles, trustedHome } from './helpers.js';

const run = promisify(execFile);

async function setup(t: ExecutionContext, pins?: string[]) {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const maintainer = await testKey('ed25519', 'Maintainer');
  const home = await trustedHome(path.join(dir, 'home'), [{ publicKey: maintainer.publicKey, pins }]);
  const dest = path.join(dir, 'dest');
  const cli = (args: string[]) =>
    runCli(['--home', home, 'download', '--dest', dest, ...args], { env: NO_DBUS });
  return { dir, home, dest, cli, maintainer };
}

for (const json of [true, false]) {
  test(`download verifies and lands wheel and sdist with their .asc (${json ? 'PEP 691 JSON' : 'PEP 503 HTML'})`, async (t) => {
    const { dest, cli } = await setup(t, ['distseal-sample']);
    const server = await startIndexServer({ 'distseal-sample': await sampleFiles() }, { json });
    t.teardown(server.close);
    const r = await cli(['--index-url', server.indexUrl, 'Distseal_Sample==1.0', '--json']);
    t.is(r.code, 0, r.stderr + r.stdout);
    t.deepEqual((await readdir(dest)).sort(), [SDIST, `${SDIST}.asc`, WHEEL, `${WHEEL}.asc`].sort());
    t.deepEqual(await readFile(path.join(dest, WHEEL)), await readFile(path.join(FIXTURES, 'python', WHEEL)));
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      files: Array<{ hashesChecked: string[]; verified: boolean }>;
    };
    t.true(report.ok);
    t.deepEqual(
      report.files.map((f) => f.hashesChecked),
      [['sha256'], ['sha256']],
    );
    t.true(
      server.requests.some((q) => /json/.test(String(q.headers.accept))),
      'asked for PEP 691 JSON first',
    );
  });
}

test('--only-wheels and --file narrow the release', async (t) => {
  const { dest, cli } = await setup(t);
  const server = await startIndexServer({ 'distseal-sample': await sampleFiles() });
  t.teardown(server.close);
  t.is((await cli(['--index-url', server.indexUrl, '--only-wheels', 'distseal-sample==1.0.0'])).code, 0);
  t.deepEqual((await readdir(dest)).sort(), [WHEEL, `${WHEEL}.asc`]);
  const other = path.join(path.dirname(dest), 'other');
  const r = await runCli(
    [
      '--home',
      path.join(path.dirname(dest), 'home'),
      'download',
      '-d',
      other,
      '-i',
      server.indexUrl,
      '--file',
      '*.tar.gz',
      'distseal-sample==1.0.0',
    ],
    { env: NO_DBUS },
  );
  t.is(r.code, 0, r.stderr);
  t.deepEqual((await readdir(other)).sort(), [SDIST, `${SDIST}.asc`]);
});

test('an index hash that differs from the file: exit 3 and nothing in DEST', async (t) => {
  const { dest, cli } = await setup(t);
  const files = await sampleFiles();
  files[1]!.sha256 = '0'.repeat(64);
  const server = await startIndexServer({ 'distseal-sample': files });
  t.teardown(server.close);
  const r = await cli(['--index-url', server.indexUrl, 'distseal-sample==1.0.0']);
  t.is(r.code, 3, r.stderr);
  t.regex(r.stdout, /has sha256 [0-9a-f]{64} but the index says 0{64}/);
  t.regex(r.stdout, /Nothing was saved/);
  t.deepEqual(await readdir(dest), [], 'not even the file that verified, nor a stage directory');
});

test('a missing signature: exit 3 "the index publishes no signature for FILE", nothing written', async (t) => {
  const { dest, cli } = await setup(t);
  const files = await sampleFiles();
  files[0]!.asc = undefined;
  files[0]!.gpgSig = false;
  files[1]!.asc = undefined; // data-gpg-sig says true, but the .asc is not there (404)
  files[1]!.gpgSig = true;
  const server = await startIndexServer({ 'distseal-sample': files });
  t.teardown(server.close);
  const r = await cli(['--index-url', server.indexUrl, 'distseal-sample==1.0.0']);
  t.is(r.code, 3);
  t.true(r.stdout.includes(`the index publishes no signature for ${WHEEL}`), r.stdout);
  t.true(r.stdout.includes(`the index publishes no signature for ${SDIST}`), r.stdout);
  t.false(
    server.requests.some((q) => q.url === `/files/${WHEEL}`),
    'the file is not fetched when it has no signature',
  );
  t.deepEqual(await readdir(dest), []);
});

test('--signature-url-template finds signatures published elsewhere', async (t) => {
  const { dest, cli } = await setup(t);
  const files = await sampleFiles();
  const sigs = new Map(files.map((f) => [f.filename, f.asc!]));
  for (const f of files) [f.asc, f.gpgSig] = [undefined, false];
  const server = await startIndexServer(
    { 'distseal-sample': files },
    {
      extra: (req, res) => {
        const m = /^\/sigs\/(.+)\.asc$/.exec(req.url ?? '');
        if (!m) return false;
        res.end(sigs.get(decodeURIComponent(m[1]!)));
        return true;
      },
    },
  );
  t.teardown(server.close);
  const r = await cli([
    '--index-url',
    server.indexUrl,
    '--signature-url-template',
    `${server.origin}/sigs/{filename}.asc`,
    'distseal-sample==1.0.0',
  ]);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.is((await readdir(dest)).length, 4);
});

test('a signature that verifies but by a key not pinned to the project: exit 3, nothing written', async (t) => {
  const { dir, dest } = await setup(t);
  const maintainer = await testKey('ed25519', 'Maintainer');
  const other = await testKey('ed25519', 'Other');
  const home = await trustedHome(path.join(dir, 'pinned'), [
    { publicKey: maintainer.publicKey, pins: ['some-other-project'] },
    { publicKey: other.publicKey, pins: ['distseal-sample'] },
  ]);
  const server = await startIndexServer({ 'distseal-sample': await sampleFiles(maintainer.privateKey) });
  t.teardown(server.close);
  const r = await runCli(
    ['--home', home, 'download', '-d', dest, '-i', server.indexUrl, 'distseal-sample==1.0.0'],
    {
      env: NO_DBUS,
    },
  );
  t.is(r.code, 3, r.stdout);
  t.regex(r.stdout, /E_NOT_PINNED|not pinned|not allowed/i);
  t.deepEqual(await readdir(dest).catch(() => []), []);
});

test('huge or endless answers are bounded: a 2 MiB .asc fails the file, an endless index page stops', async (t) => {
  const { dest, cli } = await setup(t);
  const files = await sampleFiles();
  files[0]!.asc = 'x'.repeat(2 << 20);
  const server = await startIndexServer({ 'distseal-sample': files });
  t.teardown(server.close);
  const r = await cli(['--index-url', server.indexUrl, '--only-wheels', 'distseal-sample==1.0.0']);
  t.is(r.code, 3, r.stderr);
  t.regex(r.stdout, /more than 1048576 bytes/);
  t.deepEqual(await readdir(dest), []);

  const endless = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const chunk = Buffer.alloc(1 << 16, 'a');
    const pump = () => {
      while (res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  const local = await listenLocal(endless);
  t.teardown(local.close);
  const started = Date.now();
  const e = await cli(['--index-url', `${local.origin}/simple/`, '--retries', '0', 'distseal-sample==1.0.0']);
  t.is(e.code, 1, e.stderr);
  t.regex(e.stderr, /more than 32 MiB|more than 33554432/);
  t.true(Date.now() - started < 30_000);
});

test('credentials in the index URL never follow a redirect to another host; 5xx is retried', async (t) => {
  const { dest, cli } = await setup(t);
  const files = await sampleFiles();
  const wheel = files[0]!;
  const seenElsewhere: http.IncomingHttpHeaders[] = [];
  const cdn = await listenLocal(
    http.createServer((req, res) => {
      seenElsewhere.push(req.headers);
      if (req.url === `/${WHEEL}`) return void res.end(wheel.data);
      if (req.url === `/${WHEEL}.asc`) return void res.end(wheel.asc);
      res.writeHead(404).end();
    }),
  );
  t.teardown(cdn.close);
  let failures = 1;
  const server = await startIndexServer(
    { 'distseal-sample': [wheel] },
    {
      extra: (req, res) => {
        if (req.headers.authorization !== `Basic ${Buffer.from('user:s3cret').toString('base64')}`) {
          res.writeHead(401).end();
          return true;
        }
        if (req.url?.startsWith('/files/') && failures-- > 0) {
          res.writeHead(503).end();
          return true;
        }
        if (!req.url?.startsWith('/files/')) return false;
        // localhost, not 127.0.0.1: another origin, as a CDN would be.
        res
          .writeHead(302, { location: `http://localhost:${cdn.port}/${req.url.slice('/files/'.length)}` })
          .end();
        return true;
      },
    },
  );
  t.teardown(server.close);
  const authed = server.indexUrl.replace('http://', 'http://user:s3cret@');
  const r = await cli(['--index-url', authed, 'distseal-sample==1.0.0', '--verbose']);
  t.is(r.code, 0, r.stderr + r.stdout);
  t.true(seenElsewhere.length >= 2);
  t.true(
    seenElsewhere.every((h) => h.authorization === undefined),
    'no Authorization to the other host',
  );
  t.notRegex(r.stdout + r.stderr, /s3cret/);
  t.regex(r.stderr, /retry 1 of 3/);
  t.deepEqual(await readFile(path.join(dest, WHEEL)), wheel.data);
});

const havePip = spawnSync('/usr/bin/python3', ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0;

peerTest(['python3'], { ok: havePip, why: "Debian's pip is not installed (apt-get install python3-pip)" })(
  'pip download from the same index gets the same bytes distseal download verified',
  async (t) => {
    const { dir, dest, cli } = await setup(t);
    const server = await startIndexServer({ 'distseal-sample': await sampleFiles() });
    t.teardown(server.close);
    const r = await cli(['--index-url', server.indexUrl, '--only-wheels', 'distseal-sample==1.0.0']);
    t.is(r.code, 0, r.stderr);
    const pipDest = path.join(dir, 'pip');
    await run(
      '/usr/bin/python3',
      [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--no-cache-dir',
        '--disable-pip-version-check',
        '--only-binary',
        ':all:',
        '--index-url',
        server.indexUrl,
        '-d',
        pipDest,
        'distseal-sample==1.0.0',
      ],
      { env: { ...process.env, HOME: dir, PIP_CONFIG_FILE: '/dev/null' } },
    );
    t.deepEqual(await readdir(pipDest), [WHEEL]);
    t.deepEqual(await readFile(path.join(pipDest, WHEEL)), await readFile(path.join(dest, WHEEL)));
  },
);
