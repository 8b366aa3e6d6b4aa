import type { Argv } from 'yargs';
import { UsageError } from '../../../core/errors.js';
import { MAX_REPODATA_BYTES, parseByteSize } from '../../../core/limits.js';

/** `--max-repodata-size`: the one archive/download limit a user may raise (an honest huge channel). */
export function withChannelLimitOptions<T>(y: Argv<T>): Argv<T> {
  return y.option('max-repodata-size', {
    type: 'string',
    describe: `Largest repodata.json to read or download (default ${MAX_REPODATA_BYTES / 1024 / 1024}M; e.g. 1G for a huge channel)`,
  }) as unknown as Argv<T>;
}

/** The channel limits from argv, as core options. */
export function channelLimits(argv: { maxRepodataSize?: unknown }): { maxRepodataBytes?: number } {
  if (argv.maxRepodataSize === undefined) return {};
  const bytes = parseByteSize(String(argv.maxRepodataSize));
  if (bytes === undefined)
    throw new UsageError(
      `--max-repodata-size ${String(argv.maxRepodataSize)} is not a size: give bytes, or a number with K, M or G.`,
    );
  return { maxRepodataBytes: bytes };
}
