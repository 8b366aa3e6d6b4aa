/**
 * Child process for s2k-memory.test.ts: run the CLI in this process (argv after the script), then
 * print the exit code and the peak RSS as the last line. Not a test file itself.
 *
 * The peak is VmHWM from /proc/self/status where there is one: getrusage's maxRSS survives exec on
 * Linux, so it reports the parent's RSS at fork time (a test worker's ~130 MB) when that is larger.
 */
import { readFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';

function peakKiB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS;
}

const code = await main(process.argv.slice(2));
process.stdout.write(`\n${JSON.stringify({ code, maxRssKiB: peakKiB() })}\n`);
