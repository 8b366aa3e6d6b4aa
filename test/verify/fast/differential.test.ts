import { randomBytes } from 'node:crypto';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import * as openpgp from 'openpgp';
import { serializeIndex, type VerifyIndex } from '../../../src/core/verify/fast/index-format.js';
import { runCli, tempDir } from '../../helpers/cli.js';
import { exampleKey, makeHome, makeKey, runBoth, sign, trust } from './corpus.js';

/**
 * The fast path of `verify FILE...` must never disagree with the full verifier: every case runs
 * through the real CLI with the fast path allowed and with DISTSEAL_NO_FAST=1, and stdout, stderr
 * and the exit code must be identical. The trace (DISTSEAL_FAST_TRACE) says which path answered,
 * so a case meant for the fast path cannot pass by quietly falling back, and vice versa.
 */

interface Keys {
  example: openpgp.PrivateKey;
  legacy: openpgp.PrivateKey;
  ed25519: openpgp.PrivateKey;
  rsa: openpgp.PrivateKey;
  other: openpgp.PrivateKey;
  expired: openpgp.PrivateKey;
}
let keys: Keys;

test.before(async () => {
  const hourAgo = new Date(Date.now() - 3_600_000);
  keys = {
    example: await exampleKey(),
    legacy: await makeKey('ed25519Legacy', 'Fast Legacy'),
    ed25519: await makeKey('ed25519', 'Fast Ed'),
    rsa: await makeKey('rsa', 'Fast RSA'),
    other: await makeKey('ed25519Legacy', 'Fast Stranger'),
    expired: await makeKey('ed25519Legacy', 'Fast Expired', { date: hourAgo, keyExpirationTime: 600 }),
  };
});

interface Scene {
  dir: string;
  home: string;
  env: Record<string, string>;
  trace: string;
  /** Write FILE (random bytes unless given) and its signature (FILE.asc, or FILE.sig when binary). */
  file: (
    name: string,
    signer?: openpgp.PrivateKey | openpgp.PrivateKey[],
    options?: Parameters<typeof sign>[2] & { data?: Uint8Array },
  ) => Promise<Uint8Array>;
  /** A full-path run that writes the index, checked to have answered 0. */
  warm: (args: string[]) => Promise<void>;
}

async function scene(t: ExecutionContext, trusted: openpgp.PrivateKey[]): Promise<Scene> {
  const { dir, cleanup } = await tempDir('distseal-fast-');
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  await makeHome(home);
  for (const k of trusted) await trust(home, k);
  const env = { DISTSEAL_HOME: home, HOME: dir };
  const trace = path.join(dir, 'trace');
  return {
    dir,
    home,
    env,
    trace,
    file: async (name, signer, options = {}) => {
      const data = options.data ?? new Uint8Array(randomBytes(1024));
      await writeFile(path.join(dir, name), data);
      if (signer) {
        const sig = await sign(signer, data, options);
        await writeFile(path.join(dir, `${name}${options.binary ? '.sig' : '.asc'}`), sig);
      }
      return data;
    },
    warm: async (args) => {
      const r = await runCli(['verify', ...args], { env, cwd: dir });
      t.is(r.code, 0, r.stderr);
    },
  };
}

async function same(t: ExecutionContext, s: Scene, args: string[], expected: 'fast' | 'full', code: number) {
  const r = await runBoth(args, s.env, s.dir, s.trace);
  t.is(r.fast.stdout, r.full.stdout);
  t.is(r.fast.stderr, r.full.stderr);
  t.is(r.fast.code, r.full.code);
  t.is(r.full.code, code, r.full.stdout + r.full.stderr);
  if (expected === 'fast') t.is(r.path, 'fast');
  else t.regex(r.path, /^full: /);
  return r;
}

test('good: keys-example (Ed25519 signing subkey), fast on the second run', async (t) => {
  const s = await scene(t, [keys.example]);
  await s.file('f.bin', keys.example);
  await same(t, s, ['f.bin'], 'full', 0); // no index yet: the full path answers, and writes it
  const r = await same(t, s, ['f.bin'], 'fast', 0);
  t.regex(r.fast.stdout, /signing subkey/);
  const mode = (await import('node:fs')).statSync(path.join(s.home, 'verify-cache.json')).mode & 0o777;
  t.is(mode, 0o600);
});

for (const kind of ['legacy', 'ed25519', 'rsa'] as const) {
  test(`good: a ${kind} key signing with its primary key, armored and binary`, async (t) => {
    const s = await scene(t, [keys[kind]]);
    await s.file('a.bin', keys[kind]);
    await s.file('b.tar.gz', keys[kind], { binary: true });
    await s.warm(['a.bin']);
    await same(t, s, ['a.bin', 'b.tar.gz'], 'fast', 0);
    await same(t, s, ['--json', 'a.bin'], 'fast', 0);
    await same(t, s, ['-q', 'b.tar.gz', 'a.bin'], 'fast', 0);
  });
}

test('good: your own key (keys/), named as such', async (t) => {
  const s = await scene(t, []);
  await writeFile(path.join(s.home, 'keys', 'own.asc'), keys.legacy.toPublic().armor(), { mode: 0o600 });
  await s.file('f.bin', keys.legacy);
  await s.warm(['f.bin']);
  const r = await same(t, s, ['f.bin'], 'fast', 0);
  t.regex(r.fast.stdout, /your own key/);
});

test('not fast: a text-mode signature, two signatures in one .asc', async (t) => {
  const s = await scene(t, [keys.legacy, keys.rsa]);
  await s.file('text.txt', keys.legacy, { text: true, data: Buffer.from('line\nline\n') });
  await s.file('two.bin', [keys.legacy, keys.rsa]);
  await s.file('good.bin', keys.legacy);
  await s.warm(['good.bin']);
  await same(t, s, ['text.txt'], 'full', 0);
  await same(t, s, ['two.bin'], 'full', 0);
});

test('not fast: bad signature, tampered file, unknown key, missing .asc', async (t) => {
  const s = await scene(t, [keys.legacy]);
  await s.file('good.bin', keys.legacy);
  await s.warm(['good.bin']);
  await s.file('tampered.bin', keys.legacy);
  await writeFile(path.join(s.dir, 'tampered.bin'), randomBytes(1024));
  await s.file('swapped.bin', keys.legacy);
  await writeFile(path.join(s.dir, 'swapped.bin.asc'), await readFile(path.join(s.dir, 'good.bin.asc')));
  await s.file('stranger.bin', keys.other);
  await s.file('unsigned.bin');
  await same(t, s, ['tampered.bin'], 'full', 3);
  await same(t, s, ['swapped.bin'], 'full', 3);
  await same(t, s, ['stranger.bin'], 'full', 3);
  await same(t, s, ['unsigned.bin'], 'full', 3);
  await same(t, s, ['good.bin', 'tampered.bin', 'good.bin'], 'full', 3);
  await same(t, s, ['good.bin', 'nonexistent.bin'], 'full', 2);
});

test('not fast: a key that has expired since it signed (the full path warns)', async (t) => {
  const s = await scene(t, [keys.expired, keys.legacy]);
  await s.file('old.bin', keys.expired, { date: new Date(Date.now() - 3_400_000) });
  await s.file('good.bin', keys.legacy);
  await s.warm(['good.bin']);
  const r = await same(t, s, ['old.bin'], 'full', 0);
  t.regex(r.full.stdout, /expired since/);
});

test('not fast: the key was revoked after the index was written', async (t) => {
  const s = await scene(t, [keys.legacy]);
  await s.file('f.bin', keys.legacy);
  await s.warm(['f.bin']);
  await same(t, s, ['f.bin'], 'fast', 0);
  const { privateKey: revoked } = await openpgp.revokeKey({ key: keys.legacy, format: 'object' });
  await trust(s.home, revoked);
  const r = await same(t, s, ['f.bin'], 'full', 3);
  t.regex(r.full.stdout, /revoked/);
  // And the index now written for the revoked key does not list it.
  await same(t, s, ['f.bin'], 'full', 3);
});

test('not fast: trust removed, or another key trusted, after the index was written', async (t) => {
  const s = await scene(t, [keys.legacy]);
  await s.file('f.bin', keys.legacy);
  await s.warm(['f.bin']);
  await trust(s.home, keys.rsa);
  await same(t, s, ['f.bin'], 'full', 0); // stale index: the full path, which rewrites it
  await same(t, s, ['f.bin'], 'fast', 0);
  await rm(path.join(s.home, 'trusted', `${keys.legacy.getFingerprint().toUpperCase()}.asc`));
  await same(t, s, ['f.bin'], 'full', 3);
});

test('not fast: pins in the policy, matching or not', async (t) => {
  const s = await scene(t, [keys.legacy, keys.rsa]);
  await s.file('demo-1.0.tar.gz', keys.legacy);
  const pin = (fpr: string) =>
    writeFile(
      path.join(s.home, 'trusted', 'policy.json'),
      JSON.stringify({ version: 1, projects: { demo: [fpr] } }),
      { mode: 0o600 },
    );
  await pin(keys.legacy.getFingerprint().toUpperCase());
  await s.warm(['demo-1.0.tar.gz']);
  await same(t, s, ['demo-1.0.tar.gz'], 'full', 0);
  await pin(keys.rsa.getFingerprint().toUpperCase());
  await same(t, s, ['demo-1.0.tar.gz'], 'full', 3);
});

test('not fast: a home others can read or write (the full path warns)', async (t) => {
  const s = await scene(t, [keys.legacy]);
  await s.file('f.bin', keys.legacy);
  await s.warm(['f.bin']);
  await chmod(s.home, 0o755);
  const r = await same(t, s, ['f.bin'], 'full', 0);
  t.regex(r.full.stderr, /unsafe permissions/);
});

test('not fast: the index damaged, of another version, or pointing a fingerprint at other material', async (t) => {
  const s = await scene(t, [keys.legacy, keys.rsa]);
  await s.file('f.bin', keys.legacy);
  await s.warm(['f.bin']);
  const file = path.join(s.home, 'verify-cache.json');
  const text = await readFile(file, 'utf8');
  const index = JSON.parse(text) as VerifyIndex & { seal?: string };
  delete index.seal;
  const rewrite = async (edit: (i: VerifyIndex) => VerifyIndex | string) => {
    const out = edit(structuredClone(index));
    await writeFile(file, typeof out === 'string' ? out : serializeIndex(out), { mode: 0o600 });
  };
  await rewrite(() => text.replace('"own":false', '"own":true')); // no longer matches its seal
  await same(t, s, ['f.bin'], 'full', 0);
  await rewrite((i) => ({ ...i, version: 2 as 1 }));
  await same(t, s, ['f.bin'], 'full', 0);
  await rewrite(() => text.slice(0, 100));
  await same(t, s, ['f.bin'], 'full', 0);
  // A legacy signer's entry given the RSA key's packet: its fingerprint is no longer the issuer's.
  const rsaFpr = keys.rsa.getFingerprint().toUpperCase();
  const rsaEntry = index.signers.find((e) => e.primaryFingerprint === rsaFpr)!;
  await rewrite((i) => {
    for (const e of i.signers) if (e.primaryFingerprint !== rsaFpr) e.packet = rsaEntry.packet;
    i.signers = i.signers.filter((e) => e !== i.signers.find((x) => x.primaryFingerprint === rsaFpr));
    return i;
  });
  await same(t, s, ['f.bin'], 'full', 0);
  // The untouched index (resealed as written) is taken again: the edits above were what failed.
  await rewrite((i) => i);
  await same(t, s, ['f.bin'], 'fast', 0);
});

test('fast: one file of 16 MiB or more, its progress line as the full path prints it', async (t) => {
  const s = await scene(t, [keys.ed25519]);
  await s.file('small.bin', keys.ed25519);
  await s.file('large.bin', keys.ed25519, { data: new Uint8Array(16 << 20) });
  await s.warm(['small.bin']);
  const r = await same(t, s, ['large.bin'], 'fast', 0);
  t.is(r.fast.stderr, 'verify large.bin: done (16.0 MiB)\n');
  await same(t, s, ['large.bin', 'small.bin'], 'fast', 0);
  await same(t, s, ['small.bin', 'large.bin', 'small.bin'], 'fast', 0);
  for (const flag of ['--json', '-q']) {
    const quiet = await same(t, s, [flag, 'large.bin', 'small.bin'], 'fast', 0);
    t.is(quiet.fast.stderr, '');
  }
});

test('not fast: two files of 16 MiB or more, or a large file that fails', async (t) => {
  const s = await scene(t, [keys.ed25519]);
  await s.file('a.bin', keys.ed25519, { data: new Uint8Array(16 << 20) });
  await s.file('b.bin', keys.ed25519, { data: new Uint8Array((16 << 20) + 1) });
  await s.warm(['a.bin']);
  // The full path reads both at once: their lines come in either order, run to run.
  const r = await runBoth(['a.bin', 'b.bin'], s.env, s.dir, s.trace);
  t.regex(r.path, /^full: more than one large file/);
  t.is(r.fast.stdout, r.full.stdout);
  t.is(r.fast.code, 0);
  const lines = (text: string) => text.split('\n').sort();
  t.deepEqual(lines(r.fast.stderr), lines(r.full.stderr));
  t.deepEqual(lines(r.full.stderr), ['', 'verify a.bin: done (16.0 MiB)', 'verify b.bin: done (16.0 MiB)']);
  await same(t, s, ['a.bin', 'a.bin'], 'full', 0);
  // The fast path hashed it and stepped aside: the full path's progress line is printed once.
  await writeFile(path.join(s.dir, 'b.bin'), new Uint8Array((16 << 20) + 1).fill(1, -1));
  const bad = await same(t, s, ['b.bin'], 'full', 3);
  t.is(bad.fast.stderr.match(/done/g)?.length, 1);
});
