import test from 'ava';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { TextModeSink } from '../../src/core/io/prehashed.js';
import { signStream } from '../../src/core/sign/index.js';
import { verifyFile } from '../../src/core/verify/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { testKey } from '../sign/keys.js';
import { GpgHome } from '../verify/gpg-home.js';

/**
 * Item 3 of issue 9: text-mode (0x01) signatures verify as gpgv and sqv verify them (over the
 * text with line endings made CRLF), the verdict says so, --binary-only refuses them, and
 * distseal never makes them.
 */

const TEXT = 'Release: 1.0\nSHA256: abc\n';

async function textSigned(content: string | Uint8Array, signedText = TEXT) {
  const k = await testKey('ed25519');
  const armored = (await openpgp.sign({
    message: await openpgp.createMessage({ text: signedText }),
    signingKeys: k.privateKey,
    detached: true,
  })) as string;
  const { dir, cleanup } = await tempDir('distseal-text-');
  const file = path.join(dir, 'Release');
  await fs.writeFile(file, content);
  await fs.writeFile(`${file}.asc`, armored);
  return { file, key: k.publicKey, cleanup };
}

test('a text-mode signature verifies over LF and CRLF copies of the text, and says it is text-mode', async (t) => {
  for (const content of [TEXT, TEXT.replace(/\n/g, '\r\n')]) {
    const s = await textSigned(content);
    t.teardown(s.cleanup);
    const r = await verifyFile({ file: s.file, keys: [s.key] });
    t.true(r.verified, JSON.stringify(r.problems));
    t.is(r.signatures[0]!.signatureType, 'text');
    t.is(r.signatures[0]!.reason.message, 'good text-mode signature');
    t.true(r.signatures[0]!.warnings.some((w) => w.includes('does not protect the exact bytes')));
  }
});

test('a text-mode signature does not verify other text', async (t) => {
  const s = await textSigned(TEXT.replace('abc', 'abd'));
  t.teardown(s.cleanup);
  const r = await verifyFile({ file: s.file, keys: [s.key] });
  t.false(r.verified);
  t.is(r.signatures[0]!.reason.code, 'E_BAD_SIGNATURE');
});

test('binaryOnly refuses a good text-mode signature with E_TEXT_MODE', async (t) => {
  const s = await textSigned(TEXT);
  t.teardown(s.cleanup);
  const r = await verifyFile({ file: s.file, keys: [s.key], binaryOnly: true });
  t.false(r.verified);
  t.is(r.signatures[0]!.reason.code, 'E_TEXT_MODE');
  t.regex(r.signatures[0]!.reason.message, /--binary-only/);
});

test('text-mode signatures are never checked by openpgp.js over decoded text (the streaming fallback)', async (t) => {
  const s = await textSigned(TEXT);
  t.teardown(s.cleanup);
  const r = await verifyFile({ file: s.file, keys: [s.key], prehash: false });
  t.false(r.verified);
  t.is(r.signatures[0]!.verdict, 'could-not-check');
});

test('TextModeSink: CRLF, LF and lone CR become CRLF, the same at every chunk boundary', (t) => {
  const input = Buffer.from('a\nb\r\nc\rd\r\r\ne\n\nf\r');
  const expected = Buffer.from('a\r\nb\r\nc\r\nd\r\n\r\ne\r\n\r\nf\r\n');
  const digest = (chunks: Uint8Array[]) => {
    const h = createHash('sha256');
    const sink = new TextModeSink(h);
    for (const c of chunks) sink.update(c);
    return h.digest('hex');
  };
  const want = createHash('sha256').update(expected).digest('hex');
  t.is(digest([input]), want);
  for (let i = 0; i <= input.length; i++)
    for (let j = i; j <= input.length; j++)
      t.is(digest([input.subarray(0, i), input.subarray(i, j), input.subarray(j)]), want, `split ${i},${j}`);
  // Bytes that are not line endings pass through untouched (no decoding).
  const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
  t.is(digest([binary]), createHash('sha256').update(binary).digest('hex'));
});

test('distseal sign never makes a text-mode signature (fast path and streaming fallback)', async (t) => {
  const k = await testKey('ed25519');
  for (const prehash of [true, false]) {
    const made = await signStream(
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(TEXT));
          c.close();
        },
      }),
      k.privateKey,
      { prehash },
    );
    const sig = await openpgp.readSignature({ armoredSignature: made.armored });
    t.is(sig.packets[0]!.signatureType, openpgp.enums.signature.binary);
  }
});

peerTest(['gpg', 'gpgv'])(
  'a gpg --textmode signature: gpgv and distseal agree on LF and CRLF copies; --binary-only exits 3',
  async (t) => {
    const gpg = new GpgHome();
    t.teardown(() => gpg.cleanup());
    const fpr = gpg.genKey('Text Signer <text@example.invalid>', 'ed25519');
    const dir = path.join(gpg.dir, 'work');
    await fs.mkdir(dir);
    const signed = path.join(dir, 'Release');
    await fs.writeFile(signed, TEXT);
    gpg.gpg([
      '--local-user',
      fpr,
      '--textmode',
      '--armor',
      '--detach-sign',
      '--output',
      `${signed}.asc`,
      signed,
    ]);
    const env = { DISTSEAL_HOME: path.join(dir, 'home') };
    const keyFile = path.join(dir, 'signer.asc');
    await fs.writeFile(keyFile, gpg.exportPublic(fpr));
    const keyring = path.join(dir, 'signer.gpg');
    await fs.writeFile(keyring, gpg.exportBinary(fpr));
    const variants: Record<string, string> = {
      lf: TEXT,
      crlf: TEXT.replace(/\n/g, '\r\n'),
      changed: TEXT.replace('1.0', '1.1'),
    };
    for (const [name, content] of Object.entries(variants)) {
      const file = path.join(dir, `Release-${name}`);
      await fs.writeFile(file, content);
      await fs.copyFile(`${signed}.asc`, `${file}.asc`);
      const gpgv = spawnSync('gpgv', ['--keyring', keyring, `${file}.asc`, file]).status === 0;
      const ours = await runCli(['verify', file, '--keyring', keyFile], { env });
      t.is(ours.code === 0, gpgv, `${name}: gpgv ${gpgv}, distseal ${ours.code}: ${ours.stdout}`);
      if (name !== 'changed') t.regex(ours.stdout, /good text-mode signature/);
    }
    t.true(variants.crlf !== variants.lf);
    const strict = await runCli(
      ['verify', path.join(dir, 'Release-lf'), '--keyring', keyFile, '--binary-only'],
      {
        env,
      },
    );
    t.is(strict.code, 3, strict.stdout);
    t.regex(strict.stdout, /E_TEXT_MODE/);
  },
);
