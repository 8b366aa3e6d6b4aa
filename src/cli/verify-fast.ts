import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { fastKeyring, fastVerifyFile } from '../core/verify/fast/check.js';
import { parseIndex } from '../core/verify/fast/index-format.js';
import { homeWouldWarn, trustInputsDigest, VERIFY_INDEX_FILE } from '../core/verify/fast/inputs.js';
import type { ProgressEvent } from '../core/logger.js';
import { FAST_PROGRESS_MIN_BYTES } from '../core/verify/fast/hash-file.js';
import type { VerifyReport } from '../core/verify/verify-file.js';
import { quietReport, renderReport } from './commands/verify-render.js';
import { resolveHome } from './context.js';
import { displayPath } from './display-path.js';
import { Output } from './output.js';
import { distsealVersion } from './version.js';

export interface FastIO {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  now?: Date;
}

/** What `distseal verify FILE... [--json] [-q]` asks, when that is all it asks. */
function plainVerify(argv: string[]): { files: string[]; json: boolean; quiet: boolean } | string {
  if (argv[0] !== 'verify') return 'not verify';
  const files: string[] = [];
  let json = false;
  let quiet = false;
  for (const arg of argv.slice(1)) {
    if (arg === '--json') json = true;
    else if (arg === '-q' || arg === '--quiet') quiet = true;
    // Options, URLs, a FILE.asc named beside its FILE, names yargs would read as numbers.
    else if (
      arg === '' ||
      arg.startsWith('-') ||
      /^https?:\/\//i.test(arg) ||
      /\.(asc|sig)$/.test(arg) ||
      /^0x[0-9a-f]+$/i.test(arg) ||
      /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(arg)
    )
      return `argument ${JSON.stringify(arg)}`;
    else files.push(arg);
  }
  return files.length > 0 ? { files, json, quiet } : 'no files';
}

/**
 * The fast path of `distseal verify FILE...` (issue 14): no yargs, no openpgp.js, no keyring
 * parsing. It answers only when every file has one good signature by a key in the verification
 * index (written by the full verifier for this very keyring), printing exactly what the full
 * verifier prints. Anything else — a doubt, a bad signature, an exception — returns undefined
 * before printing anything, and the caller runs the full CLI with the same arguments. The one
 * exception: a file of 16 MiB or more (one per run) reports its reading as the full path does,
 * a bar on a terminal while it is hashed (cleared if the fast path then steps aside), and the
 * final event (the only line when stderr is not a terminal) once it verified.
 * `DISTSEAL_NO_FAST=1` turns it off; `DISTSEAL_FAST_TRACE=FILE` appends which path ran (tests).
 */
export async function runFastVerify(argv: string[], io?: Partial<FastIO>): Promise<number | undefined> {
  const env = io?.env ?? process.env;
  const stderr = io?.stderr ?? process.stderr;
  // Whether a progress bar may be on the terminal (the first event of a task is always drawn).
  let barDrawn = false;
  const openOutput = (json: boolean, quiet: boolean): FastOutput => {
    const out = new Output({ stdout: io?.stdout ?? process.stdout, stderr, json, verbose: false, quiet });
    out.command = 'verify';
    const progress = (event: ProgressEvent) => {
      barDrawn ||= Boolean((stderr as { isTTY?: boolean }).isTTY) && !json && !quiet;
      out.progress(event);
    };
    return { out, progress };
  };
  let outcome: FastAnswer | string;
  try {
    outcome = env.DISTSEAL_NO_FAST === '1' ? 'DISTSEAL_NO_FAST' : fastReports(argv, env, io, openOutput);
  } catch (error) {
    outcome = `error: ${(error as Error).message}`;
  }
  if (env.DISTSEAL_FAST_TRACE) {
    const line = typeof outcome === 'string' ? `full: ${outcome}` : 'fast';
    try {
      fs.appendFileSync(env.DISTSEAL_FAST_TRACE, `${line}\n`);
    } catch {
      // a trace for tests only
    }
  }
  if (typeof outcome === 'string') {
    // A progress bar drawn before the fast path stepped aside: the full path draws its own.
    if (barDrawn) stderr.write('\r\x1b[K');
    return undefined;
  }
  const cwd = io?.cwd ?? process.cwd();
  const show = (f: string) => displayPath(cwd, f);
  const lines = outcome.reports.flatMap((r) =>
    outcome.quiet ? [quietReport(r, show)] : renderReport(r, show),
  );
  outcome.out.result(lines, { ok: true, results: outcome.reports, errors: [] });
  return 0;
}

interface FastOutput {
  out: Output;
  progress: (event: ProgressEvent) => void;
}

interface FastAnswer {
  reports: VerifyReport[];
  quiet: boolean;
  out: Output;
}

function fastReports(
  argv: string[],
  env: Record<string, string | undefined>,
  io: Partial<FastIO> | undefined,
  openOutput: (json: boolean, quiet: boolean) => FastOutput,
): FastAnswer | string {
  const asked = plainVerify(argv);
  if (typeof asked === 'string') return asked;
  const cwd = io?.cwd ?? process.cwd();
  const files = asked.files.map((f) => path.resolve(cwd, f));
  // One large file at most: its progress is then the only stderr output, as on the full path,
  // which reads several files at once and may interleave their progress lines differently.
  const large = files.filter(
    (f) => (fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0) >= FAST_PROGRESS_MIN_BYTES,
  );
  if (large.length > 1) return 'more than one large file';
  const home = path.resolve(resolveHome(undefined, env, cwd, env.HOME || os.homedir()).home);
  if (homeWouldWarn(home)) return 'the home has unsafe permissions';
  const indexFile = path.join(home, VERIFY_INDEX_FILE);
  const st = fs.statSync(indexFile, { throwIfNoEntry: false });
  if (!st) return 'no index';
  // The index is trusted as the trusted keyring is: only when no one else can write it.
  if ((st.mode & 0o022) !== 0 || (process.getuid && st.uid !== process.getuid())) return 'index not private';
  const index = parseIndex(fs.readFileSync(indexFile, 'utf8'));
  if (!index) return 'index unreadable or of another version';
  if (index.distseal !== distsealVersion()) return 'index of another distseal version';
  if (index.pins) return 'the policy pins projects';
  if (index.inputs !== trustInputsDigest(home)) return 'index stale';
  const keyring = fastKeyring(index);
  if (!keyring) return 'index keys damaged';
  const now = io?.now ?? new Date();
  const { out, progress } = openOutput(asked.json, asked.quiet);
  const reports = new Map<string, VerifyReport>();
  // The large file last: once its progress is done, nothing else can send the run to the full path.
  for (const file of [...files.filter((f) => !large.includes(f)), ...large]) {
    if (reports.has(file)) continue;
    const result = fastVerifyFile(file, keyring, now, progress);
    if (!result.ok) return `${file}: ${result.why}`;
    reports.set(file, result.report);
  }
  return { reports: files.map((f) => reports.get(f)!), quiet: asked.quiet, out };
}
