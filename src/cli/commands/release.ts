import path from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, exitCodeFor, InputError, KeyError, UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { KeyStore } from '../../core/keys/store.js';
import {
  buildReceipt,
  planRelease,
  preflight,
  publishRelease,
  releaseCommandLine,
  signRelease,
  verifyPublished,
} from '../../core/release/index.js';
import type { LeafCommand } from '../command.js';
import { unlockOwnKey, withPassphraseOptions } from '../unlock.js';
import { confirmOnTerminal } from './keys/shared.js';
import { renderPlan, renderPreflight, renderReceipt, renderSummary, showPath } from './release-render.js';
import { releaseAudit } from './release-audit.js';
import { resolveTargets } from './release-targets.js';

/** Exit code for audit findings at or above the threshold (PRODUCT.md). */
const EXIT_FINDINGS = ExitCode.findings;

export const command: LeafCommand = {
  command: 'release [files..]',
  describe: 'Check, audit, sign, publish and re-verify a release in one go (default files: dist/*)',
  builder: (y: Argv) =>
    withPassphraseOptions(
      y
        .positional('files', {
          type: 'string',
          array: true,
          describe: 'Wheels, sdists, conda packages (default: everything in dist/)',
        })
        .option('to', {
          type: 'string',
          array: true,
          describe:
            'Target (repeatable): pypi, testpypi, NAME, URL, anaconda[:OWNER], prefix:CHANNEL, channel:DIR, github:OWNER/REPO, dir:DIR',
        })
        .option('yes', {
          alias: 'y',
          type: 'boolean',
          default: false,
          describe: 'Publish without asking (needed without a terminal)',
        })
        .option('dry-run', {
          type: 'boolean',
          default: false,
          describe: 'Check, audit, sign and compare with the targets; send nothing',
        })
        .option('key', {
          alias: 'k',
          type: 'string',
          describe: 'Your signing key (default: the default key)',
        })
        .option('tag', { type: 'string', describe: 'The GitHub release tag (default: v<version>)' })
        .option('draft', { type: 'boolean', default: false, describe: 'Leave the GitHub release a draft' })
        .option('receipt', { type: 'string', describe: 'Also write the receipt as JSON to FILE' })
        .option('allow-mixed', {
          type: 'boolean',
          default: false,
          describe: 'Allow files of several versions in one release',
        })
        .option('audit', { type: 'boolean', default: true, describe: '--no-audit skips the audit step' })
        .option('fail-on', {
          type: 'string',
          default: 'high',
          choices: ['low', 'medium', 'high', 'critical', 'none'],
          describe: 'Audit findings at or above this stop the release',
        })
        .option('strict', {
          type: 'boolean',
          default: false,
          describe: 'Check warnings stop the release too',
        })
        .option('index-url', {
          type: 'string',
          describe: 'The simple index to read a PyPI-compatible target back from',
        })
        .option('label', {
          alias: 'l',
          type: 'string',
          array: true,
          describe: 'anaconda.org label (repeatable)',
        })
        .option('token-file', {
          type: 'string',
          describe: 'Read the anaconda.org / prefix.dev token from FILE',
        })
        .option('anaconda-url', { type: 'string', describe: 'Another anaconda.org-compatible API URL' })
        .option('prefix-url', { type: 'string', describe: 'Another prefix.dev-compatible server URL' })
        .option('github-api-url', {
          type: 'string',
          describe: 'GitHub Enterprise API URL (default https://api.github.com)',
        })
        .option('username', { alias: 'u', type: 'string', describe: 'Index user name (env TWINE_USERNAME)' })
        .option('config-file', { type: 'string', describe: 'The .pypirc to read (default: ~/.pypirc)' })
        .option('cert', { type: 'string', describe: 'CA bundle (PEM) to trust for the index' })
        .option('manifest', {
          type: 'boolean',
          describe: 'Write a signed SHA256SUMS (default: when a github: or dir: target is named)',
        })
        .example(
          '$0 release --to testpypi --to github:me/proj --tag v1.2.0 --yes',
          'CI: the whole release without questions',
        )
        .example('$0 release dist/*.conda --to channel:./channel --dry-run', 'see what would happen'),
    ),
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
    if (own.info.expired)
      throw new KeyError(
        'E_KEY_EXPIRED',
        `The signing key ${own.fingerprint} expired on ${own.info.expires?.slice(0, 10)}.`,
        {
          subject: own.fingerprint,
          hint: `Extend it with \`distseal keys expire ${own.fingerprint} 2y\`, then run the release again.`,
        },
      );
    const useAudit = argv.audit !== false && argv.failOn !== 'none';
    const pre = await preflight({
      files: plan.files.map((f) => f.file),
      strict: argv.strict,
      audit: useAudit ? releaseAudit(ctx, argv.failOn) : undefined,
      keyExpires: own.info.expires,
      logger: ctx.logger,
    });
    const preLines = renderPreflight(pre, show);
    if (preLines.length) ctx.out.err(['Pre-flight:', ...preLines].join('\n'));
    if (pre.keyExpiresInDays !== undefined)
      ctx.logger.warn(
        `The signing key ${own.fingerprint} expires in ${pre.keyExpiresInDays} day(s); extend it with \`distseal keys expire ${own.fingerprint} 2y\`.`,
      );
    if (pre.failed.length)
      throw new InputError(
        'E_CHECK_FAILED',
        `The check failed for ${pre.failed.map(show).join(', ')}; nothing was signed or sent.`,
        {
          hint: `Run \`distseal check ${pre.failed.map(show).join(' ')}\` for the details, fix them and build again.`,
        },
      );
    if (pre.audit && pre.audit.blocking > 0) {
      const go =
        ctx.interactive &&
        !argv.yes &&
        (await confirmOnTerminal(
          ctx,
          `The audit found ${pre.audit.blocking} finding(s) at or above ${argv.failOn}. Release anyway?`,
        ));
      if (!go) {
        ctx.out.err(
          `distseal: the audit found ${pre.audit.blocking} finding(s) at or above ${argv.failOn}; nothing was signed or sent.`,
        );
        ctx.out.err(
          '  hint: Fix them, or pass --fail-on with a higher level (or --no-audit) if you accept them.',
        );
        return EXIT_FINDINGS;
      }
    }

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
    });
    const verifications = argv.dryRun
      ? []
      : await verifyPublished({ plan, signed, targets, outcomes, publicKey: privateKey.toPublic() });
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
        tag:
          targets.find((t) => t.kind === 'github')?.kind === 'github'
            ? (targets.find((t) => t.kind === 'github') as { tag: string }).tag
            : undefined,
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
  },
};
