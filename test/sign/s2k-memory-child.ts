/**
 * Child process for s2k-memory.test.ts: run the CLI in this process (argv after the script), then
 * print the exit code and the peak RSS as the last line. Not a test file itself.
 */
import { main } from '../../src/cli/main.js';

const code = await main(process.argv.slice(2));
process.stdout.write(`\n${JSON.stringify({ code, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
