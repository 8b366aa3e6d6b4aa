import { UsageError } from '../../../core/errors.js';
import { Keychain } from '../../../core/secrets/keychain.js';
import { resolveSecret, type SecretSource } from '../../../core/secrets/resolve.js';
import { DEFAULT_ANACONDA_API } from '../../../core/upload/conda/anaconda-api.js';
import { DEFAULT_PREFIX_URL } from '../../../core/upload/conda/prefix.js';
import type { Context } from '../../context.js';
import { promptHidden, readSecretFlag } from '../../passphrase-input.js';

/** Keychain service for conda tokens; the account is the server URL. */
export const CONDA_TOKEN_SERVICE = 'distseal-conda';

export type CondaServerKind = 'anaconda' | 'prefix';

export interface CondaServer {
  kind: CondaServerKind;
  /** API base (anaconda.org API, or the prefix.dev site). */
  url: string;
}

/**
 * `--server anaconda|prefix|URL` and `--server-url URL`. A bare URL is an anaconda.org-compatible
 * API unless it is prefix.dev's host; `--server prefix --server-url URL` points at another
 * prefix-compatible server (e.g. a self-hosted one or a test server).
 */
export function resolveServer(server: string | undefined, serverUrl: string | undefined): CondaServer {
  const name = server ?? 'anaconda';
  if (name === 'anaconda') return { kind: 'anaconda', url: trim(serverUrl ?? DEFAULT_ANACONDA_API) };
  if (name === 'prefix') return { kind: 'prefix', url: trim(serverUrl ?? DEFAULT_PREFIX_URL) };
  if (/^https?:\/\//.test(name)) {
    if (serverUrl)
      throw new UsageError('Give the server either as --server URL or as --server-url URL, not both.');
    return {
      kind: /(^|\.)prefix\.dev$/.test(new URL(name).hostname) ? 'prefix' : 'anaconda',
      url: trim(name),
    };
  }
  throw new UsageError(`--server must be anaconda, prefix or an http(s) URL (got "${name}").`);
}

function trim(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The environment variables that may hold the token, in the order they are tried. */
export function tokenEnvNames(kind: CondaServerKind): string[] {
  // anaconda-client prefers BINSTAR_API_TOKEN over ANACONDA_API_TOKEN; the issue lists ANACONDA first.
  // We follow anaconda-client so a CI job that sets both behaves the same with both tools.
  return kind === 'anaconda' ? ['BINSTAR_API_TOKEN', 'ANACONDA_API_TOKEN'] : ['PREFIX_API_KEY'];
}

/**
 * The upload token: --token-file, the environment, the OS keychain (`distseal login conda`),
 * a hidden prompt when interactive; else an error naming every way. Registered as a secret so
 * it is masked in every output.
 */
export async function resolveCondaToken(
  ctx: Context,
  server: CondaServer,
  tokenFile: string | undefined,
): Promise<string> {
  const keychain = new Keychain(ctx.logger);
  const sources: SecretSource[] = [
    { name: '--token-file FILE', get: () => readSecretFlag(ctx, tokenFile, undefined, 'token') },
    ...tokenEnvNames(server.kind).map((env) => ({ name: env, get: () => ctx.env[env] })),
    {
      name: `the OS keychain (\`distseal login conda --server ${server.kind}\`)`,
      get: () => keychain.get(CONDA_TOKEN_SERVICE, server.url),
    },
    {
      name: 'a prompt (in a terminal)',
      enabled: ctx.interactive,
      get: () =>
        promptHidden(
          ctx,
          `${server.kind === 'prefix' ? 'prefix.dev API key' : 'anaconda.org token'} for ${server.url}:`,
        ),
    },
  ];
  const { value } = await resolveSecret(sources, {
    what: `${server.kind === 'prefix' ? 'prefix.dev API key' : 'anaconda.org token'} for ${server.url}`,
    logger: ctx.logger,
    hint:
      server.kind === 'anaconda'
        ? 'Create a token with the scopes "api:read api:write" on anaconda.org (Settings > Access).'
        : 'Create an API key on prefix.dev (Settings > API keys).',
  });
  return value.trim();
}
