import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { canPrehash } from '../../src/core/io/prehashed.js';
import { generateOwnKey, KEY_ALGOS } from '../../src/core/keys/generate.js';
import { signStream } from '../../src/core/sign/index.js';
import { verifyFile } from '../../src/core/verify/index.js';
import { tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';

/**
 * Item 1 of issue 9: the prehashed path (io/prehashed.ts) rests on openpgp.js honouring the
 * `hashed` hook. These contract tests need no peer program. Serial: one of them patches
 * openpgp.js's SignaturePacket.prototype.verify for this worker process.
 */

const DATA = new TextEncoder().encode('the release bytes, not empty\n');

function stream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });
}

async function fileWith(bytes: Uint8Array, armored: string) {
  const { dir, cleanup } = await tempDir('distseal-hook-');
  const file = path.join(dir, 'demo-1.0.tar.gz');
  await fs.writeFile(file, bytes);
  await fs.writeFile(`${file}.asc`, armored);
  return { file, cleanup };
}

type VerifyFn = (this: { hashed?: unknown }, ...args: unknown[]) => Promise<void>;
const proto = openpgp.SignaturePacket.prototype as unknown as { verify: VerifyFn };

/** Run `fn` with openpgp.js ignoring the `hashed` hook, as an upgrade could. */
async function withHookIgnored<T>(fn: () => Promise<T>): Promise<T> {
  const original = proto.verify;
  proto.verify = function (this: { hashed?: unknown }, ...args: unknown[]) {
    delete this.hashed;
    return original.apply(this, args);
  };
  try {
    return await fn();
  } finally {
    proto.verify = original;
  }
}

/** Record, for every message-signature check, whether the digest came through the hook. */
async function hookUse<T>(fn: () => Promise<T>): Promise<{ result: T; viaHook: boolean[] }> {
  const original = proto.verify;
  const viaHook: boolean[] = [];
  proto.verify = function (this: { hashed?: unknown }, ...args: unknown[]) {
    const type = args[1];
    if (type === openpgp.enums.signature.binary || type === openpgp.enums.signature.text)
      viaHook.push(this.hashed !== undefined);
    return original.apply(this, args);
  };
  try {
    return { result: await fn(), viaHook };
  } finally {
    proto.verify = original;
  }
}

async function signEmpty(key: openpgp.PrivateKey): Promise<string> {
  return (await openpgp.sign({
    message: await openpgp.createMessage({ binary: new Uint8Array(0) }),
    signingKeys: key,
    detached: true,
  })) as string;
}

test.serial('a signature over empty data never verifies a non-empty file', async (t) => {
  const k = await testKey('ed25519');
  const s = await fileWith(DATA, await signEmpty(k.privateKey));
  t.teardown(s.cleanup);
  const r = await verifyFile({ file: s.file, keys: [k.publicKey] });
  t.false(r.verified);
  t.is(r.signatures[0]!.reason.code, 'E_BAD_SIGNATURE');
});

test.serial(
  'when openpgp.js skips the hashed hook, verification fails (never passes on other data)',
  async (t) => {
    const k = await testKey('ed25519');
    const empty = await fileWith(DATA, await signEmpty(k.privateKey));
    t.teardown(empty.cleanup);
    const good = await fileWith(DATA, (await signStream(stream(DATA), k.privateKey)).armored);
    t.teardown(good.cleanup);
    await withHookIgnored(async () => {
      // With the empty message of old, a signature over empty data passed here.
      t.false((await verifyFile({ file: empty.file, keys: [k.publicKey] })).verified);
      // A skipped hook makes even a right signature fail: it is checked over random bytes.
      t.false((await verifyFile({ file: good.file, keys: [k.publicKey] })).verified);
    });
    t.true((await verifyFile({ file: good.file, keys: [k.publicKey] })).verified);
  },
);

test.serial(
  'every key distseal generates signs on the fast path, and plain openpgp.verify accepts it',
  async (t) => {
    t.timeout(120_000);
    for (const algo of KEY_ALGOS) {
      const { privateKey } = await generateOwnKey({
        algo,
        passphrase: '',
        name: 'Fast',
        email: 'fast@example.invalid',
      });
      const made = await signStream(stream(DATA), privateKey);
      const signature = await openpgp.readSignature({ armoredSignature: made.armored });
      t.true(canPrehash(signature.packets[0]!), `${algo}: canPrehash`);
      // The fast-path signature, checked by openpgp.js alone over the data in memory.
      const checked = await openpgp.verify({
        message: await openpgp.createMessage({ binary: DATA }),
        signature,
        verificationKeys: privateKey.toPublic(),
        expectSigned: true,
        format: 'binary',
      });
      t.true(await checked.signatures[0]!.verified, algo);
      // And on our side, verified through the hook.
      const s = await fileWith(DATA, made.armored);
      t.teardown(s.cleanup);
      const { result, viaHook } = await hookUse(() =>
        verifyFile({ file: s.file, keys: [privateKey.toPublic()] }),
      );
      t.true(result.verified, algo);
      t.deepEqual(viaHook, [true], `${algo}: checked through the hook`);
    }
  },
);

test.serial(
  'the streaming fallback, forced: sign and verify both take it and agree with the fast path',
  async (t) => {
    const k = await testKey('ed25519-subkey');
    const signProto = openpgp.SignaturePacket.prototype as unknown as {
      sign: (...args: unknown[]) => Promise<void>;
    };
    const originalSign = signProto.sign;
    const dataGiven: boolean[] = [];
    signProto.sign = function (this: unknown, ...args: unknown[]) {
      dataGiven.push(args[1] !== undefined);
      return originalSign.apply(this, args);
    };
    let slow: Awaited<ReturnType<typeof signStream>>;
    let fast: Awaited<ReturnType<typeof signStream>>;
    try {
      slow = await signStream(stream(DATA), k.privateKey, { prehash: false });
      fast = await signStream(stream(DATA), k.privateKey);
    } finally {
      signProto.sign = originalSign;
    }
    // openpgp.js got the data itself on the fallback, only our digest on the fast path.
    t.deepEqual(dataGiven, [true, false]);
    for (const [name, armored] of Object.entries({ slow: slow.armored, fast: fast.armored })) {
      const s = await fileWith(DATA, armored);
      t.teardown(s.cleanup);
      const forced = await hookUse(() => verifyFile({ file: s.file, keys: [k.publicKey], prehash: false }));
      t.true(forced.result.verified, `${name} signature, fallback verify`);
      t.deepEqual(forced.viaHook, [false], 'the fallback hashes the data itself');
      const usual = await hookUse(() => verifyFile({ file: s.file, keys: [k.publicKey] }));
      t.true(usual.result.verified, `${name} signature, fast verify`);
      t.deepEqual(usual.viaHook, [true]);
    }
    // The fallback really signs the data: a changed file fails on both paths.
    const changed = await fileWith(new TextEncoder().encode('other bytes\n'), slow.armored);
    t.teardown(changed.cleanup);
    t.false((await verifyFile({ file: changed.file, keys: [k.publicKey], prehash: false })).verified);
    t.false((await verifyFile({ file: changed.file, keys: [k.publicKey] })).verified);
  },
);
