import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { errnoCode, InputError, UsageError } from '../errors.js';
import { wrapFsError } from '../io/atomic.js';
import { downloadToFile } from '../net/download.js';
import type { ProxyConfig } from '../net/proxy.js';
import { maskUrl } from '../net/http.js';
import { listSubdirs } from './store.js';

/** conda's known platform subdirs: what a URL channel may have (a URL cannot be listed). */
export const KNOWN_SUBDIRS = [
  'noarch',
  'emscripten-wasm32',
  'freebsd-64',
  'linux-32',
  'linux-64',
  'linux-aarch64',
  'linux-armv6l',
  'linux-armv7l',
  'linux-ppc64',
  'linux-ppc64le',
  'linux-riscv64',
  'linux-s390x',
  'osx-64',
  'osx-arm64',
  'wasi-wasm32',
  'win-32',
  'win-64',
  'win-arm64',
  'zos-z',
];

/**
 * A channel to read: a local directory (files used in place) or an http(s) URL (each file
 * streamed to a private temp directory, removed by `close`). Both give local paths, so the
 * verifier has one code path.
 */
export interface ChannelSource {
  /** The channel as the user named it (URL with any password masked). */
  display: string;
  isRemote: boolean;
  /**
   * A local path for `<subdir>/<name>`, or undefined when it does not exist (404). A file over
   * `limit.maxBytes` is refused (InputError E_TOO_LARGE): a download is cut off as it arrives.
   */
  fetch(relative: string, limit?: FetchLimit): Promise<string | undefined>;
  /** Subdirs worth looking at (local: the directories; URL: conda's known list). */
  subdirs(): Promise<string[]>;
  /** Drop a fetched copy early (big packages). */
  release(localPath: string): Promise<void>;
  close(): Promise<void>;
}

/** The most bytes a fetched file may have, and the limit's name for the message. */
export interface FetchLimit {
  maxBytes: number;
  name: string;
  /** Total time this download may take (small files get a short deadline). */
  deadlineMs?: number;
}

export interface ChannelSourceOptions {
  /** Total time one download may take (default DEFAULT_DOWNLOAD_DEADLINE_MS). */
  deadlineMs?: number;
  /** Proxies for a channel URL (HTTPS_PROXY, HTTP_PROXY, NO_PROXY as the CLI read them). */
  proxy?: ProxyConfig;
}

/**
 * Open a channel by URL or directory. A relative directory needs the caller's `cwd` (the core
 * never guesses the working directory). A URL is fetched through `options.proxy` when one applies.
 */
export async function openChannelSource(
  channel: string,
  cwd?: string,
  options: ChannelSourceOptions = {},
): Promise<ChannelSource> {
  if (/^https?:\/\//i.test(channel)) return openRemote(channel.replace(/\/+$/, ''), options);
  if (!path.isAbsolute(channel) && cwd === undefined)
    throw new UsageError(`The channel ${channel} is a relative path; pass an absolute path or a cwd.`);
  const root = path.resolve(cwd ?? '/', channel);
  try {
    if (!(await stat(root)).isDirectory())
      throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') {
      throw new InputError('E_NOT_A_CHANNEL', `${root} is not a directory, so it is not a channel.`, {
        subject: root,
        hint: 'Give the channel directory (the one holding noarch/) or its http(s) URL.',
      });
    }
    throw wrapFsError(error, root, 'open the channel');
  }
  return {
    display: root,
    isRemote: false,
    fetch: async (relative, limit) => {
      const file = path.join(root, ...relative.split('/'));
      try {
        const info = await stat(file);
        if (!info.isFile()) return undefined;
        if (limit && info.size > limit.maxBytes) throw tooLarge(file, info.size, limit);
        return file;
      } catch (error) {
        if (error instanceof InputError) throw error;
        if (errnoCode(error) === 'ENOENT') return undefined;
        throw wrapFsError(error, file, 'read');
      }
    },
    subdirs: () => listSubdirs(root),
    release: async () => undefined,
    close: async () => undefined,
  };
}

function tooLarge(file: string, size: number, limit: FetchLimit): InputError {
  return new InputError(
    'E_TOO_LARGE',
    `${file} is ${size} bytes, more than ${limit.maxBytes} (${limit.name}).`,
    { subject: file, hint: 'No honest file of this kind is that large. Check the channel.' },
  );
}

async function openRemote(base: string, options: ChannelSourceOptions): Promise<ChannelSource> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'distseal-channel-'));
  let n = 0;
  return {
    display: maskUrl(base),
    isRemote: true,
    fetch: async (relative, limit) => {
      n += 1;
      const dest = path.join(dir, `${n}-${path.basename(relative)}`);
      const status = await downloadToFile(
        `${base}/${relative.split('/').map(encodeURIComponent).join('/')}`,
        dest,
        {
          maxRedirects: 3,
          maxBytes: limit?.maxBytes,
          limitName: limit?.name,
          deadlineMs: limit?.deadlineMs ?? options.deadlineMs,
          proxy: options.proxy,
        },
      );
      return status === 200 ? dest : undefined;
    },
    subdirs: async () => KNOWN_SUBDIRS,
    release: (localPath) => rm(localPath, { force: true }),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
