import type { Argv } from 'yargs';
import { refreshTrusted } from '../../../core/download/refresh.js';
import { ExitCode } from '../../../core/errors.js';
import type { LeafCommand } from '../../command.js';
import { fetchOptionsFrom, networkOptions } from '../download-options.js';
import { openStore } from '../keys/shared.js';

/** `distseal trust refresh [FPR]`: exit 0 when every source answered, 1 when one could not be refreshed. */
export const command: LeafCommand = {
  command: 'refresh [fpr]',
  describe: 'Fetch trusted keys again from where they came from; merge revocations, new subkeys, expiry',
  builder: (y: Argv) =>
    networkOptions(y).positional('fpr', { type: 'string', describe: 'Only this primary fingerprint' }),
  async run(argv, ctx) {
    const store = await openStore(ctx);
    const results = await refreshTrusted(store, {
      ...(await fetchOptionsFrom(argv, ctx)),
      fingerprint: argv.fpr ? String(argv.fpr) : undefined,
    });
    const lines: string[] = [];
    for (const r of results) {
      const head =
        r.status === 'no-source'
          ? 'no recorded source (added from a file); skipped'
          : r.status === 'failed'
            ? 'FAILED, kept as it was'
            : r.status;
      lines.push(`${r.fingerprint}: ${head}`);
      for (const c of r.changes) lines.push(`  ${c}`);
      for (const s of r.sources) if (!s.ok) lines.push(`  ${s.source.email ?? s.source.url}: ${s.message}`);
    }
    if (results.length === 0) lines.push('The trusted keyring is empty.');
    ctx.out.result(lines, { results });
    return results.some((r) => r.status === 'failed') ? ExitCode.operational : ExitCode.ok;
  },
};
