/**
 * The RSA-4096 rows of bench/sign-verify.ts: `distseal sign` of many small files in one run with
 * an RSA-4096 key, against node:crypto's own RSA-4096 signing (OpenSSL) in a loop, per signature.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { best, timed, type Measure, type Row } from './bench-tools.js';

/** Signs `n` times with a fresh RSA-4096 key (made before the clock starts); prints seconds. */
const NODE_SIGN_LOOP = `
const c = require('node:crypto');
const { privateKey } = c.generateKeyPairSync('rsa', { modulusLength: 4096 });
const data = Buffer.alloc(51, 1);
const n = Number(process.argv[1]);
const t = process.hrtime.bigint();
const u = process.cpuUsage();
for (let i = 0; i < n; i += 1) c.sign('sha256', data, privateKey);
const cpu = process.cpuUsage(u);
console.log(JSON.stringify({ wall: Number(process.hrtime.bigint() - t) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 }));
`;

export interface RsaBatchOptions {
  dir: string;
  env: NodeJS.ProcessEnv;
  bin: string;
  files: number;
  passphrase: string;
  passFile: string;
  runs: number;
}

/** Adds its rows to `rows`; returns the ratio lines. */
export async function rsaBatchRows(o: RsaBatchOptions, rows: Row[]): Promise<string[]> {
  const gnupg = path.join(o.dir, 'g-rsa');
  await fs.mkdir(gnupg, { mode: 0o700 });
  const env = { ...o.env, GNUPGHOME: gnupg };
  const dsEnv = { ...env, DISTSEAL_HOME: path.join(o.dir, 'home-rsa'), DISTSEAL_NO_INTERACTIVE: '1' };
  const gpg = (...a: string[]) =>
    spawnSync(
      'gpg',
      ['--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', o.passphrase, ...a],
      {
        env,
        encoding: 'utf8',
      },
    );
  gpg('--quick-gen-key', 'RSA Bench <rsa@example.invalid>', 'rsa4096', 'sign', '0');
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-keys').stdout)![1]!;
  const secret = path.join(o.dir, 'rsa-secret.asc');
  await fs.writeFile(secret, gpg('--armor', '--export-secret-keys', fpr).stdout);
  const imp = spawnSync(process.execPath, [o.bin, 'keys', 'import', secret], {
    env: dsEnv,
    encoding: 'utf8',
  });
  if (imp.status !== 0) throw new Error(`distseal keys import (RSA) failed: ${imp.stderr}`);
  const work = path.join(o.dir, 'rsa');
  await fs.mkdir(work);
  for (let i = 0; i < o.files; i += 1)
    await fs.writeFile(path.join(work, `r${String(i).padStart(3, '0')}.whl`), Buffer.alloc(1024, i));
  const sign = `"${process.execPath}" "${o.bin}" sign --passphrase-file "${o.passFile}"`;
  // Each run signs afresh (an existing good .asc would be left alone as already signed).
  const one = best(o.runs, () => timed(['bash', '-c', `rm -f *.asc && ${sign} r000.whl`], dsEnv, work));
  const all = best(o.runs, () => timed(['bash', '-c', `rm -f *.asc && ${sign} *.whl`], dsEnv, work));
  const loop = spawnSync(process.execPath, ['-e', NODE_SIGN_LOOP, String(o.files)], { encoding: 'utf8' });
  const own = JSON.parse(loop.stdout) as { wall: number; cpu: number };
  const nodeRow: Measure = { wall: own.wall, cpu: own.cpu, rssMB: 0, status: loop.status, stdout: '' };
  const label = `${o.files} x 1 KiB, RSA-4096`;
  rows.push([label, 'distseal sign of 1 file (start-up + key unlock + 1 signature)', one]);
  rows.push([label, `distseal sign of ${o.files} files (one run)`, all]);
  rows.push([label, `node:crypto sign loop (${o.files} signatures, timed inside; no RSS)`, nodeRow]);
  // Per further signature: the batch run less the one-file run (start-up, unlock), over n - 1.
  const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
  const per = (m: 'wall' | 'cpu') => ({
    batch: (all[m] - one[m]) / (o.files - 1),
    run: all[m] / o.files,
    node: own[m] / o.files,
  });
  const line = (m: 'wall' | 'cpu') => {
    const p = per(m);
    return `${m}: ${ms(p.batch)} against node:crypto's ${ms(p.node)} (${(p.batch / p.node).toFixed(2)}x); the whole run, start-up and unlock included, ${ms(p.run)} a signature (${(p.run / p.node).toFixed(2)}x)`;
  };
  return [`RSA-4096, each further signature in a batch (goal <= 3x): ${line('cpu')}; ${line('wall')}`];
}
