/**
 * Upload credentials in twine's order (twine/auth.py::Resolver; specs/pypi-upload.md §5):
 * flag or environment, then .pypirc (or the URL's user:pass@), then the OS keychain (service =
 * the resolved repository URL, account = the user name), then a prompt when interactive, else
 * an error naming every way. On PyPI/TestPyPI the user defaults to `__token__`.
 */
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { Keychain } from '../secrets/keychain.js';
import { resolveSecret, type SecretSource } from '../secrets/resolve.js';
import type { ResolvedRepository, Sourced } from './repository.js';

export const TOKEN_USERNAME = '__token__';

export interface CredentialPrompts {
  username(question: string): Promise<string>;
  password(question: string): Promise<string>;
}

export interface CredentialInput {
  repository: ResolvedRepository;
  /** `-u` or TWINE_USERNAME. */
  username?: Sourced;
  /** `-p` or TWINE_PASSWORD. */
  password?: Sourced;
  keychain?: Keychain;
  /** Present only when prompting is allowed (interactive and not --non-interactive). */
  prompts?: CredentialPrompts;
  logger?: Logger;
}

export interface Credentials {
  username: Sourced;
  password: Sourced;
}

/** Resolve the user name and password (token). Logs each one's source under --verbose, never a value. */
export async function resolveCredentials(input: CredentialInput): Promise<Credentials> {
  const logger = input.logger ?? silentLogger;
  const repo = input.repository;
  const section = repo.name
    ? `the [${repo.name}] section of ${repo.configFile ?? '~/.pypirc'}`
    : 'the URL (user:pass@)';
  const userSources: SecretSource[] = [
    {
      name: '-u/--username',
      get: () => (input.username?.source === '-u/--username' ? input.username.value : undefined),
    },
    {
      name: 'TWINE_USERNAME',
      get: () => (input.username?.source === 'TWINE_USERNAME' ? input.username.value : undefined),
    },
    // twine >= 6: PyPI and TestPyPI only take API tokens, whose user is always __token__.
    {
      name: `the default ${TOKEN_USERNAME} (PyPI and TestPyPI only)`,
      get: () => TOKEN_USERNAME,
      enabled: repo.isPyPI,
    },
    { name: section, get: () => repo.username?.value },
    {
      name: 'a prompt (interactive terminals only)',
      get: () => input.prompts?.username('Enter your username: '),
      enabled: Boolean(input.prompts),
    },
  ];
  const username = await resolveSecret(userSources, { what: `user name for ${repo.url}`, logger });
  const passwordSources: SecretSource[] = [
    {
      name: '-p/--password',
      get: () => (input.password?.source === '-p/--password' ? input.password.value : undefined),
    },
    {
      name: 'TWINE_PASSWORD',
      get: () => (input.password?.source === 'TWINE_PASSWORD' ? input.password.value : undefined),
    },
    { name: section, get: () => repo.password?.value },
    {
      name: `the OS keychain (service ${repo.url}, account ${username.value}; \`distseal login pypi${repo.name && repo.name !== 'pypi' ? ` -r ${repo.name}` : ''}\` stores it)`,
      get: () => input.keychain?.get(repo.url, username.value) ?? null,
      enabled: Boolean(input.keychain),
    },
    {
      name: 'a prompt (interactive terminals only)',
      get: () => input.prompts?.password(repo.isPyPI ? 'Enter your API token: ' : 'Enter your password: '),
      enabled: Boolean(input.prompts),
    },
  ];
  const password = await resolveSecret(passwordSources, {
    what: `${repo.isPyPI ? 'API token' : 'password'} for ${repo.url}`,
    logger,
    hint: input.prompts ? undefined : 'Prompting is off (--non-interactive, CI, or no terminal).',
  });
  warnOddValue(username.value, 'user name', logger);
  warnOddValue(password.value, repo.isPyPI ? 'API token' : 'password', logger);
  return {
    username: { value: username.value, source: username.source },
    password: { value: password.value, source: password.source },
  };
}

/** twine warns about empty values and control characters (a pasted newline, a stray escape). */
function warnOddValue(value: string, what: string, logger: Logger): void {
  if (/[\u0000-\u001f\u007f]/.test(value))
    logger.warn(`The ${what} contains control characters; check how it was pasted or stored.`);
}
