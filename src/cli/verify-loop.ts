import { DistsealError, ExitCode } from '../core/errors.js';
import { mapLimit } from '../core/io/limit.js';
import type { Context } from './context.js';
import { displayPath } from './display-path.js';

export interface VerifyEachOptions<R extends { verified: boolean }> {
  /** Verify one file; an InputError (unreadable file) is reported for that file, the rest go on. */
  check: (file: string) => Promise<R>;
  /** The text lines for one file's report. */
  render: (report: R, file: string) => string[];
  /** Files verified at once (reads overlap); results are reported in the order given. */
  concurrency?: number;
  /** More top-level fields for --json (e.g. the channel). */
  json?: Record<string, unknown>;
}

/**
 * The one per-file verify loop of the CLI: every file verified, reports in the order given,
 * unreadable files reported as errors without stopping the others. Exit 0 when every file
 * verified, 3 when any failed, 2 when any could not be read. Fails closed: no files is not "ok".
 */
export async function verifyEach<R extends { verified: boolean }>(
  files: string[],
  ctx: Context,
  options: VerifyEachOptions<R>,
): Promise<number> {
  type Outcome = { file: string; report: R; error?: undefined } | { file: string; error: DistsealError };
  const outcomes = await mapLimit(files, options.concurrency ?? 1, async (file): Promise<Outcome> => {
    try {
      return { file, report: await options.check(file) };
    } catch (error) {
      if (!(error instanceof DistsealError) || error.kind !== 'input') throw error;
      return { file, error };
    }
  });
  const reports: R[] = [];
  const errors: Array<ReturnType<DistsealError['toJSON']>> = [];
  const lines: string[] = [];
  for (const o of outcomes) {
    if (o.error === undefined) {
      reports.push(o.report);
      lines.push(...options.render(o.report, o.file));
    } else {
      errors.push(o.error.toJSON());
      const hint = o.error.hint ? `\n  hint: ${o.error.hint}` : '';
      // -q: one line per file, as sha256sum -c prints (issue 15 item 13).
      if (ctx.quiet) lines.push(`FAIL ${displayPath(ctx.cwd, o.file)}: ${o.error.message}`);
      else lines.push(`${displayPath(ctx.cwd, o.file)}: ERROR - ${o.error.message}${hint}`);
    }
  }
  const ok = errors.length === 0 && reports.length > 0 && reports.every((r) => r.verified);
  ctx.out.result(lines, { ok, ...options.json, results: reports, errors });
  if (errors.length > 0) return ExitCode.usage;
  return ok ? ExitCode.ok : ExitCode.verification;
}
