#!/usr/bin/env node
// Run ava and end with one plain summary line, "tests: N passed, N failed, N skipped", which CI
// reads. ava's own output passes through unchanged; the exit code is ava's.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const avaCli = path.join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs');
const child = spawn(process.execPath, [avaCli, ...process.argv.slice(2)], {
  stdio: ['inherit', 'pipe', 'pipe'],
});
let text = '';
child.stdout.on('data', (d) => {
  process.stdout.write(d);
  text += d.toString();
});
child.stderr.on('data', (d) => {
  process.stderr.write(d);
  text += d.toString();
});
child.on('close', (code, signal) => {
  const clean = text.replace(/\x1b\[[0-9;]*m/g, '');
  const count = (re) => [...clean.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  const lines = (re) => clean.split('\n').filter((l) => re.test(l)).length;
  // ava prints "N tests passed" only when nothing failed, so count the per-test marks too.
  const passed = Math.max(count(/^\s*(\d+) tests? passed/gm), lines(/^\s*✔/));
  let failed =
    Math.max(count(/^\s*(\d+) tests? failed/gm), lines(/^\s*✘/)) +
    count(/^\s*(\d+) uncaught exceptions?/gm) +
    count(/^\s*(\d+) unhandled rejections?/gm);
  const skipped = Math.max(
    count(/^\s*(\d+) tests? skipped/gm) + count(/^\s*(\d+) tests? todo/gm),
    lines(/^\s*- \S/),
  );
  const exit = code ?? 1;
  if (exit !== 0 && failed === 0) failed = 1; // ava failed without counting (a crash, a timeout, no tests)
  process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  process.exitCode = signal ? 1 : exit;
});
