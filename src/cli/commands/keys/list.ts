import { Keychain } from '../../../core/secrets/keychain.js';
import type { LeafCommand } from '../../command.js';
import { openStore, renderKey } from './shared.js';

export const command: LeafCommand = {
  command: 'list',
  describe:
    'List your keys: fingerprint, user IDs, algorithm, dates, secret and keychain state, default mark',
  async run(_argv, ctx) {
    const store = await openStore(ctx);
    const keys = await store.listOwn({ keychain: new Keychain(ctx.logger) });
    const text =
      keys.length === 0
        ? [`No keys in ${store.home}. Create one with \`distseal keys generate\`.`]
        : keys.flatMap((k, i) => [...(i ? [''] : []), ...renderKey(k)]);
    ctx.out.result(text, { home: store.home, results: keys });
  },
};
