import { DEFAULT_DEADLINE_MS } from '../../../core/limits.js';
import path from 'node:path';
import type { Argv } from 'yargs';
import type * as openpgp from 'openpgp';
import { UsageError } from '../../../core/errors.js';
import { KeyStore } from '../../../core/keys/store.js';
import { signFiles } from '../../../core/sign/index.js';
import { splitInputs } from '../../../core/upload/pypi/inputs.js';
import { checkUploadSignatures } from '../../../core/upload/pypi/signatures.js';
import {
  DEFAULT_SIGN,
  signaturePolicy,
  type SignaturePolicy,
} from '../../../core/upload/pypi/signature-policy.js';
import { DEFAULT_UPLOAD_RETRIES } from '../../../core/upload/pypi/send.js';
import { uploadToPypi } from '../../../core/upload/pypi/upload.js';
import type { LeafCommand } from '../../command.js';
import type { Context } from '../../context.js';
import { unlockOwnKey, withPassphraseOptions } from '../../unlock.js';
import { credentialsFromArgv, repositoryFromArgv, tlsFiles, withRepositoryOptions } from './pypi-settings.js';
import { dryRunCredentialSource, renderUpload } from './pypi-render.js';
import { distsealVersion } from '../../version.js';
import { userAgentFor } from '../../../core/net/user-agent.js';

/**
 * `distseal upload pypi FILE...`: twine upload's flags and behaviour (specs/pypi-upload.md), with
 * signing built in. Bad input is refused before anything is sent; each file's outcome is listed.
 */
export const command: LeafCommand = {
  command: 'pypi <files..>',
  describe: 'Upload wheels and sdists to PyPI or a PyPI-compatible index (twine-compatible)',
  builder: (y: Argv) =>
    withPassphraseOptions(
      withRepositoryOptions(
        y.positional('files', {
          type: 'string',
          array: true,
          describe: 'Dists, plus their .asc and .attestation files',
        }),
      )
        .option('password', {
          alias: 'p',
          type: 'string',
          describe:
            'Password or API token (visible to other users in the process list: prefer TWINE_PASSWORD)',
        })
        .option('comment', { alias: 'c', type: 'string', describe: 'A comment to send with each file' })
        .option('skip-existing', {
          type: 'boolean',
          default: false,
          describe: 'Leave files the index already has alone instead of failing',
        })
        .option('sign', {
          alias: 's',
          type: 'boolean',
          default: DEFAULT_SIGN,
          describe: 'Sign dists that have no .asc with your distseal key first',
        })
        .option('key', {
          alias: ['identity', 'i'],
          type: 'string',
          describe: 'Your key to sign with (default: the default key)',
        })
        .option('sign-with', {
          type: 'string',
          hidden: true,
          describe: 'twine compatibility: ignored (distseal signs natively)',
        })
        .option('attestations', {
          type: 'boolean',
          default: false,
          describe: "Send each dist's <dist>.*.attestation files (PEP 740)",
        })
        .option('dry-run', {
          type: 'boolean',
          default: false,
          describe:
            'Show what would be sent (fields, sizes, digests, target, credential source) without connecting',
        })
        .option('disable-progress-bar', { type: 'boolean', default: false, describe: 'No progress bar' })
        .option('retries', {
          type: 'number',
          default: DEFAULT_UPLOAD_RETRIES,
          describe: 'Retries after a 5xx, a reset connection or a timeout',
        })
        .option('retry-delay', {
          type: 'number',
          default: 1000,
          describe: 'Base backoff delay in ms (doubles each retry, with jitter)',
        })
        .option('timeout', {
          type: 'number',
          default: 300,
          describe: 'Seconds without progress before a request is abandoned',
        })
        .option('deadline', {
          type: 'number',
          default: DEFAULT_DEADLINE_MS / 1000,
          describe: 'Seconds the index may take to answer once a dist was sent (however slowly it trickles)',
        })
        .example(
          '$0 upload pypi dist/*',
          'upload to PyPI with a token from the keychain, TWINE_PASSWORD or ~/.pypirc',
        )
        .example('$0 upload pypi -r testpypi --sign dist/*', 'sign, then upload to TestPyPI')
        .example('$0 upload pypi --repository-url http://127.0.0.1:8080/legacy/ dist/*', 'a local index'),
    ),
  run: async (argv, ctx) => {
    if (argv.key && !argv.sign)
      throw new UsageError('--key/-i/--identity only chooses the signing key, so it needs --sign.', {
        hint: 'Add --sign, or drop --key.',
      });
    if (argv.signWith && argv.signWith !== 'gpg')
      ctx.logger.warn(
        `--sign-with ${argv.signWith} is ignored: distseal signs with its own OpenPGP implementation.`,
      );
    for (const n of ['retries', 'retryDelay', 'timeout', 'deadline'] as const) {
      if (!Number.isFinite(argv[n]) || argv[n] < 0)
        throw new UsageError(`--${n === 'retryDelay' ? 'retry-delay' : n} must be a number of at least 0.`);
    }
    const inputs = await splitInputs(argv.files as string[], {
      attestations: argv.attestations,
      cwd: ctx.cwd,
    });
    for (const f of inputs.skipped)
      ctx.logger.info(`Skipping ${path.basename(f)}: a checksum manifest is not uploaded.`);
    const repo = await repositoryFromArgv(ctx, argv);

    const policy = signaturePolicy({ isPyPI: repo.isPyPI, sign: argv.sign, dryRun: argv.dryRun });
    if (policy.signUnsigned) {
      const unsigned = inputs.dists.filter((d) => !inputs.signatures.has(d));
      if (unsigned.length > 0) {
        const { privateKey } = await unlockOwnKey(ctx, {
          key: argv.key,
          passphraseFile: argv.passphraseFile,
          passphraseFd: argv.passphraseFd,
        });
        for (const r of await signFiles({ files: unsigned, signingKey: privateKey, logger: ctx.logger })) {
          inputs.signatures.set(r.file, r.signatureFile);
          ctx.logger.info(`Signed ${path.basename(r.file)} -> ${path.basename(r.signatureFile)}`);
        }
      }
    }
    if (inputs.signatures.size > 0) await checkSignatures(ctx, inputs.signatures, policy);

    const credentials = argv.dryRun ? undefined : await credentialsFromArgv(ctx, argv, repo);
    const logger = argv.disableProgressBar ? { ...ctx.logger, progress: undefined } : ctx.logger;
    const results = await uploadToPypi({
      dists: inputs.dists,
      signatures: inputs.signatures,
      attestations: inputs.attestations,
      repository: repo,
      credentials,
      comment: argv.comment,
      skipExisting: argv.skipExisting,
      dryRun: argv.dryRun,
      tls: await tlsFiles(repo),
      userAgent: userAgentFor(distsealVersion()),
      proxy: ctx.proxy,
      retries: argv.retries,
      retryBaseMs: argv.retryDelay,
      timeoutMs: argv.timeout * 1000,
      deadlineMs: argv.deadline * 1000,
      logger,
    });
    return renderUpload(
      ctx,
      results,
      repo.url,
      argv.dryRun ? await dryRunCredentialSource(ctx, argv, repo) : credentials?.password.source,
    );
  },
};

/**
 * An existing .asc rides along when it is a good signature by one of your own keys or a key in
 * your trusted keyring (a co-maintainer's, or one gpg made with a key you trust), as twine would
 * attach it; anything else is refused before a byte is sent (issue 15 item 4).
 */
async function checkSignatures(
  ctx: Context,
  signatures: Map<string, string>,
  policy: SignaturePolicy,
): Promise<void> {
  const store = await KeyStore.open({ home: ctx.home, logger: ctx.logger });
  const own = await store.listOwn();
  const ownKeys: openpgp.PublicKey[] = [];
  for (const info of own) ownKeys.push((await store.findOwn(info.fingerprint)).key.toPublic());
  const trustedKeys = await store.trustedKeys();
  if (ownKeys.length === 0 && trustedKeys.length === 0) {
    const msg = `There is no own or trusted key in ${ctx.home} to check the .asc files against.`;
    if (policy.uncheckable === 'warn') {
      ctx.logger.warn(`${msg} They are not sent to PyPI anyway.`);
      return;
    }
    throw new UsageError(msg, {
      hint:
        'If gpg made them, bring your key over with `distseal keys import --from-gpg KEYID`; for a ' +
        "co-maintainer's signature, `distseal trust add THEIR-KEY.asc`. Or remove the .asc files to upload without signatures.",
    });
  }
  await checkUploadSignatures({ signatures, ownKeys, trustedKeys, logger: ctx.logger });
}
