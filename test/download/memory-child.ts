/**
 * Child process for memory.test.ts: download one big file through the real code path and print
 * the peak RSS, so the parent's heap does not count. Not a test file itself.
 */
import { downloadPython } from '../../src/core/download/python.js';
import { KeyStore } from '../../src/core/keys/store.js';

const [indexUrl, home, dest] = process.argv.slice(2) as [string, string, string];
const store = await KeyStore.open({ home });
const report = await downloadPython({
  requirements: ['bigpkg==1.0'],
  indexUrl,
  dest,
  keys: await store.trustedKeys(),
  policy: await store.trustPolicy(),
});
process.stdout.write(
  `${JSON.stringify({ ok: report.ok, size: report.files[0]?.size, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
