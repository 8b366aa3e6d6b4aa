import { pinsOf } from '../../../core/trust/pins.js';
import type { LeafCommand } from '../../command.js';
import { openStore, renderKey } from '../keys/shared.js';

export const command: LeafCommand = {
  command: 'list',
  describe: 'List the trusted keyring and the projects each key is pinned to',
  async run(_argv, ctx) {
    const store = await openStore(ctx);
    const keys = await store.listTrusted();
    const policy = await store.trustPolicy();
    const text: string[] = [];
    for (const key of keys) {
      if (text.length) text.push('');
      text.push(...renderKey(key));
      const pins = pinsOf(policy, key.fingerprint);
      text.push(`     may sign: ${pins.length ? pins.join(', ') : 'any project not pinned to other keys'}`);
    }
    const orphan = Object.entries(policy.projects).filter(([, fprs]) =>
      fprs.every((f) => !keys.some((k) => k.fingerprint === f)),
    );
    for (const [project] of orphan)
      text.push(
        `warning: project ${project} is pinned only to keys that are not in the trusted keyring; nothing can verify it.`,
      );
    if (keys.length === 0)
      text.unshift(
        'The trusted keyring is empty. Add a key with `distseal trust add KEYFILE [--for PROJECT]`.',
      );
    ctx.out.result(text, {
      home: store.home,
      results: keys.map((k) => ({ ...k, projects: pinsOf(policy, k.fingerprint) })),
      policy,
    });
  },
};
