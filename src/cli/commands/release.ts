import path from 'node:path';
import { ExitCode, UsageError } from '../../core/errors.js';
import { KeyStore } from '../../core/keys/store.js';
import { planRelease, publishRelease, signRelease, verifyPublished } from '../../core/release/index.js';
import type { LeafCommand } from '../command.js';
import { unlockOwnKey } from '../unlock.js';
import { confirmOnTerminal } from './keys/shared.js';
import { finishRelease } from './release-finish.js';
import { releaseOptions } from './release-options.js';
import { releasePreflight } from './release-preflight.js';
import { renderPlan, renderSummary, showPath } from './release-render.js';
import { resolveTargets } from './release-targets.js';

export const command: LeafCommand = {
  command: 'release [files..]',
  describe: 'Check, audit, sign, publish and re-verify a release in one go (default files: dist/*)',
  builder: releaseOptions,
  run: async (argv, ctx) => {
    const show = showPath(ctx.cwd);
    const files = ((argv.files as string[] | undefined) ?? []).map((f) => path.resolve(ctx.cwd, f));
    const plan = await planRelease({
      files,
      defaultDir: path.join(ctx.cwd, 'dist'),
      allowMixed: argv.allowMixed,
    });
    ctx.logger.info(renderPlan(plan, show).join('\n'));
    const targets = await resolveTargets(ctx, argv, plan);

    const store = await KeyStore.open({ home: ctx.home, logger: ctx.logger });
    const own = await store.findOwn(argv.key);
    // Exit 4 (PRODUCT.md) when audit findings at or above the threshold stop the release.
    if (!(await releasePreflight(ctx, argv, plan, own, show))) return ExitCode.findings;

    ctx.out.err(renderSummary(plan, targets, own.fingerprint, show).join('\n'));
    if (!argv.dryRun && !argv.yes) {
      if (!ctx.interactive)
        throw new UsageError('Nothing was sent: confirm the release with --yes (or run it in a terminal).', {
          hint: 'Add --dry-run to see everything without sending.',
        });
      if (!(await confirmOnTerminal(ctx, 'Publish these files?', false))) {
        ctx.out.err('Nothing was sent.');
        return ExitCode.ok;
      }
    }

    const { privateKey, fingerprint } = await unlockOwnKey(ctx, {
      key: own.fingerprint,
      passphraseFile: argv.passphraseFile,
      passphraseFd: argv.passphraseFd,
    });
    const wantManifest = argv.manifest ?? targets.some((t) => t.kind === 'github' || t.kind === 'dir');
    const signed = await signRelease({
      plan,
      signingKey: privateKey,
      manifest: wantManifest,
      logger: ctx.logger,
    });
    const outcomes = await publishRelease({
      plan,
      signed,
      targets,
      signingKey: privateKey,
      dryRun: argv.dryRun,
      logger: ctx.logger,
      proxy: ctx.proxy,
    });
    const verifications = argv.dryRun
      ? []
      : await verifyPublished({
          plan,
          signed,
          targets,
          outcomes,
          publicKey: privateKey.toPublic(),
          proxy: ctx.proxy,
        });
    return finishRelease(ctx, argv, { plan, targets, signed, outcomes, verifications, fingerprint }, show);
  },
};
