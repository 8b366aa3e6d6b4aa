import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import { verifyTree, type TreeReport } from '../../core/download/verify-tree.js';
import { verifyUrls } from '../../core/download/verify-url.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import type { Context } from '../context.js';
import { loadVerifySettings, verifierOptions } from '../verify-settings.js';
import { fetchOptionsFrom, networkOptions, renderFetched } from './download-options.js';

/** The flags of `verify URL...` and `verify DIR...`, added to verify's own. */
export function remoteAndTreeOptions(y: Argv): Argv {
  return networkOptions(y)
    .option('output', {
      alias: 'o',
      type: 'string',
      describe: 'verify URL: keep the file here, only when verified',
    })
    .option('require-all', {
      type: 'boolean',
      describe: 'verify DIR: a file without a .asc/.sig beside it fails',
    })
    .example(
      '$0 verify https://example.org/pkg-1.0.tar.gz -o pkg-1.0.tar.gz',
      'fetch URL and URL.asc, keep it when verified',
    )
    .example('$0 verify mirror/ --require-all', 'every file in the tree must have a good signature');
}

/** Which mode the positional arguments ask for: URLs, directories (trees), or plain files. */
export async function verifyMode(args: string[], cwd: string): Promise<'url' | 'tree' | 'files'> {
  if (args.length === 0) return 'files';
  const urls = args.filter((a) => /^https?:\/\//i.test(a));
  if (urls.length === args.length) return 'url';
  if (urls.length > 0)
    throw new UsageError('Verify either URLs or local files and directories in one run, not both.');
  for (const a of args) {
    const st = await stat(path.resolve(cwd, a)).catch(() => undefined);
    if (st?.isDirectory()) return 'tree';
  }
  return 'files';
}

/** `distseal verify URL...`: exit 0 verified (kept with --output), 3 not verified (nothing kept). */
export async function runVerifyUrls(
  urls: string[],
  argv: Record<string, any>,
  ctx: Context,
): Promise<number> {
  if (argv.manifest || argv.channel)
    throw new UsageError('--manifest and --channel do not combine with URLs.');
  const settings = await loadVerifySettings(argv, ctx);
  const output = argv.output ? path.resolve(ctx.cwd, String(argv.output)) : undefined;
  const signature =
    argv.signature && !/^https?:\/\//i.test(argv.signature)
      ? path.resolve(ctx.cwd, argv.signature)
      : argv.signature;
  const report = await verifyUrls({
    urls,
    signature,
    output,
    ...verifierOptions(settings),
    project: argv.project === undefined ? undefined : String(argv.project),
    logger: ctx.logger,
    fetch: await fetchOptionsFrom(argv, ctx),
  });
  const lines = report.results.flatMap((r) => renderFetched(r, r.output));
  if (!output && report.ok) lines.push('Nothing was kept (add --output FILE to keep the verified file).');
  if (!report.ok) lines.push('Nothing was kept.');
  ctx.out.result(lines, report);
  return report.ok ? ExitCode.ok : ExitCode.verification;
}

function renderTree(report: TreeReport, show: (f: string) => string): string[] {
  const lines: string[] = [];
  const width = Math.min(70, Math.max(4, ...report.entries.map((e) => show(e.file).length)));
  for (const e of report.entries) {
    const signer = e.report?.signatures.find((s) => s.verdict === 'good');
    const detail =
      e.status === 'verified'
        ? `${signer?.primaryFingerprint ?? ''}${signer?.userID ? ` ${signer.userID}` : ''}`
        : (e.problems[0]?.message ?? '');
    lines.push(`${show(e.file).padEnd(width)}  ${e.status.toUpperCase().padEnd(8)}  ${detail}`);
  }
  const { verified, failed, unsigned } = report.counts;
  lines.push(
    `${verified} verified, ${failed} failed, ${unsigned} unsigned (of ${report.entries.length} files).`,
  );
  if (verified === 0 && failed === 0) lines.push('No signed files were found: nothing was verified.');
  return lines;
}

/** `distseal verify DIR...`: exit 0 when nothing failed and something verified, else 3. */
export async function runVerifyTree(
  args: string[],
  argv: Record<string, any>,
  ctx: Context,
): Promise<number> {
  if (argv.manifest || argv.channel || argv.signature || argv.output)
    throw new UsageError('--manifest, --channel, --signature and --output do not combine with a directory.');
  const settings = await loadVerifySettings(argv, ctx);
  const roots = args.map((a) => path.resolve(ctx.cwd, a));
  const report = await verifyTree({
    roots,
    requireAll: Boolean(argv['require-all']),
    ...verifierOptions(settings),
    project: argv.project === undefined ? undefined : String(argv.project),
    logger: ctx.logger,
  });
  const show = (f: string) => path.relative(ctx.cwd, f) || f;
  ctx.out.result(renderTree(report, show), report);
  return report.ok ? ExitCode.ok : ExitCode.verification;
}
