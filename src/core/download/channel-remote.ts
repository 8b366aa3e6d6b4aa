import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KNOWN_SUBDIRS, openChannelSource, type ChannelSource } from '../channel/source.js';
import { maskUrl } from '../net/http.js';
import { fetchToFile } from './fetch.js';
import { credentialsOf, type FetchOptions } from './open-url.js';

/** repodata.json of the biggest public channels is a few hundred MiB; refuse more than this. */
export const MAX_REPODATA_BYTES = 1 << 30;
/** A conda package or its signature larger than this is refused. */
export const MAX_PACKAGE_BYTES = 64 * 1024 ** 3;

/**
 * A channel to download from. A URL channel is read with the consumers' fetch (bounded bodies,
 * retries, --cert, credentials kept to the channel's host); a directory is read in place.
 */
export async function openDownloadSource(
  channel: string,
  cwd: string | undefined,
  options: FetchOptions = {},
): Promise<ChannelSource> {
  if (!/^https?:\/\//i.test(channel)) return openChannelSource(channel, cwd);
  const base = channel.replace(/\/+$/, '');
  const fetchOptions: FetchOptions = { credentials: credentialsOf(base), ...options };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'distseal-channel-'));
  let n = 0;
  return {
    display: maskUrl(base),
    isRemote: true,
    fetch: async (relative) => {
      n += 1;
      const dest = path.join(dir, `${n}-${path.basename(relative)}`);
      const url = `${base}/${relative.split('/').map(encodeURIComponent).join('/')}`;
      const maxBytes = relative.endsWith('.asc')
        ? 1 << 20
        : relative.endsWith('repodata.json')
          ? MAX_REPODATA_BYTES
          : MAX_PACKAGE_BYTES;
      const got = await fetchToFile(url, dest, { ...fetchOptions, maxBytes, label: relative });
      return got.status === 200 ? dest : undefined;
    },
    subdirs: async () => KNOWN_SUBDIRS,
    release: (localPath) => rm(localPath, { force: true }),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
