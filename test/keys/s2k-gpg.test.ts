import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { MAX_S2K_COUNT, streamIteratedS2K } from '../../src/core/keys/s2k.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { tempGnupg } from './gpg.js';

/**
 * A passphrase-protected key made by gpg (its export: iterated+salted S2K, SHA-1, the largest
 * count) unlocks through the streamed S2K: `distseal sign` works and gpg verifies the signature;
 * a wrong passphrase is refused exactly as before (exit 2, the same message).
 */
const PASS = 'gpg s2k passphrase ☃';

peerTest(['gpg'])(
  'a gpg-made passphrase key: streamed S2K unlocks, signs, gpg verifies; a wrong one is refused',
  async (t) => {
    t.timeout(180_000);
    const g = await tempGnupg();
    t.teardown(g.cleanup);
    const { dir, cleanup } = await tempDir('distseal-s2k-gpg-');
    t.teardown(cleanup);
    const loop = ['--pinentry-mode', 'loopback', '--passphrase', PASS];
    t.is(
      (await g.gpg([...loop, '--quick-gen-key', 'S2K <s2k@example.invalid>', 'ed25519', 'sign', '0'])).code,
      0,
    );
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec((await g.gpg(['--with-colons', '--list-keys'])).stdout)![1]!;
    t.is((await g.gpg([...loop, '--quick-add-key', fpr, 'cv25519', 'encr', '0'])).code, 0);
    const secret = await g.gpg([...loop, '--armor', '--export-secret-keys', fpr]);
    t.is(secret.code, 0, secret.stderr);

    // The shape gpg exports is the one we stream: both packets, the largest count.
    const key = await openpgp.readPrivateKey({ armoredKey: secret.stdout });
    const s2ks = key.getKeys().map((k) => (k.keyPacket as unknown as { s2k: { getCount(): number } }).s2k);
    t.deepEqual(
      s2ks.map((s) => s.getCount()),
      [MAX_S2K_COUNT, MAX_S2K_COUNT],
    );
    t.is(streamIteratedS2K(key), 2);
    t.true((await openpgp.decryptKey({ privateKey: key, passphrase: PASS })).isDecrypted());

    const home = path.join(dir, 'home');
    await fs.writeFile(path.join(dir, 'secret.asc'), secret.stdout);
    const imp = await runCli(['--home', home, 'keys', 'import', path.join(dir, 'secret.asc')]);
    t.is(imp.code, 0, imp.stderr);
    const file = path.join(dir, 'demo-1.0.tar.gz');
    await fs.writeFile(file, 'release bytes\n');

    const wrong = await runCli(['--home', home, 'sign', file], { env: { DISTSEAL_PASSPHRASE: `${PASS}x` } });
    t.is(wrong.code, 2, wrong.stderr);
    t.true(
      wrong.stderr.includes(`Wrong passphrase for key ${fpr} (from DISTSEAL_PASSPHRASE).`),
      wrong.stderr,
    );
    t.false(wrong.stderr.includes(PASS));
    await t.throwsAsync(fs.access(`${file}.asc`));

    const signed = await runCli(['--home', home, 'sign', file], { env: { DISTSEAL_PASSPHRASE: PASS } });
    t.is(signed.code, 0, signed.stderr);
    const verified = await g.gpg(['--verify', `${file}.asc`, file]);
    t.is(verified.code, 0, verified.stderr);
    t.regex(verified.stderr, /Good signature/);
  },
);
