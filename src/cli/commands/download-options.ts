import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import type { FetchedResult } from '../../core/download/fetch-verified.js';
import type { FetchOptions } from '../../core/download/open-url.js';
import { InputError, UsageError } from '../../core/errors.js';
import type { Context } from '../context.js';
import { renderSignature } from './verify-render.js';

/** The trust flags of `verify`, for the commands that fetch and verify (download, verify URL). */
export function trustOptions(y: Argv): Argv {
  return y
    .option('keyring', {
      type: 'string',
      describe:
        'Trusted keys: a key file or a directory of them (repeatable); default: the trusted keyring in the home',
    })
    .option('signer', { type: 'string', describe: 'Accept only these primary fingerprints (repeatable)' })
    .option('policy', {
      type: 'string',
      describe: 'Trust policy JSON (added to the pins from `trust add --for`)',
    })
    .option('binary-only', { type: 'boolean', describe: 'Refuse text-mode signatures' })
    .option('threshold', {
      type: 'number',
      default: 1,
      describe: 'Good signatures required, from distinct trusted keys',
    });
}

/** Network flags shared by the commands that fetch. */
export function networkOptions(y: Argv): Argv {
  return y
    .option('cert', {
      type: 'string',
      describe: 'Extra CA certificate (PEM) to trust for https (also NODE_EXTRA_CA_CERTS)',
    })
    .option('retries', {
      type: 'number',
      default: 3,
      describe: 'Retries on 5xx answers and broken connections',
    })
    .option('timeout', {
      type: 'number',
      default: 60,
      describe: 'Seconds without data before a connection is given up',
    });
}

/** FetchOptions from --cert/--retries/--timeout. */
export async function fetchOptionsFrom(argv: Record<string, any>, ctx: Context): Promise<FetchOptions> {
  const retries = argv.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 0)
    throw new UsageError(`--retries must be a whole number (got ${argv.retries}).`);
  const timeout = argv.timeout ?? 60;
  if (!(timeout > 0))
    throw new UsageError(`--timeout must be a positive number of seconds (got ${argv.timeout}).`);
  let ca: Buffer | undefined;
  if (argv.cert) {
    const file = path.resolve(ctx.cwd, String(argv.cert));
    ca = await fs.readFile(file).catch((error: Error) => {
      throw new InputError('E_CERT', `Cannot read the CA certificate ${file}: ${error.message}`, {
        subject: file,
      });
    });
  }
  return { ca, retries, timeoutMs: timeout * 1000, logger: ctx.logger, proxy: ctx.proxy };
}

/** Text lines for one fetched-and-verified file. */
export function renderFetched(r: FetchedResult, landedAt?: string): string[] {
  const lines = [`${r.filename}: ${r.verified ? 'VERIFIED' : 'FAILED'}${landedAt ? ` -> ${landedAt}` : ''}`];
  if (r.hashesChecked.length > 0) lines.push(`  index hash: ${r.hashesChecked.join(', ')} matches`);
  for (const s of r.report?.signatures ?? []) lines.push(...renderSignature(s, true).map((l) => `  ${l}`));
  for (const p of r.problems) lines.push(`  problem: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`);
  return lines;
}
