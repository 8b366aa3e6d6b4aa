/**
 * Hand-run benchmark (never in the test gate): distseal sign/verify against gpg, gpgv, sqv and
 * rnp on the same machine in the same run, with the same Ed25519 key (made by gpg, imported into
 * a throwaway distseal home). Prints a Markdown table of wall time and peak RSS.
 *
 *   npm run build && node dist/bench/sign-verify.js [--mib 1024] [--big-mib 4096] [--files 200] [--file-mib 5]
 *
 * Everything lives in a temp directory that is removed at the end; nothing touches ~/.gnupg or
 * your distseal home. Needs gpg, gpgv, sqv, rnp, openssl and /usr/bin/time.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'distseal.js');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Measure {
  wall: number;
  /** user + system CPU seconds: steadier than wall time on a shared machine. */
  cpu: number;
  rssMB: number;
  status: number | null;
}

/** Run a command under /usr/bin/time; returns wall seconds and max RSS. */
function timed(cmd: string[], env: NodeJS.ProcessEnv, cwd?: string): Measure {
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %M %U %S', ...cmd], {
    env,
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const m = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  if (!m) throw new Error(`${cmd.join(' ')}: no timing (${r.stderr})`);
  return {
    wall: Number(m[1]),
    cpu: Number(m[3]) + Number(m[4]),
    rssMB: Number(m[2]) / 1024,
    status: r.status,
  };
}

/** A shell loop, timed as one command (what a maintainer's script would do). */
function timedShell(script: string, env: NodeJS.ProcessEnv, cwd: string): Measure {
  return timed(['bash', '-c', script], env, cwd);
}

async function writeRandom(file: string, mib: number): Promise<void> {
  const out = createWriteStream(file);
  const block = randomBytes(1 << 20);
  for (let i = 0; i < mib; i += 1) {
    block[i % block.length] ^= 0xa5; // not all-identical blocks
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

function opensslSpeed(): string {
  const r = spawnSync('openssl', ['speed', '-seconds', '1', '-bytes', '16384', 'sha256', 'sha512'], {
    encoding: 'utf8',
  });
  const lines = (r.stdout ?? '').split('\n').filter((l) => /^sha(256|512)\s/.test(l));
  return lines
    .map((l) => {
      const [name, ...rest] = l.trim().split(/\s+/);
      const kps = Number(String(rest.at(-1)).replace(/k$/, ''));
      return `${name} ${(kps / 1e6).toFixed(2)} GB/s`;
    })
    .join(', ');
}

async function main(): Promise<void> {
  const mib = arg('mib', 1024);
  const bigMib = arg('big-mib', 0);
  const nFiles = arg('files', 200);
  const fileMib = arg('file-mib', 5);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dsb-'));
  const gnupg = path.join(dir, 'g');
  await fs.mkdir(gnupg, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: gnupg, LC_ALL: 'C' };
  const dsEnv = { ...env, DISTSEAL_HOME: path.join(dir, 'home'), DISTSEAL_NO_INTERACTIVE: '1' };
  const gpg = (...a: string[]) =>
    spawnSync('gpg', ['--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...a], {
      env,
      encoding: 'utf8',
    });
  const rows: Array<[string, string, Measure]> = [];
  try {
    gpg('--quick-gen-key', 'Bench <bench@example.invalid>', 'ed25519', 'sign', '0');
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-keys').stdout)![1]!;
    await fs.writeFile(path.join(dir, 'secret.asc'), gpg('--armor', '--export-secret-keys', fpr).stdout);
    await fs.writeFile(path.join(dir, 'pub.asc'), gpg('--armor', '--export', fpr).stdout);
    await fs.writeFile(path.join(dir, 'pub.gpg'), spawnSync('gpg', ['--export', fpr], { env }).stdout);
    const imp = spawnSync(process.execPath, [BIN, 'keys', 'import', path.join(dir, 'secret.asc')], {
      env: dsEnv,
      encoding: 'utf8',
    });
    if (imp.status !== 0) throw new Error(`distseal keys import failed: ${imp.stderr}`);

    const bigRun = async (size: number) => {
      const label = `${size >= 1024 ? `${size / 1024} GiB` : `${size} MiB`} file`;
      const file = path.join(dir, `big-${size}.bin`);
      await writeRandom(file, size);
      rows.push([label, 'distseal sign', timed([process.execPath, BIN, 'sign', '--force', file], dsEnv)]);
      rows.push([
        label,
        'distseal verify',
        timed([process.execPath, BIN, 'verify', '--keyring', path.join(dir, 'pub.asc'), file], dsEnv),
      ]);
      rows.push([
        label,
        'gpg --detach-sign -a (SHA-256, its default)',
        timed(
          ['gpg', '--batch', '--yes', '--detach-sign', '--armor', '--output', `${file}.gpg.asc`, file],
          env,
        ),
      ]);
      // openpgp.js signs Ed25519 with SHA-512 (the curve's hash); compare like with like too.
      rows.push([
        label,
        'gpg --detach-sign -a --digest-algo SHA512',
        timed(
          [
            'gpg',
            '--batch',
            '--yes',
            '--detach-sign',
            '--armor',
            '--digest-algo',
            'SHA512',
            '--output',
            `${file}.gpg512.asc`,
            file,
          ],
          env,
        ),
      ]);
      rows.push([
        label,
        "distseal verify (gpg's SHA-256 signature)",
        timed(
          [
            process.execPath,
            BIN,
            'verify',
            '--keyring',
            path.join(dir, 'pub.asc'),
            '--signature',
            `${file}.gpg.asc`,
            file,
          ],
          dsEnv,
        ),
      ]);
      rows.push([label, 'gpg --verify', timed(['gpg', '--batch', '--verify', `${file}.gpg.asc`, file], env)]);
      rows.push([
        label,
        'gpgv',
        timed(['gpgv', '--keyring', path.join(dir, 'pub.gpg'), `${file}.gpg.asc`, file], env),
      ]);
      rows.push([
        label,
        'sqv',
        timed(['sqv', '--keyring', path.join(dir, 'pub.asc'), `${file}.asc`, file], env),
      ]);
      rows.push([
        label,
        'rnp --verify',
        timed(
          [
            'rnp',
            '--homedir',
            path.join(dir, 'rnp'),
            '--keyfile',
            path.join(dir, 'pub.asc'),
            '--verify',
            `${file}.asc`,
            '--source',
            file,
          ],
          env,
        ),
      ]);
      await fs.rm(file);
    };
    await bigRun(mib);
    if (bigMib > 0) await bigRun(bigMib);

    const small = path.join(dir, 'small');
    await fs.mkdir(small);
    for (let i = 0; i < nFiles; i += 1)
      await writeRandom(path.join(small, `f${String(i).padStart(3, '0')}.whl`), fileMib);
    const label = `${nFiles} x ${fileMib} MiB`;
    rows.push([
      label,
      'distseal sign (one run)',
      timed(['bash', '-c', `"${process.execPath}" "${BIN}" sign --force *.whl`], dsEnv, small),
    ]);
    rows.push([
      label,
      'distseal verify (one run)',
      timed(['bash', '-c', `"${process.execPath}" "${BIN}" verify --keyring ../pub.asc *.whl`], dsEnv, small),
    ]);
    rows.push([
      label,
      'loop: gpg --detach-sign -a',
      timedShell(
        'for f in *.whl; do gpg --batch --yes --detach-sign --armor --output "$f.gpg.asc" "$f" || exit 1; done',
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
  } finally {
    spawnSync('gpgconf', ['--kill', 'all'], { env });
    await fs.rm(dir, { recursive: true, force: true });
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\n${os.cpus().length} x ${cpu}, Node ${process.version}; hash floor (openssl speed, 16 KiB blocks): ${opensslSpeed()}\n`,
  );
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  console.log('| input | tool | wall (s) | CPU (s) | peak RSS (MB) | exit |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const [input, tool, m] of rows)
    console.log(
      `| ${input} | ${tool} | ${m.wall.toFixed(2)} | ${m.cpu.toFixed(2)} | ${m.rssMB.toFixed(0)} | ${m.status} |`,
    );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
