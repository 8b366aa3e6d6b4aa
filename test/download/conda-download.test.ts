import { createReadStream } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { simpleSolve } from '@conda-org/rattler';
import test from 'ava';
import { tempDir } from '../helpers/cli.js';
import { listenLocal } from '../helpers/local-server.js';
import { BZ2, cli, CONDA, copies, homeWithKey, PUBLIC_KEY, TINY } from '../channel/helpers.js';

let root = '';
let channel = '';
let consumer = '';
let cleanup: () => Promise<void> = async () => undefined;
test.before(async () => {
  ({ dir: root, cleanup } = await tempDir());
  const home = await homeWithKey(root);
  channel = path.join(root, 'channel');
  const r = await cli(home, ['channel', 'add', channel, CONDA, BZ2, TINY]);
  if (r.code !== 0) throw new Error(r.stderr);
  consumer = path.join(root, 'consumer');
  const t = await cli(consumer, ['trust', 'add', PUBLIC_KEY]);
  if (t.code !== 0) throw new Error(t.stderr);
});
test.after.always(() => cleanup());

async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const file = path.join(dir, decodeURIComponent(req.url!.split('?')[0]!));
    const ok =
      file.startsWith(dir) &&
      (await stat(file).then(
        (s) => s.isFile(),
        () => false,
      ));
    if (!ok) return void res.writeHead(404).end('not found');
    res.writeHead(200);
    createReadStream(file).pipe(res);
  });
  const { origin, close } = await listenLocal(server);
  return { url: `${origin}/`, close };
}

test('conda:NAME==VERSION from a local and an http channel lands with its .asc after repodata and sha256 check', async (t) => {
  const dest = path.join(root, 'dl1');
  const r = await cli(consumer, [
    'download',
    'conda:distseal-demo==1.0.0',
    '--channel',
    channel,
    '--subdir',
    'noarch',
    '-d',
    dest,
    '--json',
  ]);
  t.is(r.code, 0, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout) as {
    packages: Array<{ filename: string; sha256: string; signature?: { verified: boolean } }>;
  };
  t.is(report.packages[0]!.filename, path.basename(CONDA), '.conda preferred over .tar.bz2');
  t.true(report.packages[0]!.signature?.verified);
  t.deepEqual((await readdir(dest)).sort(), [path.basename(CONDA), `${path.basename(CONDA)}.asc`]);
  t.deepEqual(await readFile(path.join(dest, path.basename(CONDA))), await readFile(CONDA));

  const server = await serve(channel);
  t.teardown(server.close);
  const dest2 = path.join(root, 'dl2');
  const r2 = await cli(consumer, [
    'download',
    'conda:tinylib',
    '--channel',
    server.url,
    '--subdir',
    'linux-64',
    '--subdir',
    'noarch',
    '-d',
    dest2,
  ]);
  t.is(r2.code, 0, r2.stderr + r2.stdout);
  t.true((await readdir(dest2)).includes(path.basename(TINY)));
});

test('conda download fails closed: unsigned repodata, a tampered package, an untrusted channel key', async (t) => {
  const c = path.join(root, 'bad');
  for (const sub of ['noarch', 'linux-64'])
    await copies(
      path.join(c, sub),
      (await readdir(path.join(channel, sub))).map((f) => path.join(channel, sub, f)),
    );
  const dest = path.join(root, 'dl-bad');
  const run = (args: string[], home = consumer) =>
    cli(home, [
      'download',
      'conda:distseal-demo==1.0.0',
      '--channel',
      c,
      '--subdir',
      'noarch',
      '-d',
      dest,
      ...args,
    ]);

  // Tampered package bytes: sha256 differs from the signed record.
  const pkg = path.join(c, 'noarch', path.basename(CONDA));
  const bytes = await readFile(pkg);
  bytes[bytes.length - 10] ^= 1;
  await writeFile(pkg, bytes);
  const tampered = await run([]);
  t.is(tampered.code, 3, tampered.stderr);
  t.regex(tampered.stdout, /has sha256 [0-9a-f]+ but repodata.json says/);
  t.deepEqual(await readdir(dest), []);

  // An untrusted consumer: the repodata signature does not verify.
  const stranger = path.join(root, 'stranger');
  const untrusted = await run([], stranger);
  t.is(untrusted.code, 3);
  t.regex(untrusted.stdout, /repodata.json does not verify|not verified/i);

  // No repodata.json.asc at all.
  await rm(path.join(c, 'noarch', 'repodata.json.asc'));
  const unsigned = await run([]);
  t.is(unsigned.code, 3);
  t.regex(unsigned.stdout, /no signature/);
  t.deepEqual(await readdir(dest), []);
});

test('a real conda client (rattler) solves against the channel and finds the sha256 the signed repodata lists', async (t) => {
  const server = await serve(channel);
  t.teardown(server.close);
  const solved = await simpleSolve(
    ['distseal-demo ==1.0.0', 'tinylib'],
    [server.url],
    ['linux-64', 'noarch'],
    [],
  );
  const byName = new Map(solved.map((p) => [p.filename, p]));
  t.deepEqual([...byName.keys()].sort(), [path.basename(CONDA), path.basename(TINY)].sort());
  const repodata = JSON.parse(await readFile(path.join(channel, 'noarch', 'repodata.json'), 'utf8')) as {
    'packages.conda': Record<string, { sha256: string }>;
  };
  const demo = byName.get(path.basename(CONDA))!;
  t.is(demo.sha256, repodata['packages.conda'][path.basename(CONDA)]!.sha256);
  t.is(demo.url, `${server.url}noarch/${path.basename(CONDA)}`);
  // distseal download lands the very bytes rattler would install.
  const dest = path.join(root, 'dl-rattler');
  const r = await cli(consumer, [
    'download',
    'conda:distseal-demo',
    '--channel',
    server.url,
    '--subdir',
    'noarch',
    '-d',
    dest,
  ]);
  t.is(r.code, 0, r.stderr);
  const landed = await readFile(path.join(dest, path.basename(CONDA)));
  t.is(createHash('sha256').update(landed).digest('hex'), demo.sha256 ?? '(none)');
});

test('conda download from a URL channel retries a 5xx, sends the channel credentials as Basic auth and never prints them', async (t) => {
  let failed = false;
  const auths: Array<string | undefined> = [];
  const server = http.createServer(async (req, res) => {
    auths.push(req.headers.authorization);
    if (!failed && req.url === '/noarch/repodata.json') {
      failed = true;
      return void res.writeHead(503).end();
    }
    const file = path.join(channel, decodeURIComponent(req.url!.split('?')[0]!));
    const ok =
      file.startsWith(channel) &&
      (await stat(file).then(
        (s) => s.isFile(),
        () => false,
      ));
    if (!ok) return void res.writeHead(404).end('not found');
    createReadStream(file).pipe(res);
  });
  const { origin, close } = await listenLocal(server);
  t.teardown(close);
  const dest = path.join(root, 'dl-retry');
  const url = origin.replace('http://', 'http://u:pw@');
  const r = await cli(consumer, [
    'download',
    'conda:distseal-demo',
    '--channel',
    url,
    '--subdir',
    'noarch',
    '-d',
    dest,
  ]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /retry 1 of 3/);
  t.true(auths.every((a) => a === `Basic ${Buffer.from('u:pw').toString('base64')}`));
  t.notRegex(r.stdout + r.stderr, /pw@/);
});
