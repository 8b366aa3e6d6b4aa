import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestFn } from 'ava';
import { runCli } from '../../helpers/cli.js';
import { havePeer, peerTest } from '../../helpers/peers.js';
import { GpgHome } from '../gpg-home.js';
import { makeHome, runBoth } from './corpus.js';

/**
 * Signatures made by real GnuPG (EdDSA-legacy and RSA, primary and signing subkey, armored and
 * binary, SHA-256 and SHA-512) take the fast path, with output identical to the full verifier's.
 */

interface Ctx {
  gpg: GpgHome;
  dir: string;
  home: string;
  env: Record<string, string>;
  fpr: Record<string, string>;
}
const gtest = peerTest(['gpg']) as TestFn<Ctx>;

if (havePeer('gpg')) {
  gtest.before(async (t) => {
    const gpg = new GpgHome();
    const dir = path.join(gpg.dir, 'work');
    const home = path.join(dir, 'home');
    await makeHome(home);
    const fpr: Record<string, string> = {
      ed: gpg.genKey('Fast Ed <fast-ed@example.invalid>', 'ed25519'),
      rsa: gpg.genKey('Fast RSA <fast-rsa@example.invalid>', 'rsa3072'),
      sub: gpg.genKey('Fast Sub <fast-sub@example.invalid>', 'ed25519', { usage: 'cert' }),
    };
    fpr.subkey = gpg.addSigningSubkey(fpr.sub!);
    for (const f of [fpr.ed!, fpr.rsa!, fpr.sub!])
      await writeFile(path.join(home, 'trusted', `${f}.asc`), gpg.exportPublic(f), { mode: 0o600 });
    t.context = { gpg, dir, home, env: { DISTSEAL_HOME: home, HOME: dir }, fpr };
  });
  gtest.after.always(async (t) => t.context.gpg?.cleanup());
}

for (const [label, signer, options] of [
  ['ed25519 (EdDSA legacy), armored', 'ed', {}],
  ['ed25519, binary .sig, SHA-512', 'ed', { binary: true, digest: 'SHA512' }],
  ['RSA-3072, armored', 'rsa', {}],
  ['RSA-3072, SHA-384', 'rsa', { digest: 'SHA384' }],
  ['a signing subkey', 'subkey', {}],
] as const) {
  gtest(`gpg: ${label} verifies on the fast path, as on the full one`, async (t) => {
    const { gpg, dir, env, fpr } = t.context;
    const name = `${signer}-${randomBytes(4).toString('hex')}.bin`;
    const file = path.join(dir, name);
    await writeFile(file, randomBytes(2048));
    const key = signer === 'subkey' ? `${fpr.subkey}!` : fpr[signer]!;
    gpg.sign(file, `${file}${'binary' in options ? '.sig' : '.asc'}`, [key], options);
    const warm = await runCli(['verify', name], { env, cwd: dir });
    t.is(warm.code, 0, warm.stdout + warm.stderr);
    const r = await runBoth([name], env, dir, path.join(dir, `${name}.trace`));
    t.is(r.path, 'fast');
    t.is(r.fast.stdout, r.full.stdout);
    t.is(r.fast.stderr, r.full.stderr);
    t.is(r.fast.code, 0);
    t.is(r.full.code, 0);
  });
}
