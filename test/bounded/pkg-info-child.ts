/**
 * Child process for sdist-pkg-info.test.ts: check one sdist and print the metadata member used,
 * the name read and the peak RSS. Not a test file itself. Usage: node pkg-info-child.js FILE
 */
import { checkDist } from '../../src/core/distributions/check.js';

const report = await checkDist(process.argv[2]!);
process.stdout.write(
  `${JSON.stringify({ name: report.name, version: report.version, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
