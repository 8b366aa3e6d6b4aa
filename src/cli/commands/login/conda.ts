import { OperationalError, UsageError } from '../../../core/errors.js';
import { Keychain } from '../../../core/secrets/keychain.js';
import type { LeafCommand } from '../../command.js';
import { promptHidden, readSecretFlag } from '../../passphrase-input.js';
import { CONDA_TOKEN_SERVICE, resolveServer } from '../upload/conda-server.js';

/**
 * `distseal login conda [--server anaconda|prefix|URL]`: keep an upload token in the OS keychain
 * (service "distseal-conda", account = the server URL). The token comes from --token-file,
 * --token-fd or a hidden prompt; never from argv. `--forget` removes it.
 */
export const command: LeafCommand = {
  command: 'conda',
  describe: 'Store an anaconda.org token or prefix.dev API key in the OS keychain',
  builder: (y) =>
    y
      .option('server', { type: 'string', default: 'anaconda', describe: 'anaconda, prefix, or an API URL' })
      .option('server-url', { type: 'string', describe: 'Another URL for the chosen --server kind' })
      .option('token-file', { type: 'string', describe: 'Read the token from FILE (first line)' })
      .option('token-fd', { type: 'number', describe: 'Read the token from file descriptor N (0 = stdin)' })
      .option('forget', { type: 'boolean', describe: 'Remove the stored token instead' }),
  run: async (argv, ctx) => {
    const server = resolveServer(argv.server, argv.serverUrl);
    const keychain = new Keychain(ctx.logger);
    if (argv.forget) {
      const removed = await keychain.delete(CONDA_TOKEN_SERVICE, server.url);
      ctx.out.result(
        removed
          ? `Removed the token for ${server.url} from the OS keychain.`
          : `No token for ${server.url} was stored.`,
        { ok: true, server: server.url, removed },
      );
      return;
    }
    let token = await readSecretFlag(ctx, argv.tokenFile, argv.tokenFd, 'token');
    if (token === undefined) {
      if (!ctx.interactive)
        throw new UsageError('No token was given.', {
          hint: 'Pass --token-file FILE or --token-fd N (0 = stdin), or run this in a terminal to be asked.',
        });
      token = await promptHidden(
        ctx,
        `${server.kind === 'prefix' ? 'prefix.dev API key' : 'anaconda.org token (scopes api:read api:write)'} for ${server.url}:`,
        (v) => (v.trim() ? true : 'The token is empty.'),
      );
    }
    token = token.trim();
    try {
      await keychain.set(CONDA_TOKEN_SERVICE, server.url, token);
    } catch (error) {
      if (error instanceof OperationalError)
        throw new OperationalError(error.code, error.message, {
          hint: `${error.hint ?? ''} Or keep the token in a file and pass --token-file, or set ${server.kind === 'prefix' ? 'PREFIX_API_KEY' : 'ANACONDA_API_TOKEN'}.`.trim(),
        });
      throw error;
    }
    ctx.out.result(
      `Stored the token for ${server.url} in the OS keychain; \`distseal upload conda --server ${server.kind}\` will use it.`,
      { ok: true, server: server.url, stored: true },
    );
  },
};
