/**
 * twine's flags and TWINE_* variables turned into distseal's settings (specs/pypi-upload.md §5):
 * an environment variable sets the default and the flag wins. Shared by `upload pypi` and
 * `login pypi`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import {
  resolveCredentials,
  type CredentialPrompts,
  type Credentials,
} from '../../../core/config/credentials.js';
import { resolveRepository, type ResolvedRepository, type Sourced } from '../../../core/config/repository.js';
import { InterruptedError } from '../../../core/errors.js';
import { wrapFsError } from '../../../core/io/atomic.js';
import { Keychain } from '../../../core/secrets/keychain.js';
import type { Context } from '../../context.js';
import { isPromptExit, promptHidden } from '../../passphrase-input.js';

/** The repository flags both `upload pypi` and `login pypi` take. */
export function withRepositoryOptions(y: Argv): Argv {
  return y
    .option('repository', {
      alias: 'r',
      type: 'string',
      describe: 'The .pypirc section to upload to (default: pypi; env TWINE_REPOSITORY)',
    })
    .option('repository-url', {
      type: 'string',
      describe: 'The upload URL; skips .pypirc (env TWINE_REPOSITORY_URL)',
    })
    .option('config-file', { type: 'string', describe: 'The .pypirc to read (default: ~/.pypirc)' })
    .option('username', {
      alias: 'u',
      type: 'string',
      describe: 'User name (default __token__ on PyPI; env TWINE_USERNAME)',
    })
    .option('cert', { type: 'string', describe: 'CA bundle (PEM) to trust for the index (env TWINE_CERT)' })
    .option('client-cert', {
      type: 'string',
      describe: 'Client certificate with its key, one PEM file (mutual TLS)',
    })
    .option('non-interactive', { type: 'boolean', describe: 'Never prompt (env TWINE_NON_INTERACTIVE)' });
}

/** A flag's value with "flag" as its source, else the environment variable's. */
export function flagOrEnv(
  ctx: Context,
  flagValue: unknown,
  flagName: string,
  envName: string,
): Sourced | undefined {
  if (typeof flagValue === 'string' && flagValue !== '') return { value: flagValue, source: flagName };
  const env = ctx.env[envName];
  if (env !== undefined && env !== '') return { value: env, source: envName };
  return undefined;
}

/** twine: TWINE_NON_INTERACTIVE is true unless 0/false/no. Prompts also need a terminal. */
export function mayPrompt(ctx: Context, argv: Record<string, any>): boolean {
  if (argv.nonInteractive === true) return false;
  const env = ctx.env.TWINE_NON_INTERACTIVE;
  if (argv.nonInteractive === undefined && env !== undefined && env !== '' && !/^(0|false|no)$/i.test(env))
    return false;
  return ctx.interactive;
}

export async function repositoryFromArgv(
  ctx: Context,
  argv: Record<string, any>,
): Promise<ResolvedRepository> {
  const repo = await resolveRepository({
    repository: flagOrEnv(ctx, argv.repository, '-r/--repository', 'TWINE_REPOSITORY'),
    repositoryUrl: flagOrEnv(ctx, argv.repositoryUrl, '--repository-url', 'TWINE_REPOSITORY_URL'),
    configFile: argv.configFile,
    userHome: ctx.userHome,
    cwd: ctx.cwd,
    cert: flagOrEnv(ctx, argv.cert, '--cert', 'TWINE_CERT')?.value,
    clientCert: argv.clientCert,
  });
  ctx.logger.debug(
    `Repository: ${repo.url}${repo.name ? ` ([${repo.name}] from ${repo.configFile ?? 'the built-in defaults'})` : ''}`,
  );
  return repo;
}

export function terminalPrompts(ctx: Context): CredentialPrompts {
  return {
    async username(question) {
      const { input } = await import('@inquirer/prompts');
      try {
        return await input(
          { message: question.replace(/:\s*$/, ':') },
          { input: ctx.stdin as never, output: ctx.stderr as never },
        );
      } catch (error) {
        if (isPromptExit(error)) throw new InterruptedError('Cancelled; nothing was uploaded.');
        throw error;
      }
    },
    password: (question) => promptHidden(ctx, question.replace(/:\s*$/, ':')),
  };
}

/** Credentials in twine's order; `-p` works but warns that argv is visible to other users. */
export async function credentialsFromArgv(
  ctx: Context,
  argv: Record<string, any>,
  repo: ResolvedRepository,
): Promise<Credentials> {
  if (typeof argv.password === 'string' && argv.password !== '') {
    ctx.logger.warn(
      '-p/--password puts the secret on the command line, where other users of this machine can read it; prefer TWINE_PASSWORD, .pypirc or `distseal login pypi`.',
    );
  }
  const creds = await resolveCredentials({
    repository: repo,
    username: flagOrEnv(ctx, argv.username, '-u/--username', 'TWINE_USERNAME'),
    password: flagOrEnv(ctx, argv.password, '-p/--password', 'TWINE_PASSWORD'),
    keychain: new Keychain(ctx.logger),
    prompts: mayPrompt(ctx, argv) ? terminalPrompts(ctx) : undefined,
    logger: ctx.logger,
  });
  return creds;
}

/** The --cert / --client-cert files as buffers for the HTTP client. */
export async function tlsFiles(
  repo: ResolvedRepository,
): Promise<{ ca?: Buffer; cert?: Buffer; key?: Buffer }> {
  const read = async (file: string | undefined) => {
    if (!file) return undefined;
    try {
      return await readFile(path.resolve(file));
    } catch (error) {
      throw wrapFsError(error, file, 'read');
    }
  };
  const ca = await read(repo.caCert);
  const client = await read(repo.clientCert);
  return { ca, cert: client, key: client };
}
