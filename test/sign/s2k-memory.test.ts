import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import * as openpgp from 'openpgp';
import { runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { tempGnupg } from '../keys/gpg.js';

/**
 * Issue 14: unlocking a key protected with gpg's S2K count (65,011,712 bytes, the largest) cost
 * openpgp.js one 65 MB array per key packet, so `distseal sign` of a 2-byte file peaked at ~130 MB
 * RSS. Streamed (src/core/keys/s2k.ts), the same signing run stays near Node's own floor. The
 * bound leaves a wide margin for a loaded machine (the fixed run measures ~70 MB on Node 20).
 */
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 's2k-memory-child.js');
const LIMIT_MB = 100;
const PASS = 'memory s2k passphrase';

/** `distseal sign` of a 2-byte file in a child, with `armored` imported; its exit code and peak RSS. */
async function signSmall(armored: string): Promise<{ code: number; mb: number; dir: string }> {
  const { dir, cleanup } = await tempDir('distseal-s2k-mem-');
  try {
    const home = path.join(dir, 'home');
    await fs.writeFile(path.join(dir, 'secret.asc'), armored);
    const imp = await runCli(['--home', home, 'keys', 'import', path.join(dir, 'secret.asc')]);
    if (imp.code !== 0) throw new Error(`keys import failed: ${imp.stderr}`);
    const file = path.join(dir, 'tiny-1.0.tar.gz');
    await fs.writeFile(file, 'hi');
    const r = spawnSync(process.execPath, [CHILD, '--home', home, 'sign', file], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env.PATH, HOME: dir, DISTSEAL_PASSPHRASE: PASS },
    });
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { code: number; maxRssKiB: number };
    if (last.code !== 0) throw new Error(`sign failed: ${r.stderr}`);
    await fs.access(`${file}.asc`);
    return { code: last.code, mb: last.maxRssKiB / 1024, dir };
  } finally {
    await cleanup();
  }
}

test(`signing a 2-byte file with a key protected at the largest S2K count peaks under ${LIMIT_MB} MB`, async (t) => {
  t.timeout(180_000);
  const { privateKey } = await openpgp.generateKey({
    userIDs: [{ name: 'Memory', email: 'memory@example.invalid' }],
    subkeys: [{ sign: true }],
    passphrase: PASS,
    config: { s2kIterationCountByte: 255 },
    format: 'armored',
  });
  const { code, mb } = await signSmall(privateKey);
  t.is(code, 0);
  t.log(`peak RSS ${mb.toFixed(0)} MB (openpgp.js key, S2K count 65,011,712)`);
  t.true(mb < LIMIT_MB, `peak RSS ${mb.toFixed(0)} MB >= ${LIMIT_MB} MB: is the S2K buffered again?`);
});

peerTest(['gpg'])(
  `signing a 2-byte file with a gpg-made passphrase key peaks under ${LIMIT_MB} MB`,
  async (t) => {
    t.timeout(180_000);
    const g = await tempGnupg();
    t.teardown(g.cleanup);
    const loop = ['--pinentry-mode', 'loopback', '--passphrase', PASS];
    t.is(
      (await g.gpg([...loop, '--quick-gen-key', 'Mem <mem@example.invalid>', 'ed25519', 'sign', '0'])).code,
      0,
    );
    const list = await g.gpg(['--with-colons', '--list-keys']);
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(list.stdout)![1]!;
    t.is((await g.gpg([...loop, '--quick-add-key', fpr, 'cv25519', 'encr', '0'])).code, 0);
    const secret = await g.gpg([...loop, '--armor', '--export-secret-keys', fpr]);
    t.is(secret.code, 0, secret.stderr);
    const { code, mb } = await signSmall(secret.stdout);
    t.is(code, 0);
    t.log(`peak RSS ${mb.toFixed(0)} MB (gpg-made key)`);
    t.true(mb < LIMIT_MB, `peak RSS ${mb.toFixed(0)} MB >= ${LIMIT_MB} MB: is the S2K buffered again?`);
  },
);
