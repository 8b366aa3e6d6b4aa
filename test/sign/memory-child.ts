/**
 * Child process for memory-bound.test.ts: sign (and verify) a large generated stream, then print
 * the peak RSS and which path each step took. Run alone so the parent's heap does not count. Not a
 * test file itself. Arguments: MiB, then `prehash` (node:crypto hashes) or `stream` (openpgp.js
 * streams the data itself: the path whose buffering trap the bound guards against).
 */
import * as openpgp from 'openpgp';
import { signStream } from '../../src/core/sign/index.js';
import { examineSignatures } from '../../src/core/verify/examine.js';
import { parseSignatureBytes } from '../../src/core/verify/signature-file.js';

const total = Number(process.argv[2] ?? 512) * 1024 * 1024;
const prehash = (process.argv[3] ?? 'stream') === 'prehash';

const { privateKey } = await openpgp.generateKey({
  userIDs: [{ name: 'Memory', email: 'memory@example.invalid' }],
  subkeys: [{}, { sign: true }],
  format: 'object',
});

// Which path ran (spied after the key's own self-signatures are made): openpgp.js's SignaturePacket.sign gets the data on the streaming path only, and
// its verify gets a digest through the `hashed` hook on the prehash path only.
type Method = (this: { hashed?: unknown }, ...args: unknown[]) => Promise<void>;
const proto = openpgp.SignaturePacket.prototype as unknown as { sign: Method; verify: Method };
const paths = { signGotData: [] as boolean[], verifyViaHook: [] as boolean[] };
const { sign: originalSign, verify: originalVerify } = proto;
proto.sign = function (this: { hashed?: unknown }, ...args: unknown[]) {
  paths.signGotData.push(args[1] !== undefined);
  return originalSign.apply(this, args);
};
proto.verify = function (this: { hashed?: unknown }, ...args: unknown[]) {
  if (args[1] === openpgp.enums.signature.binary) paths.verifyViaHook.push(this.hashed !== undefined);
  return originalVerify.apply(this, args);
};

/** A pseudo-random byte generator stream: nothing on disk, nothing retained. */
function generated(): ReadableStream<Uint8Array> {
  let left = total;
  let x = 0x9e3779b9;
  return new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (left <= 0) return c.close();
        const n = Math.min(left, 1 << 20);
        const chunk = new Uint8Array(n);
        for (let i = 0; i < n; i += 4096) {
          x = (x * 1103515245 + 12345) >>> 0;
          chunk[i] = x & 0xff;
        }
        left -= n;
        c.enqueue(chunk);
      },
    },
    { highWaterMark: 1 },
  );
}

const sig = await signStream(generated(), privateKey, { prehash });
const parsed = await parseSignatureBytes(new TextEncoder().encode(sig.armored), 'memory');
if (!parsed.ok) throw new Error(parsed.problem.message);
const [report] = await examineSignatures(parsed.packets, generated, {
  keys: [privateKey.toPublic()],
  now: new Date(),
  prehash,
});
process.stdout.write(
  `${JSON.stringify({ bytes: total, verdict: report!.verdict, maxRssKiB: process.resourceUsage().maxRSS, paths })}\n`,
);
