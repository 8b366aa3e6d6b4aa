/**
 * Hand-run benchmark (never in the test gate): distseal sign/verify against gpg, gpgv, sqv and
 * rnp on the same machine in the same run, with the same passphrase-protected Ed25519 key (made
 * by gpg, imported into a throwaway distseal home), the bare hash loop and the key unlock as the
 * floors, `distseal verify` on its fast path (the key in the home, the verification cache written
 * by a first run) and on the full path (--keyring), and an RSA-4096 batch against node:crypto
 * (bench/rsa-batch.ts). Prints a Markdown table of wall time, CPU time and peak RSS, and the
 * goals' ratios.
 *
 *   npm run build && node dist/bench/sign-verify.js [--mib 1024] [--big-mib 4096] [--files 200]
 *     [--file-mib 5] [--runs 3] [--rsa-files 50]     (--files 0 / --rsa-files 0 skip those parts)
 *
 * Everything lives in a temp directory that is removed at the end; nothing touches ~/.gnupg or
 * your distseal home. Needs gpg, gpgv, sqv, rnp, openssl and /usr/bin/time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  arg,
  BARE_HASH_LOOP,
  best,
  loadAverage,
  opensslSpeed,
  printTable,
  timed,
  writeRandom,
  type Measure,
  type Row,
} from './bench-tools.js';
import { rsaBatchRows } from './rsa-batch.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'distseal.js');
const PASSPHRASE = 'bench-passphrase';

/** A shell loop, timed as one command (what a maintainer's script would do). */
function timedShell(script: string, env: NodeJS.ProcessEnv, cwd: string): Measure {
  return timed(['bash', '-c', script], env, cwd);
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

async function main(): Promise<void> {
  const mib = arg('mib', 1024);
  const bigMib = arg('big-mib', 0);
  const nFiles = arg('files', 200);
  const fileMib = arg('file-mib', 5);
  const runs = arg('runs', 3);
  const rsaFiles = arg('rsa-files', 50);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dsb-'));
  const gnupg = path.join(dir, 'g');
  await fs.mkdir(gnupg, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: gnupg, LC_ALL: 'C' };
  const dsEnv = { ...env, DISTSEAL_HOME: path.join(dir, 'home'), DISTSEAL_NO_INTERACTIVE: '1' };
  const passFile = path.join(dir, 'passphrase');
  const gpg = (...a: string[]) =>
    spawnSync('gpg', ['--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', PASSPHRASE, ...a], {
      env,
      encoding: 'utf8',
    });
  const node = process.execPath;
  const sign = (...a: string[]) => [node, BIN, 'sign', '--force', '--passphrase-file', passFile, ...a];
  const verify = (...a: string[]) => [node, BIN, 'verify', '--keyring', path.join(dir, 'pub.asc'), ...a];
  const rows: Row[] = [];
  const ratios: string[] = [];
  const loadStart = loadAverage();
  try {
    await fs.writeFile(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    // A passphrase-protected key, as a maintainer's is: the unlock is part of every signing run.
    gpg('--quick-gen-key', 'Bench <bench@example.invalid>', 'ed25519', 'sign', '0');
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-keys').stdout)![1]!;
    await fs.writeFile(path.join(dir, 'secret.asc'), gpg('--armor', '--export-secret-keys', fpr).stdout);
    await fs.writeFile(path.join(dir, 'pub.asc'), gpg('--armor', '--export', fpr).stdout);
    await fs.writeFile(path.join(dir, 'pub.gpg'), spawnSync('gpg', ['--export', fpr], { env }).stdout);
    const imp = spawnSync(node, [BIN, 'keys', 'import', path.join(dir, 'secret.asc')], {
      env: dsEnv,
      encoding: 'utf8',
    });
    if (imp.status !== 0) throw new Error(`distseal keys import failed: ${imp.stderr}`);
    const tiny = path.join(dir, 'tiny.txt');
    await fs.writeFile(tiny, 'x\n');

    const bigRun = async (size: number) => {
      const label = `${size >= 1024 ? `${size / 1024} GiB` : `${size} MiB`} file`;
      const file = path.join(dir, `big-${size}.bin`);
      await writeRandom(file, size);
      const add = (tool: string, m: Measure) => (rows.push([label, tool, m]), m);
      // Best of `runs` for the rows the goals compare (the least disturbed by other load).
      const nodeStart = add(
        'node -e 0 (Node start-up)',
        best(runs, () => timed([node, '-e', '0'], env)),
      );
      const bare = add(
        'bare node:crypto sha256 loop (1 MiB reads)',
        best(runs, () => timed([node, '-e', BARE_HASH_LOOP, file], env)),
      );
      const unlock = add(
        'distseal sign of a 2-byte file (start-up + key unlock)',
        best(runs, () => timed(sign(tiny), dsEnv)),
      );
      const signed = add(
        'distseal sign',
        best(runs, () => timed(sign(file), dsEnv)),
      );
      const verified = add(
        'distseal verify --keyring FILE (the full path)',
        best(runs, () => timed(verify(file), dsEnv)),
      );
      // The fast path (src/cli/verify-fast.ts) answers from the verification cache, which the full
      // verifier writes for the home's keyring: one verify first, as a user's first run would.
      const home = (...a: string[]) => [node, BIN, 'verify', ...a];
      const first = timed(home(file), dsEnv);
      if (first.status !== 0) throw new Error('distseal verify (home keyring) failed');
      const trace = path.join(dir, 'fast-trace');
      const traced = spawnSync(node, [BIN, 'verify', file], {
        env: { ...dsEnv, DISTSEAL_FAST_TRACE: trace },
      });
      const fastPath = traced.status === 0 && (await fs.readFile(trace, 'utf8')).trim() === 'fast';
      if (!fastPath) throw new Error('distseal verify did not take the fast path with a warm cache');
      const fast = add(
        'distseal verify, fast path (home keyring, cache warm)',
        best(runs, () => timed(home(file), dsEnv)),
      );
      const gpgSign = ['gpg', '--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', PASSPHRASE];
      add(
        'gpg --detach-sign -a (SHA-256, its default)',
        timed([...gpgSign, '--detach-sign', '--armor', '--output', `${file}.gpg.asc`, file], env),
      );
      add(
        'gpg --detach-sign -a --digest-algo SHA512',
        timed(
          [
            ...gpgSign,
            '--detach-sign',
            '--armor',
            '--digest-algo',
            'SHA512',
            '--output',
            `${file}.g5.asc`,
            file,
          ],
          env,
        ),
      );
      add(
        "distseal verify (gpg's SHA-256 signature)",
        timed(verify('--signature', `${file}.gpg.asc`, file), dsEnv),
      );
      add('gpg --verify', timed(['gpg', '--batch', '--verify', `${file}.gpg.asc`, file], env));
      add('gpgv', timed(['gpgv', '--keyring', path.join(dir, 'pub.gpg'), `${file}.gpg.asc`, file], env));
      add('sqv', timed(['sqv', '--keyring', path.join(dir, 'pub.asc'), `${file}.asc`, file], env));
      const rnpCmd = ['rnp', '--homedir', path.join(dir, 'rnp'), '--keyfile', path.join(dir, 'pub.asc')];
      const rnp = add(
        'rnp --verify',
        best(runs, () => timed([...rnpCmd, '--verify', `${file}.asc`, '--source', file], env)),
      );
      ratios.push(
        `${label}: distseal verify (fast path) / rnp --verify: wall ${ratio(fast.wall, rnp.wall)}, CPU ${ratio(fast.cpu, rnp.cpu)} (goal <= 1.1x)`,
      );
      ratios.push(
        `${label}: distseal verify (--keyring: full path) / rnp --verify: wall ${ratio(verified.wall, rnp.wall)}, CPU ${ratio(verified.cpu, rnp.cpu)} (goal <= 1.1x)`,
      );
      // The floor for signing: hashing the file, plus what signing a tiny file costs beyond Node's start.
      const floorWall = bare.wall + unlock.wall - nodeStart.wall;
      const floorCpu = bare.cpu + unlock.cpu - nodeStart.cpu;
      ratios.push(
        `${label}: distseal sign / (bare hash loop + start-up and unlock): wall ${ratio(signed.wall, floorWall)}, CPU ${ratio(signed.cpu, floorCpu)} (goal <= 1.1x); peak RSS sign ${signed.rssMB.toFixed(0)} MB, verify ${verified.rssMB.toFixed(0)} MB (goal <= 80)`,
      );
      await fs.rm(file);
    };
    await bigRun(mib);
    if (bigMib > 0) await bigRun(bigMib);

    if (nFiles > 0) {
      const small = path.join(dir, 'small');
      await fs.mkdir(small);
      for (let i = 0; i < nFiles; i += 1)
        await writeRandom(path.join(small, `f${String(i).padStart(3, '0')}.whl`), fileMib);
      const label = `${nFiles} x ${fileMib} MiB`;
      const q = (a: string[]) => a.map((x) => (x.startsWith('/') ? `"${x}"` : x)).join(' ');
      rows.push([label, 'distseal sign (one run)', timedShell(`${q(sign())} *.whl`, dsEnv, small)]);
      rows.push([label, 'distseal verify (one run)', timedShell(`${q(verify())} *.whl`, dsEnv, small)]);
      rows.push([
        label,
        'loop: gpg --detach-sign -a',
        timedShell(
          `for f in *.whl; do gpg --batch --yes --pinentry-mode loopback --passphrase ${PASSPHRASE} --detach-sign --armor --output "$f.gpg.asc" "$f" || exit 1; done`,
          env,
          small,
        ),
      ]);
      rows.push([
        label,
        'loop: gpgv',
        timedShell(
          'for f in *.whl; do gpgv --keyring ../pub.gpg "$f.gpg.asc" "$f" 2>/dev/null || exit 1; done',
          env,
          small,
        ),
      ]);
    }
    if (rsaFiles > 0) {
      const rsa = { dir, env, bin: BIN, files: rsaFiles, passphrase: PASSPHRASE, passFile, runs };
      ratios.push(...(await rsaBatchRows(rsa, rows)));
    }
  } finally {
    spawnSync('gpgconf', ['--kill', 'all'], { env });
    await fs.rm(dir, { recursive: true, force: true });
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\n${os.cpus().length} x ${cpu}, Node ${process.version}; hash floor (openssl speed, 16 KiB blocks): ${opensslSpeed()}\n`,
  );
  console.log(`load average at the start: ${loadStart}; at the end: ${loadAverage()}\n`);
  printTable(rows, ratios);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
