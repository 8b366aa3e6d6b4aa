/**
 * Step 8 of a release: the receipt, what was published where with digests and the key, as
 * data (the --json and --receipt FILE shape, versioned) and as the equivalent command line.
 */
import type { ReleasePlan } from './plan.js';
import type { TargetOutcome, TargetVerification } from './types.js';

export const RECEIPT_VERSION = 1;

export interface Receipt {
  receiptVersion: number;
  ok: boolean;
  dryRun: boolean;
  created: string;
  key: { fingerprint: string; signingKey?: string };
  files: Array<{ name: string; project: string; version: string; size: number; sha256: string }>;
  manifest?: string;
  targets: Array<{
    target: string;
    kind: string;
    ok: boolean;
    url?: string;
    credential?: string;
    signatures?: string;
    files: Array<{ name: string; status: string; url?: string }>;
    verified?: { ok: boolean; checked: boolean; note?: string; problems: string[] };
    error?: { code: string; message: string; hint?: string };
  }>;
  commandLine: string;
}

export interface ReceiptInput {
  plan: ReleasePlan;
  outcomes: TargetOutcome[];
  verifications: TargetVerification[];
  fingerprint: string;
  signingKey?: string;
  manifest?: string;
  dryRun: boolean;
  commandLine: string;
  now?: Date;
}

export function buildReceipt(input: ReceiptInput): Receipt {
  const targets = input.outcomes.map((o, i) => {
    const v = input.verifications[i];
    return {
      target: o.target,
      kind: o.kind,
      ok: o.ok && (v ? v.ok || !v.checked : true),
      url: o.url,
      credential: o.credential,
      signatures: o.signatures,
      files: o.files.map((f) => ({ name: f.name, status: f.status, url: f.url })),
      verified: v
        ? {
            ok: v.ok,
            checked: v.checked,
            note: v.note,
            problems: v.files
              .filter((f) => !f.ok || f.signature === 'bad')
              .map((f) => `${f.name}: ${f.problem ?? `signature ${f.signature}`}`),
          }
        : undefined,
      error: o.error ? { code: o.error.code, message: o.error.message, hint: o.error.hint } : undefined,
    };
  });
  return {
    receiptVersion: RECEIPT_VERSION,
    ok: targets.every((t) => t.ok),
    dryRun: input.dryRun,
    created: (input.now ?? new Date()).toISOString(),
    key: { fingerprint: input.fingerprint, signingKey: input.signingKey },
    files: input.plan.files.map((f) => ({
      name: f.basename,
      project: f.name,
      version: f.version,
      size: f.size,
      sha256: f.sha256,
    })),
    manifest: input.manifest,
    targets,
    commandLine: input.commandLine,
  };
}

/** Quote one word for a POSIX shell when it needs it. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The non-interactive command that does the same release. */
export function releaseCommandLine(input: {
  files: string[];
  targets: string[];
  key: string;
  tag?: string;
  labels?: string[];
  indexUrl?: string;
  noAudit?: boolean;
  failOn?: string;
  allowMixed?: boolean;
  githubApiUrl?: string;
}): string {
  const words = ['distseal', 'release', ...input.files];
  for (const t of input.targets) words.push('--to', t);
  if (input.tag) words.push('--tag', input.tag);
  for (const l of input.labels ?? []) words.push('--label', l);
  if (input.indexUrl) words.push('--index-url', input.indexUrl);
  if (input.githubApiUrl) words.push('--github-api-url', input.githubApiUrl);
  words.push('--key', input.key);
  if (input.noAudit) words.push('--no-audit');
  else if (input.failOn) words.push('--fail-on', input.failOn);
  if (input.allowMixed) words.push('--allow-mixed');
  words.push('--yes');
  return words.map(shellWord).join(' ');
}
