import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { KeyStore } from '../../../src/core/keys/store.js';
import { homeWouldWarn, trustInputsDigest } from '../../../src/core/verify/fast/inputs.js';
import { tempDir } from '../../helpers/cli.js';
import { makeHome } from './corpus.js';

/**
 * The fast path's view of the home must be the key store's: the same permission warnings (it
 * steps aside whenever KeyStore.open would warn) and a digest that changes exactly when a file the
 * store reads for verification changes.
 */

async function storeWarns(home: string): Promise<boolean> {
  const warnings: string[] = [];
  const logger = { info: () => {}, debug: () => {}, warn: (m: string) => warnings.push(m) };
  await KeyStore.open({ home, logger });
  return warnings.length > 0;
}

const skipOnWindows = process.platform === 'win32' ? test.skip : test;

skipOnWindows('homeWouldWarn agrees with the key store permission check, file by file', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  await makeHome(home);
  const files = {
    own: path.join(home, 'keys', 'A.asc'),
    trusted: path.join(home, 'trusted', 'B.asc'),
    policy: path.join(home, 'trusted', 'policy.json'),
    note: path.join(home, 'trusted', 'notes.txt'),
    revocation: path.join(home, 'revocations', 'A.rev.asc'),
  };
  for (const f of Object.values(files)) await writeFile(f, 'x', { mode: 0o600 });
  const cases: Array<[string, string, number]> = [
    ['home group-readable', home, 0o750],
    ['home group-writable', home, 0o770],
    ['keys/ group-readable', path.join(home, 'keys'), 0o750],
    ['own key readable', files.own, 0o644],
    ['revocation readable', files.revocation, 0o640],
    ['trusted/ readable (fine)', path.join(home, 'trusted'), 0o755],
    ['trusted/ writable', path.join(home, 'trusted'), 0o775],
    ['trusted key readable (fine)', files.trusted, 0o644],
    ['trusted key writable', files.trusted, 0o664],
    ['policy writable', files.policy, 0o646],
    ['another file in trusted/ writable (fine)', files.note, 0o666],
  ];
  t.false(homeWouldWarn(home));
  t.false(await storeWarns(home));
  for (const [name, file, mode] of cases) {
    const before = (await stat(file)).mode & 0o777;
    await chmod(file, mode);
    t.is(homeWouldWarn(home), await storeWarns(home), name);
    await chmod(file, before);
  }
  t.true(cases.some(([name]) => !name.includes('fine')));
  await rm(path.join(home, 'revocations'), { recursive: true });
  t.is(homeWouldWarn(home), await storeWarns(home), 'no revocations/');
});

test('the trust inputs digest changes exactly with the files verification reads', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  await makeHome(home);
  const digest = () => trustInputsDigest(home);
  const steps: Array<[string, () => Promise<unknown>, boolean]> = [
    ['a trusted key', () => writeFile(path.join(home, 'trusted', 'B.asc'), 'b'), true],
    ['its bytes change', () => writeFile(path.join(home, 'trusted', 'B.asc'), 'c'), true],
    ['an own key', () => writeFile(path.join(home, 'keys', 'A.asc'), 'a'), true],
    ['the policy', () => writeFile(path.join(home, 'trusted', 'policy.json'), '{}'), true],
    ['an empty policy file', () => writeFile(path.join(home, 'trusted', 'policy.json'), ''), true],
    [
      'a key renamed',
      () => rename(path.join(home, 'trusted', 'B.asc'), path.join(home, 'trusted', 'C.asc')),
      true,
    ],
    ['a .txt in trusted/', () => writeFile(path.join(home, 'trusted', 'note.txt'), 'n'), false],
    ['a dot-file .asc', () => writeFile(path.join(home, 'trusted', '.D.asc'), 'd'), false],
    ['a revocation', () => writeFile(path.join(home, 'revocations', 'A.rev.asc'), 'r'), false],
    ['config.json', () => writeFile(path.join(home, 'config.json'), '{}'), false],
    ['the own key removed', () => rm(path.join(home, 'keys', 'A.asc')), true],
  ];
  let last = digest();
  for (const [name, step, changes] of steps) {
    await step();
    const now = digest();
    t.is(now !== last, changes, name);
    last = now;
  }
});
