import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createDetachedSignature } from '../../src/core/sign/index.js';
import { verifyFile } from '../../src/core/verify/index.js';
import { problemsText } from '../../src/core/verify/reasons.js';
import { renderReport } from '../../src/cli/commands/verify-render.js';
import { tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';

/**
 * Item 7 of issue 9: "which is not in the trusted keyring the trusted keyring is empty." was two
 * messages glued together. Each combination of reasons reads as one sentence.
 */

async function signed() {
  const { dir, cleanup } = await tempDir('distseal-msg-');
  const k = await testKey('ed25519', 'Message Signer');
  const file = path.join(dir, 'demo-1.0.tar.gz');
  await fs.writeFile(file, 'bytes\n');
  await fs.writeFile(`${file}.asc`, await createDetachedSignature(file, k.privateKey));
  return { file, k, cleanup };
}

test('empty keyring: one problem, saying so; the signature still names its key', async (t) => {
  const s = await signed();
  t.teardown(s.cleanup);
  const r = await verifyFile({ file: s.file, keys: [] });
  t.deepEqual(
    r.problems.map((p) => p.message),
    ['the trusted keyring is empty, so no signature can be trusted'],
  );
  t.is(
    r.signatures[0]!.reason.message,
    `made by key ${s.k.fingerprint}, which is not in the trusted keyring`,
  );
  t.is(
    `The signature of x does not verify: ${problemsText(r.problems)}.`,
    'The signature of x does not verify: the trusted keyring is empty, so no signature can be trusted.',
  );
  const text = renderReport(r, (f) => path.basename(f)).join('\n');
  t.regex(
    text,
    /^demo-1\.0\.tar\.gz: FAILED - the trusted keyring is empty, so no signature can be trusted$/m,
  );
  t.notRegex(text, /keyring the trusted/);
});

test('unknown key with other keys trusted: the signature reason is the file problem', async (t) => {
  const s = await signed();
  t.teardown(s.cleanup);
  const other = await testKey('ed25519', 'Someone Else');
  const r = await verifyFile({ file: s.file, keys: [other.publicKey] });
  t.deepEqual(
    r.problems.map((p) => p.message),
    [`made by key ${s.k.fingerprint}, which is not in the trusted keyring`],
  );
});

test('problemsText joins clauses with semicolons and drops their own stops', (t) => {
  t.is(problemsText([{ message: 'a.' }, { message: 'b' }, { message: ' c; ' }]), 'a; b; c');
  t.is(problemsText([]), 'no good signature from a trusted key');
});
