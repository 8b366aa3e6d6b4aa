/**
 * `release --to ...` turned into release targets with their settings and credentials: the CLI
 * side, because credentials come from the environment, .pypirc, the keychain or a prompt.
 * Each credential is a function, called only when a target is about to be sent to.
 */
import path from 'node:path';
import { resolveRepository } from '../../core/config/repository.js';
import type { Credentials } from '../../core/config/credentials.js';
import { UsageError } from '../../core/errors.js';
import { mintTrustedPublishingToken, readUrlFor } from '../../core/release/index.js';
import { parseTarget, type ReleaseTarget, type ReleasePlan } from '../../core/release/index.js';
import { Keychain } from '../../core/secrets/keychain.js';
import { resolveSecret } from '../../core/secrets/resolve.js';
import { DEFAULT_PREFIX_URL } from '../../core/upload/conda/prefix.js';
import { DEFAULT_GITHUB_API } from '../../core/upload/github/api.js';
import type { Context } from '../context.js';
import { promptHidden } from '../passphrase-input.js';
import { resolveCondaToken, resolveServer } from './upload/conda-server.js';
import { credentialsFromArgv, flagOrEnv, tlsFiles } from './upload/pypi-settings.js';

/** Keychain service for GitHub tokens; the account is the API URL. */
export const GITHUB_TOKEN_SERVICE = 'distseal-github';

/** Trusted Publishing applies inside GitHub Actions with `id-token: write` and no explicit password. */
function trustedPublishingEnv(ctx: Context): { requestUrl: string; requestToken: string } | undefined {
  const requestUrl = ctx.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = ctx.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) return undefined;
  return { requestUrl, requestToken };
}

async function githubToken(ctx: Context, apiUrl: string): Promise<string> {
  const keychain = new Keychain(ctx.logger);
  const { value } = await resolveSecret(
    [
      { name: 'GITHUB_TOKEN', get: () => ctx.env.GITHUB_TOKEN },
      {
        name: `the OS keychain (service ${GITHUB_TOKEN_SERVICE}, account ${apiUrl})`,
        get: () => keychain.get(GITHUB_TOKEN_SERVICE, apiUrl),
      },
      {
        name: 'a prompt (in a terminal)',
        enabled: ctx.interactive,
        get: () => promptHidden(ctx, `GitHub token for ${apiUrl}:`),
      },
    ],
    {
      what: `GitHub token for ${apiUrl}`,
      logger: ctx.logger,
      hint: 'Create a token with "contents: write" on the repository (in Actions: GITHUB_TOKEN with `permissions: contents: write`).',
    },
  );
  return value.trim();
}

/** Where prefix.dev serves channels (`<repo>/<channel>/<subdir>/repodata.json`). */
export const DEFAULT_PREFIX_REPO_URL = 'https://repo.prefix.dev';

/** The repodata base to read a prefix target back from: the flag, else prefix.dev's own, else unknown. */
function prefixRepoUrl(flag: string | undefined, serverUrl: string): string | undefined {
  if (flag) return flag.replace(/\/+$/, '');
  return serverUrl === DEFAULT_PREFIX_URL ? DEFAULT_PREFIX_REPO_URL : undefined;
}

/** One lazily resolved value, shared by everything that needs it. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

export async function resolveTargets(
  ctx: Context,
  argv: Record<string, any>,
  plan: ReleasePlan,
): Promise<ReleaseTarget[]> {
  const specs = ((argv.to as string[] | undefined) ?? []).map(parseTarget);
  if (specs.length === 0)
    throw new UsageError(
      'Say where the release goes with --to (pypi, testpypi, github:OWNER/REPO, dir:DIR, ...).',
      {
        hint: 'For example: distseal release --to testpypi --to github:me/proj --tag v1.0.0',
      },
    );
  const targets: ReleaseTarget[] = [];
  const versions = [...new Set(plan.files.map((f) => f.version))];
  for (const spec of specs) {
    switch (spec.kind) {
      case 'pypi': {
        const repository = await resolveRepository({
          ...(spec.url
            ? { repositoryUrl: { value: spec.url, source: '--to' } }
            : { repository: { value: spec.name!, source: '--to' } }),
          configFile: argv.configFile,
          userHome: ctx.userHome,
          cwd: ctx.cwd,
          cert: flagOrEnv(ctx, argv.cert, '--cert', 'TWINE_CERT')?.value,
        });
        const tp = trustedPublishingEnv(ctx);
        const credentials = once(async (): Promise<Credentials> => {
          const explicit = argv.password || ctx.env.TWINE_PASSWORD || repository.password;
          if (tp && !explicit) {
            const token = await mintTrustedPublishingToken({
              uploadUrl: repository.url,
              ...tp,
              proxy: ctx.proxy,
            });
            ctx.logger.info(
              `${spec.spec}: using Trusted Publishing (a short-lived token minted from the GitHub Actions OIDC identity).`,
            );
            return {
              username: { value: '__token__', source: 'Trusted Publishing' },
              password: { value: token, source: 'Trusted Publishing (GitHub Actions OIDC)' },
            };
          }
          return credentialsFromArgv(ctx, argv, repository);
        });
        targets.push({
          kind: 'pypi',
          spec: spec.spec,
          repository,
          readUrl: argv.indexUrl ?? readUrlFor(repository.url),
          credentials,
          tls: await tlsFiles(repository),
        });
        break;
      }
      case 'anaconda': {
        const server = resolveServer('anaconda', argv.anacondaUrl);
        const labels = (argv.label as string[] | undefined) ?? [];
        targets.push({
          kind: 'anaconda',
          spec: spec.spec,
          apiUrl: server.url,
          owner: spec.owner,
          labels,
          token: once(() => resolveCondaToken(ctx, server, argv.tokenFile)),
        });
        break;
      }
      case 'prefix': {
        const server = resolveServer('prefix', argv.prefixUrl);
        targets.push({
          kind: 'prefix',
          spec: spec.spec,
          serverUrl: server.url,
          channel: spec.channel,
          readUrl: prefixRepoUrl(argv.prefixRepoUrl as string | undefined, server.url),
          token: once(() => resolveCondaToken(ctx, server, argv.tokenFile)),
        });
        break;
      }
      case 'channel':
      case 'dir':
        targets.push({ kind: spec.kind, spec: spec.spec, dir: path.resolve(ctx.cwd, spec.dir) });
        break;
      case 'github': {
        let tag = argv.tag as string | undefined;
        if (!tag) {
          if (versions.length !== 1)
            throw new UsageError(`--to ${spec.spec} needs --tag TAG (the files have several versions).`);
          tag = `v${versions[0]}`;
          ctx.logger.info(`${spec.spec}: no --tag given, using ${tag}.`);
        }
        const apiUrl = ((argv.githubApiUrl as string | undefined) ?? DEFAULT_GITHUB_API).replace(/\/+$/, '');
        targets.push({
          kind: 'github',
          spec: spec.spec,
          owner: spec.owner,
          repo: spec.repo,
          tag,
          apiUrl,
          keepDraft: Boolean(argv.draft),
          token: once(() => githubToken(ctx, apiUrl)),
        });
        break;
      }
    }
  }
  return targets;
}
