/** `upload pypi`'s output: the dry-run listing or the per-file summary, and the exit code. */
import path from 'node:path';
import { ExitCode, exitCodeFor } from '../../../core/errors.js';
import type { FileResult } from '../../../core/upload/pypi/upload.js';
import type { Context } from '../../context.js';
import { displayPath } from '../../display-path.js';
import { formatBytes } from '../../output.js';
import { printError } from '../../render-error.js';

/** Under --dry-run nothing is prompted or fetched; say where the password would come from. */
export async function dryRunCredentialSource(
  ctx: Context,
  argv: Record<string, any>,
  repo: { password?: { source: string } },
): Promise<string> {
  if (argv.password) return '-p/--password';
  if (ctx.env.TWINE_PASSWORD) return 'TWINE_PASSWORD';
  if (repo.password) return repo.password.source;
  return 'the OS keychain, else a prompt (not looked up in a dry run)';
}

function existingNote(r: FileResult): string {
  if (r.existing === 'different') return '; the index has a DIFFERENT file of that name';
  if (r.existing === 'not-compared') return '; not compared: the index gave no sha256';
  return r.existing === 'same' ? '; same sha256' : '';
}

export function renderUpload(
  ctx: Context,
  results: FileResult[],
  url: string,
  credentialSource: string | undefined,
): number {
  const show = (f: string) => displayPath(ctx.cwd, f);
  const lines: string[] = [];
  const dry = results.some((r) => r.status === 'dry-run');
  if (dry) {
    lines.push(`Dry run: nothing was sent. Target ${url}; password/token from ${credentialSource}.`);
    for (const r of results) {
      lines.push(
        `${show(r.file)} (${formatBytes(r.size ?? 0)}) sha256 ${r.sha256} blake2_256 ${r.blake2_256}`,
      );
      for (const f of r.fields ?? [])
        lines.push(
          `  ${f.name} = ${f.value.length > 70 ? `${JSON.stringify(f.value.slice(0, 70))}… (${f.value.length} chars)` : JSON.stringify(f.value)}`,
        );
      if (r.signature === 'sent') lines.push(`  gpg_signature = <file ${path.basename(r.file)}.asc>`);
      if (r.signature === 'not-sent') lines.push('  (signature not sent: PyPI discards them)');
      lines.push(`  content = <file ${path.basename(r.file)}, application/octet-stream, ${r.size} bytes>`);
    }
  } else {
    lines.push(`Summary (${url}):`);
    for (const r of results)
      lines.push(
        `  ${r.status.padEnd(13)} ${show(r.file)}${r.reason && r.status !== 'failed' ? ` (${r.reason}${existingNote(r)})` : ''}`,
      );
  }
  const failure = results.find((r) => r.status === 'failed');
  ctx.out.result(lines, {
    ok: !failure,
    repository: url,
    ...(dry ? { dryRun: true, credentialSource } : {}),
    results: results.map(({ error, ...r }) => ({ ...r, ...(error ? { error: error.toJSON() } : {}) })),
  });
  if (!failure) return ExitCode.ok;
  const e = failure.error!;
  printError(ctx.out, e, ctx.verbose);
  return exitCodeFor(e);
}
