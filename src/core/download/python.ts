import { InputError, UsageError } from '../errors.js';
import { mapLimit } from '../io/limit.js';
import { silentLogger } from '../logger.js';
import { fetchAndVerify, type FetchedResult, type RemoteFile, type TrustInputs } from './fetch-verified.js';
import { credentialsOf, type FetchOptions } from './open-url.js';
import { parseRequirement, selectFiles, type Requirement } from './select.js';
import { fetchProjectPage, type IndexFile } from './simple-index.js';
import { openStage } from './stage.js';

export interface PythonDownloadOptions extends TrustInputs {
  /** `NAME==VERSION` each. */
  requirements: string[];
  /** The simple index, e.g. https://pypi.org/simple/. */
  indexUrl: string;
  dest: string;
  onlyWheels?: boolean;
  /** Keep only files matching one of these globs (--file). */
  globs?: string[];
  /** Where signatures are, instead of FILE_URL.asc: `{url}` and `{filename}` are filled in. */
  signatureUrlTemplate?: string;
  /** Files fetched at once (default 4). */
  concurrency?: number;
  fetch?: FetchOptions;
}

export interface DownloadedFile extends FetchedResult {
  requirement: string;
  /** Where it landed (only when everything verified). */
  path?: string;
}

export interface DownloadReport {
  dest: string;
  /** True when every file verified and landed. */
  ok: boolean;
  files: DownloadedFile[];
}

export const DEFAULT_INDEX_URL = 'https://pypi.org/simple/';
export const DEFAULT_DOWNLOAD_CONCURRENCY = 4;

/** Fill a --signature-url-template. */
export function signatureUrlFor(template: string, file: { url: string; filename: string }): string {
  if (!/\{(url|filename)\}/.test(template))
    throw new UsageError(`--signature-url-template ${template} has neither {url} nor {filename}.`, {
      hint: 'Example: --signature-url-template "https://example.org/sigs/{filename}.asc".',
    });
  return template.replace(/\{url\}/g, file.url).replace(/\{filename\}/g, encodeURIComponent(file.filename));
}

function remoteFileFor(f: IndexFile, options: PythonDownloadOptions): RemoteFile {
  const signatureUrl = options.signatureUrlTemplate
    ? signatureUrlFor(options.signatureUrlTemplate, f)
    : f.gpgSig === false
      ? undefined
      : `${f.url}.asc`;
  return {
    filename: f.filename,
    url: f.url,
    signatureUrl,
    noSignature: `the index publishes no signature for ${f.filename}`,
    noSignatureHint:
      'Ask the maintainer to publish FILE.asc beside the file, or point at the signatures with --signature-url-template.',
    hashes: f.hashes,
    size: f.size,
  };
}

/**
 * `distseal download NAME==VERSION...`: read each project's page (PEP 691, else PEP 503), pick the
 * release's files, fetch each with its signature into a stage inside DEST, check the index's
 * hashes and the signature against the trusted keyring and pins, and move the files (with their
 * .asc) into DEST only when every one of them verified. Otherwise nothing lands in DEST.
 */
export async function downloadPython(options: PythonDownloadOptions): Promise<DownloadReport> {
  const logger = options.logger ?? silentLogger;
  const requirements = options.requirements.map(parseRequirement);
  if (requirements.length === 0) throw new UsageError('Name at least one NAME==VERSION to download.');
  const fetchOptions: FetchOptions = {
    logger,
    credentials: credentialsOf(options.indexUrl),
    ...(options.fetch ?? {}),
  };
  const wanted: Array<{ req: Requirement; file: IndexFile }> = [];
  for (const req of requirements) {
    const page = await fetchProjectPage(options.indexUrl, req.name, fetchOptions);
    logger.debug(
      `${page.url}: ${page.files.length} file(s) (${page.format === 'json' ? 'PEP 691 JSON' : 'PEP 503 HTML'})`,
    );
    const files = selectFiles(page.files, req, { onlyWheels: options.onlyWheels, globs: options.globs });
    if (files.length === 0)
      throw new InputError(
        'E_NO_FILES',
        `The index has no file for ${req.text}${options.onlyWheels || options.globs?.length ? ' matching --only-wheels / --file' : ''}.`,
        {
          subject: req.text,
          hint: `Check the version on ${page.url}.`,
        },
      );
    for (const file of files)
      if (!wanted.some((w) => w.file.filename === file.filename)) wanted.push({ req, file });
  }
  const stage = await openStage(options.dest);
  try {
    const results = await mapLimit(
      wanted,
      options.concurrency ?? DEFAULT_DOWNLOAD_CONCURRENCY,
      async ({ req, file }) => {
        const result = await fetchAndVerify(
          remoteFileFor(file, options),
          stage,
          { ...options, logger },
          fetchOptions,
        );
        return { ...result, requirement: req.text } as DownloadedFile;
      },
    );
    const ok = results.every((r) => r.verified);
    if (ok) {
      const landed = await stage.land(results.flatMap((r) => [r.filename, `${r.filename}.asc`]));
      for (const r of results)
        r.path = landed.find((p) => p.endsWith(`/${r.filename}`) || p.endsWith(`\\${r.filename}`));
    }
    return { dest: options.dest, ok, files: results };
  } finally {
    await stage.discard();
  }
}
