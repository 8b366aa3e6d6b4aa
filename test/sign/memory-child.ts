/**
 * Child process for memory-bound.test.ts: sign (and verify) a large generated stream, then print
 * the peak RSS. Run alone so the parent's heap does not count. Not a test file itself.
 */
import * as openpgp from 'openpgp';
import { signStream } from '../../src/core/sign/index.js';
import { examineSignatures } from '../../src/core/verify/examine.js';
import { parseSignatureBytes } from '../../src/core/verify/signature-file.js';

const total = Number(process.argv[2] ?? 512) * 1024 * 1024;

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

const { privateKey } = await openpgp.generateKey({
  userIDs: [{ name: 'Memory', email: 'memory@example.invalid' }],
  subkeys: [{}, { sign: true }],
  format: 'object',
});
const sig = await signStream(generated(), privateKey);
const parsed = await parseSignatureBytes(new TextEncoder().encode(sig.armored), 'memory');
if (!parsed.ok) throw new Error(parsed.problem.message);
const [report] = await examineSignatures(parsed.packets, generated, {
  keys: [privateKey.toPublic()],
  now: new Date(),
});
process.stdout.write(
  `${JSON.stringify({ bytes: total, verdict: report!.verdict, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
