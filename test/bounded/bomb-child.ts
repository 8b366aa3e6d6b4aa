/**
 * Child process for bombs.test.ts: run one reader over one file, then print how long it took,
 * the peak RSS and the error it ended with. Run alone so the parent's heap does not count.
 * Not a test file itself. Usage: node bomb-child.js check|meta FILE
 */
import { checkDist } from '../../src/core/distributions/check.js';
import { readCondaMeta } from '../../src/core/distributions/conda/read.js';

const [mode, file] = process.argv.slice(2) as [string, string];
const started = performance.now();
const cpuBefore = process.cpuUsage();
let code: string | undefined;
let message: string | undefined;
try {
  if (mode === 'check') await checkDist(file);
  else await readCondaMeta(file);
} catch (error) {
  code = (error as { code?: string }).code;
  message = (error as Error).message;
}
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(
  `${JSON.stringify({ ms, cpuMs, maxRssKiB: process.resourceUsage().maxRSS, code, message })}\n`,
);
