/**
 * For test/trust/trust-atomic.test.ts, run as a child process and killed at random:
 *   node trust-child.js HOME KEYDIR   trust every key file of KEYDIR not trusted yet, each pinned
 *                                     to its own project (the file name), printing "T <fpr>" after each
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KeyStore } from '../../src/core/keys/store.js';
import { trustKeys } from '../../src/core/trust/add.js';

const [home, keyDir] = process.argv.slice(2) as [string, string];
const store = await KeyStore.open({ home });
const trusted = new Set((await store.loadTrusted()).map((k) => k.fingerprint));
process.stdout.write('R\n');
for (const name of (await fs.readdir(keyDir)).sort()) {
  const fpr = name.replace(/\.asc$/, '');
  if (trusted.has(fpr)) continue;
  const data = await fs.readFile(path.join(keyDir, name));
  await trustKeys(store, data, { source: name, projects: [`project-${fpr.slice(0, 8).toLowerCase()}`] });
  process.stdout.write(`T ${fpr}\n`);
}
