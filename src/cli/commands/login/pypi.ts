import { TOKEN_USERNAME } from '../../../core/config/credentials.js';
import { OperationalError, UsageError } from '../../../core/errors.js';
import { Keychain } from '../../../core/secrets/keychain.js';
import type { LeafCommand } from '../../command.js';
import { promptHidden, readSecretFlag } from '../../passphrase-input.js';
import {
  flagOrEnv,
  mayPrompt,
  repositoryFromArgv,
  terminalPrompts,
  withRepositoryOptions,
} from '../upload/pypi-settings.js';

/**
 * `distseal login pypi [-r NAME | --repository-url URL] [-u USER]`: keep an index token in the
 * OS keychain where `upload pypi` (and twine's keyring support) look: service = the resolved
 * repository URL, account = the user name (`__token__` on PyPI and TestPyPI). The token comes
 * from --token-file, --token-fd or a hidden prompt; never from argv. `--forget` removes it.
 */
export const command: LeafCommand = {
  command: 'pypi',
  describe: 'Store a PyPI (or other index) API token in the OS keychain',
  builder: (y) =>
    withRepositoryOptions(y)
      .option('token-file', { type: 'string', describe: 'Read the token from FILE (first line)' })
      .option('token-fd', { type: 'number', describe: 'Read the token from file descriptor N (0 = stdin)' })
      .option('forget', { type: 'boolean', describe: 'Remove the stored token instead' })
      .example('$0 login pypi', 'store a PyPI token (asks for it)')
      .example('$0 login pypi -r testpypi --token-fd 0 < token.txt', 'store a TestPyPI token from stdin'),
  run: async (argv, ctx) => {
    const repo = await repositoryFromArgv(ctx, argv);
    const given =
      flagOrEnv(ctx, argv.username, '-u/--username', 'TWINE_USERNAME')?.value ??
      (repo.isPyPI ? TOKEN_USERNAME : repo.username?.value);
    let username = given;
    if (!username) {
      if (!mayPrompt(ctx, argv))
        throw new UsageError(`Which user is the token for at ${repo.url}?`, {
          hint: 'Pass -u USER (or set username in the .pypirc section).',
        });
      username = await terminalPrompts(ctx).username('Enter your username: ');
    }
    const keychain = new Keychain(ctx.logger);
    if (argv.forget) {
      const removed = await keychain.delete(repo.url, username);
      ctx.out.result(
        removed
          ? `Removed the token for ${username} at ${repo.url} from the OS keychain.`
          : `No token for ${username} at ${repo.url} was stored.`,
        { ok: true, repository: repo.url, username, removed },
      );
      return 0;
    }
    let token = await readSecretFlag(ctx, argv.tokenFile, argv.tokenFd, 'token');
    if (token === undefined) {
      if (!mayPrompt(ctx, argv))
        throw new UsageError('No token was given.', {
          hint: 'Pass --token-file FILE or --token-fd N (0 = stdin), or run this in a terminal to be asked.',
        });
      token = await promptHidden(
        ctx,
        `${repo.isPyPI ? 'API token (pypi-...)' : 'Password or token'} for ${username} at ${repo.url}:`,
        (v) => (v.trim() ? true : 'The token is empty.'),
      );
    }
    token = token.trim();
    if (repo.isPyPI && !token.startsWith('pypi-'))
      ctx.logger.warn(
        'PyPI API tokens start with "pypi-"; this one does not. Uploads will get 403 if it is not a token.',
      );
    try {
      await keychain.set(repo.url, username, token);
    } catch (error) {
      if (error instanceof OperationalError)
        throw new OperationalError(error.code, error.message, {
          hint: `${error.hint ?? ''} Or set TWINE_PASSWORD, or put the token in the .pypirc section.`.trim(),
        });
      throw error;
    }
    ctx.out.result(
      `Stored the token for ${username} at ${repo.url} in the OS keychain; \`distseal upload pypi${repo.name && repo.name !== 'pypi' ? ` -r ${repo.name}` : ''}\` will use it.`,
      {
        ok: true,
        repository: repo.url,
        username,
        stored: true,
      },
    );
    return 0;
  },
};
