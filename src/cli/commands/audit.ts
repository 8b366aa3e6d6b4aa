import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Argv } from 'yargs';
import { audit, DEFAULT_FAIL_ON } from '../../core/audit/run.js';
import type { FailOn } from '../../core/audit/types.js';
import { DEFAULT_BANDIT_TIMEOUT_MS } from '../../core/audit/bandit.js';
import { ignoresFromPyproject, parseIgnoreFlag, type Ignore } from '../../core/audit/ignores.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import type { LeafCommand } from '../command.js';
import type { Context } from '../context.js';
import { renderAudit } from './audit-render.js';

const LEVELS = ['low', 'medium', 'high'] as const;
const FAIL_ON = ['low', 'medium', 'high', 'critical', 'none'] as const;
const VERSION = '0.1.0';
/** Repeated from core/audit/update.ts for --help (that module loads only for --update-db). */
const DEFAULT_UPDATE_URL = 'https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip';

/** The project's `[tool.distseal.audit]` ignores: ./pyproject.toml when there is one. */
async function projectIgnores(ctx: Context): Promise<Ignore[]> {
  const file = path.join(ctx.cwd, 'pyproject.toml');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? [] : ignoresFromPyproject(text.slice(0, 4 * 1024 * 1024), 'pyproject.toml');
}

/** The options a dist audit needs, from argv (shared with `check --audit`). */
export async function auditOptionsFrom(argv: Record<string, any>, ctx: Context) {
  const ignores = [
    ...(await projectIgnores(ctx)),
    ...((argv.ignore as string[] | undefined) ?? []).map(parseIgnoreFlag),
  ];
  const timeout = Number(argv['bandit-timeout'] ?? DEFAULT_BANDIT_TIMEOUT_MS / 1000);
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new UsageError(`--bandit-timeout ${argv['bandit-timeout']} is not a number of seconds.`);
  return {
    code: argv.code !== false,
    deps: argv.deps !== false,
    severity: argv.severity,
    confidence: argv.confidence,
    failOn: (argv['fail-on'] ?? DEFAULT_FAIL_ON) as FailOn,
    ignores,
    database: argv.db ? { db: path.resolve(ctx.cwd, argv.db as string) } : { home: ctx.home },
    online: argv.online ? { api: argv['osv-api'] as string | undefined, proxy: ctx.proxy } : undefined,
    bandit: (argv.bandit as string | undefined) ?? 'bandit',
    banditTimeoutMs: timeout * 1000,
    env: { ...ctx.env },
    tmpDir: ctx.env.TMPDIR || os.tmpdir(),
    displayBase: ctx.cwd,
    logger: ctx.logger,
  };
}

/** yargs options shared by `audit` and `check --audit`. */
export function auditFlags(y: Argv): Argv<any> {
  return y
    .option('code', {
      type: 'boolean',
      default: true,
      describe: 'Run the Bandit code scan (--no-code: skip it)',
    })
    .option('deps', {
      type: 'boolean',
      default: true,
      describe: 'Run the dependency check (--no-deps: skip it)',
    })
    .option('severity', { choices: LEVELS, default: 'low', describe: "Bandit's severity filter" })
    .option('confidence', { choices: LEVELS, default: 'low', describe: "Bandit's confidence filter" })
    .option('fail-on', {
      choices: FAIL_ON,
      default: DEFAULT_FAIL_ON,
      describe: 'Exit 4 on findings at or above this severity',
    })
    .option('ignore', {
      type: 'string',
      array: true,
      describe: 'Ignore an advisory (id or alias) or a Bandit test: ID[:YYYY-MM-DD][:reason]',
    })
    .option('db', {
      type: 'string',
      describe: 'Advisory data: a directory of OSV records, an OSV dump .zip, or a compact file',
    })
    .option('online', {
      type: 'boolean',
      default: false,
      describe: 'Ask the OSV API (/v1/querybatch) for pinned versions',
    })
    .option('osv-api', {
      type: 'string',
      describe: 'The OSV API base URL for --online (default https://api.osv.dev)',
    })
    .option('bandit', { type: 'string', describe: 'The Bandit program (default: bandit on PATH)' })
    .option('bandit-timeout', {
      type: 'number',
      default: DEFAULT_BANDIT_TIMEOUT_MS / 1000,
      describe: 'Stop Bandit after this many seconds',
    });
}

/**
 * `distseal audit FILE... | -r REQS | --path SITE`: Bandit's code scan mapped into each dist and
 * the advisory check of pins and Requires-Dist. Exit 0 clean, 4 findings at or above --fail-on,
 * 1 Bandit or data failure, 2 bad input. `--update-db [URL]` refreshes the data in the home.
 */
export const command: LeafCommand = {
  command: 'audit [files..]',
  describe: 'Scan dists with Bandit and check dependencies against the PyPA advisory database',
  builder: (y: Argv) =>
    auditFlags(
      y
        .positional('files', {
          type: 'string',
          array: true,
          describe: 'Wheels, sdists (.tar.gz, .zip), .conda or .tar.bz2 files',
        })
        .option('requirement', {
          alias: 'r',
          type: 'string',
          array: true,
          describe: 'A pinned requirements file (-r/-c includes followed)',
        })
        .option('path', {
          type: 'string',
          array: true,
          describe: 'A site-packages directory (reads *.dist-info / *.egg-info)',
        })
        .option('format', {
          choices: ['table', 'json', 'sarif'] as const,
          describe: 'Output format (default table; --json means json)',
        })
        .option('update-db', {
          type: 'string',
          describe: `Fetch the newest advisory data into the home (default ${DEFAULT_UPDATE_URL})`,
        }),
    )
      .example('$0 audit dist/*', 'scan the dists and check their Requires-Dist')
      .example('$0 audit -r requirements.txt --no-code', 'check pinned requirements')
      .example('$0 audit dist/* --format sarif > audit.sarif', 'for GitHub code scanning'),
  run: async (argv, ctx) => {
    if (argv['update-db'] !== undefined) {
      const url = (argv['update-db'] as string) || undefined;
      const { updateDatabase } = await import('../../core/audit/update.js');
      const result = await updateDatabase({ home: ctx.home, url, logger: ctx.logger, proxy: ctx.proxy });
      ctx.out.result(
        `Updated the advisory data: ${result.advisories} advisories for ${result.packages} packages, ` +
          `dated ${result.date}, from ${result.url} (${result.file}).`,
        { ok: true, ...result },
      );
      return ExitCode.ok;
    }
    const files = ((argv.files as string[] | undefined) ?? []).map((f) => ({
      file: path.resolve(ctx.cwd, f),
      name: f,
    }));
    const requirements = ((argv.requirement as string[] | undefined) ?? []).map((f) =>
      path.resolve(ctx.cwd, f),
    );
    const sitePackages = ((argv.path as string[] | undefined) ?? []).map((f) => path.resolve(ctx.cwd, f));
    if (files.length + requirements.length + sitePackages.length === 0) {
      throw new UsageError('Name what to audit: dist files, -r requirements.txt, or --path SITE_PACKAGES.', {
        hint: 'Run `distseal audit --help` for examples.',
      });
    }
    if (argv.code === false && argv.deps === false)
      throw new UsageError('--no-code and --no-deps together leave nothing to audit.');
    const report = await audit({
      ...(await auditOptionsFrom(argv, ctx)),
      dists: files,
      requirements,
      sitePackages,
    });
    const format = (argv.format as string | undefined) ?? (ctx.json ? 'json' : 'table');
    if (format !== 'json') for (const w of report.warnings) ctx.logger.warn(w);
    if (format === 'sarif') {
      const { toSarif } = await import('../../core/audit/sarif.js');
      ctx.stdout.write(`${JSON.stringify(toSarif(report, VERSION), null, 2)}\n`);
    } else if (format === 'json') ctx.stdout.write(`${ctx.out.redact(JSON.stringify(report, null, 2))}\n`);
    else ctx.out.result(renderAudit(report), report);
    return report.ok ? ExitCode.ok : ExitCode.findings;
  },
};
