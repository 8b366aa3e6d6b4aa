import path from 'node:path';
import { ExitCode, exitCodeFor } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import {
  buildReceipt,
  releaseCommandLine,
  type ReleasePlan,
  type ReleaseTarget,
  type SignStepResult,
  type TargetOutcome,
  type TargetVerification,
} from '../../core/release/index.js';
import type { Context } from '../context.js';
import { renderReceipt } from './release-render.js';

export interface ReleaseDone {
  plan: ReleasePlan;
  targets: ReleaseTarget[];
  signed: SignStepResult;
  outcomes: TargetOutcome[];
  verifications: TargetVerification[];
  fingerprint: string;
}

/**
 * Step 8 of `distseal release`: the receipt (text, --json, --receipt FILE) with the equivalent
 * command line, then the exit code: the first failed target's, 3 when a target serves other
 * bytes than the local files, else 0.
 */
export async function finishRelease(
  ctx: Context,
  argv: Record<string, any>,
  done: ReleaseDone,
  show: (f: string) => string,
): Promise<number> {
  const { plan, targets, signed, outcomes, verifications, fingerprint } = done;
  const github = targets.find((t) => t.kind === 'github');
  const receipt = buildReceipt({
    plan,
    outcomes,
    verifications,
    fingerprint,
    signingKey: signed.signatures[0]?.signingKeyFingerprint,
    manifest: signed.manifest?.file,
    dryRun: Boolean(argv.dryRun),
    commandLine: releaseCommandLine({
      files: plan.files.map((f) => show(f.file)),
      targets: targets.map((t) => t.spec),
      key: fingerprint,
      tag: github?.kind === 'github' ? github.tag : undefined,
      labels: argv.label,
      indexUrl: argv.indexUrl,
      noAudit: argv.audit === false,
      failOn: argv.failOn !== 'high' ? argv.failOn : undefined,
      allowMixed: argv.allowMixed,
      githubApiUrl: argv.githubApiUrl,
    }),
  });
  // The receipt file is the very document --json prints (schema and all).
  const document = { schema: 'distseal/release@1', ...receipt };
  if (argv.receipt)
    await writeFileAtomic(path.resolve(ctx.cwd, argv.receipt), `${JSON.stringify(document, null, 2)}\n`, {
      mode: 0o644,
    });
  ctx.out.result(renderReceipt(receipt), document);
  const failed = outcomes.find((o) => o.error);
  if (failed) {
    const published = outcomes.filter((o) => o.ok).map((o) => o.target);
    ctx.out.err(`distseal: ${failed.error!.message}`);
    if (failed.error!.hint) ctx.out.err(`  hint: ${failed.error!.hint}`);
    ctx.out.err(
      `  Published: ${published.length ? published.join(', ') : 'nothing'}. Run the same command again to finish: what is there with the same bytes is skipped.`,
    );
    return exitCodeFor(failed.error);
  }
  const differs = verifications.filter((v) => v.checked && !v.ok);
  if (differs.length) {
    ctx.out.err(
      `distseal: what ${differs.map((v) => v.target).join(', ')} serves differs from the local files (see above).`,
    );
    return ExitCode.verification;
  }
  return ExitCode.ok;
}
