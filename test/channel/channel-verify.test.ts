import { createReadStream } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import test from 'ava';
import { tempDir } from '../helpers/cli.js';
import { BZ2, cli, CONDA, copies, homeWithKey, PUBLIC_KEY, TINY } from './helpers.js';
import { listenLocal } from '../helpers/local-server.js';

let home = '';
let root = '';
let channel = '';
let cleanup: () => Promise<void> = async () => undefined;
test.before(async () => {
  ({ dir: root, cleanup } = await tempDir());
  home = await homeWithKey(root);
  channel = path.join(root, 'channel');
  const r = await cli(home, ['channel', 'add', channel, CONDA, BZ2, TINY]);
  if (r.code !== 0) throw new Error(r.stderr);
});
test.after.always(() => cleanup());

/** A private copy of the good channel for a test that damages it. */
async function channelCopy(name: string): Promise<string> {
  const dest = path.join(root, name);
  for (const sub of ['noarch', 'linux-64']) {
    const { readdir } = await import('node:fs/promises');
    await copies(
      path.join(dest, sub),
      (await readdir(path.join(channel, sub))).map((f) => path.join(channel, sub, f)),
    );
  }
  return dest;
}

/** Serve a directory read-only over http on 127.0.0.1. */
async function serve(dir: string): Promise<{ url: string; close: () => Promise<void>; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer(async (req, res) => {
    hits.push(req.url!);
    const file = path.join(dir, decodeURIComponent(req.url!.split('?')[0]!));
    if (
      !file.startsWith(dir) ||
      !(await stat(file).then(
        (s) => s.isFile(),
        () => false,
      ))
    ) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200);
    createReadStream(file).pipe(res);
  });
  const { origin, close } = await listenLocal(server);
  return { url: `${origin}/`, hits, close };
}

test('a tampered package fails channel verify with exit 3, naming the file and the mismatch', async (t) => {
  const c = await channelCopy('t1');
  const file = path.join(c, 'linux-64', 'tinylib-0.1-h0_1.conda');
  const bytes = await readFile(file);
  bytes[bytes.length - 30] ^= 0xff;
  await writeFile(file, bytes);
  const r = await cli(home, ['channel', 'verify', c, '--keyring', PUBLIC_KEY]);
  t.is(r.code, 3, r.stderr);
  t.regex(r.stdout, /linux-64\/tinylib-0\.1-h0_1\.conda: FAILED/);
  t.regex(r.stdout, /has sha256 [0-9a-f]{64} but repodata\.json says/);
  t.regex(r.stdout, /noarch\/repodata\.json: OK/);
});

test('an edited repodata.json fails its signature; a missing package .asc fails; exit 3', async (t) => {
  const c = await channelCopy('t2');
  const file = path.join(c, 'noarch', 'repodata.json');
  await writeFile(file, (await readFile(file, 'utf8')).replace('"license":"Apache-2.0"', '"license":"MIT"'));
  await rm(path.join(c, 'linux-64', 'tinylib-0.1-h0_1.conda.asc'));
  const r = await cli(home, ['--json', 'channel', 'verify', c, '--keyring', PUBLIC_KEY]);
  t.is(r.code, 3);
  const out = JSON.parse(r.stdout);
  t.false(out.ok);
  const byPath = Object.fromEntries(out.results.map((e: { path: string }) => [e.path, e]));
  t.is(byPath['noarch/repodata.json'].problems[0].code, 'E_REPODATA_SIGNATURE');
  t.is(byPath['linux-64/tinylib-0.1-h0_1.conda'].problems[0].code, 'E_NO_SIGNATURE');
  t.true(byPath['linux-64/repodata.json'].ok);
});

test('an untrusted key fails closed', async (t) => {
  // Another home: it has no key of its own and trusts nobody (the signing home trusts its own key).
  const r = await cli(path.join(root, 'empty-home'), ['channel', 'verify', channel]);
  t.is(r.code, 3);
  t.regex(r.stdout, /FAILED/);
});

test('a channel served over http verifies by URL, and verify --channel URL checks one download', async (t) => {
  const s = await serve(channel);
  try {
    const r = await cli(home, ['channel', 'verify', s.url, '--keyring', PUBLIC_KEY]);
    t.is(r.code, 0, r.stdout + r.stderr);
    t.regex(r.stdout, /VERIFIED \(5 checks in noarch, linux-64\)/);
    const [download] = await copies(path.join(root, 'downloads'), [TINY]);
    const one = await cli(home, ['verify', '--channel', s.url, download!, '--keyring', PUBLIC_KEY]);
    t.is(one.code, 0, one.stdout + one.stderr);
    t.regex(one.stdout, /VERIFIED against .* \(linux-64\/tinylib-0\.1-h0_1\.conda\)/);
    t.true(
      s.hits.includes('/linux-64/tinylib-0.1-h0_1.conda.asc'),
      'the package signature came from the channel',
    );
  } finally {
    await s.close();
  }
});

test('verify --channel DIR: a file that is not the published one fails (exit 3); a file not in the channel fails', async (t) => {
  const [download] = await copies(path.join(root, 'dl2'), [CONDA]);
  const good = await cli(home, ['verify', '--channel', channel, download!, '--keyring', PUBLIC_KEY]);
  t.is(good.code, 0, good.stdout + good.stderr);
  const bytes = await readFile(download!);
  await writeFile(download!, Buffer.concat([bytes, Buffer.from('x')]));
  const bad = await cli(home, ['--json', 'verify', '--channel', channel, download!, '--keyring', PUBLIC_KEY]);
  t.is(bad.code, 3);
  const codes = JSON.parse(bad.stdout).results[0].problems.map((p: { code: string }) => p.code);
  t.true(codes.includes('E_SHA256_MISMATCH'));
  t.true(codes.includes('E_SIZE_MISMATCH'));
  const [other] = await copies(path.join(root, 'dl3'), [BZ2]);
  await writeFile(path.join(path.dirname(other!), 'distseal-demo-9.9-py_0.tar.bz2'), await readFile(other!));
  const missing = await cli(home, [
    'verify',
    '--channel',
    channel,
    path.join(path.dirname(other!), 'distseal-demo-9.9-py_0.tar.bz2'),
    '--keyring',
    PUBLIC_KEY,
  ]);
  t.is(missing.code, 3);
  t.regex(missing.stdout, /no record for distseal-demo-9\.9-py_0\.tar\.bz2|no repodata\.json that lists/);
});

test('a directory without noarch/repodata.json is not a channel', async (t) => {
  const empty = path.join(root, 'not-a-channel');
  await copies(empty, []);
  const r = await cli(home, ['channel', 'verify', empty, '--keyring', PUBLIC_KEY]);
  t.is(r.code, 3);
  t.regex(r.stdout, /not a conda channel/);
});
