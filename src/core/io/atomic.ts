import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { DistsealError, errnoCode, OperationalError } from '../errors.js';

export interface WriteAtomicOptions {
  /** File mode for the new file (default 0o644; secrets use 0o600). */
  mode?: number;
  /** Refuse to replace an existing file (default false). */
  exclusive?: boolean;
  /**
   * fsync the directory after the rename (default true). A caller writing thousands of files
   * into one directory passes false and calls `syncDir` once at the end.
   */
  syncDir?: boolean;
}

/** The temp name used beside `target`; exported so tests and cleanup can recognise leftovers. */
export function tempPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/**
 * Write `data` to `target` so that a crash at any moment leaves either the old file or the new
 * one, never a partial file: write a temp file in the same directory, fsync it, rename it over the
 * target, fsync the directory. The temp file is removed on any failure.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: WriteAtomicOptions = {},
): Promise<void> {
  await replaceAtomically(target, options, (handle) => handle.writeFile(data));
}

/** Copy `source` to `target` the way writeFileAtomic writes: readers never see a partial file. */
export async function copyFileAtomic(
  source: string,
  target: string,
  options: WriteAtomicOptions = {},
): Promise<void> {
  // copyFile (copy_file_range where the kernel has it) into the already-created temp file; the
  // handle's fsync then flushes the same inode.
  await replaceAtomically(target, options, async (_handle, tmp) => {
    await fs.copyFile(source, tmp).catch((error: unknown) => {
      throw wrapFsError(error, source, 'read');
    });
  });
}

/** The one atomic-replace mechanism: temp file beside the target, fill, chmod, fsync, rename. */
async function replaceAtomically(
  target: string,
  options: WriteAtomicOptions,
  fill: (handle: fs.FileHandle, tmp: string) => Promise<void>,
): Promise<void> {
  const mode = options.mode ?? 0o644;
  const tmp = tempPathFor(target);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    await fill(handle, tmp);
    await handle.chmod(mode); // umask may have narrowed the mode; make it exact
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (options.exclusive) {
      // link() fails when the target exists, so no existing file is ever replaced.
      await fs.link(tmp, target);
      await fs.unlink(tmp);
    } else {
      await fs.rename(tmp, target);
    }
    if (options.syncDir !== false) await syncDir(path.dirname(target));
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    if (errnoCode(error) === 'EEXIST' && options.exclusive) {
      throw new OperationalError('E_EXISTS', `${target} already exists.`, { subject: target, cause: error });
    }
    if (error instanceof DistsealError) throw error;
    throw wrapFsError(error, target, 'write');
  }
}

/** fsync a directory so a rename in it is durable. Some filesystems refuse; that is not fatal. */
export async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    /* best effort */
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * mkdir -p: create `dir` and any missing parents with `mode`. Done one level at a time because
 * Node 20's recursive mkdir never returns on some pseudo file systems (/proc), which would hang
 * a user who points --home or a channel there.
 */
export async function ensureDir(dir: string, mode = 0o700): Promise<void> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const st = await fs.stat(current).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw wrapFsError(error, current, 'create the directory');
    });
    if (st) {
      if (!st.isDirectory())
        throw wrapFsError(
          Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }),
          current,
          'use the directory',
        );
      break;
    }
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing) {
    try {
      await fs.mkdir(d, { mode });
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw wrapFsError(error, d, 'create the directory');
    }
  }
}

/** Turn an fs error into an OperationalError that names the path and suggests a fix. */
export function wrapFsError(error: unknown, file: string, action: string): Error {
  if (error instanceof OperationalError) return error;
  const code = errnoCode(error);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new OperationalError('E_PERMISSION', `Cannot ${action} ${file}: permission denied.`, {
        subject: file,
        cause: error,
        hint: 'Check the permissions of the file and its directory, or choose another location with --home.',
      });
    case 'EROFS':
      return new OperationalError('E_READONLY', `Cannot ${action} ${file}: the file system is read-only.`, {
        subject: file,
        cause: error,
        hint: 'Use a writable location (--home DIR or DISTSEAL_HOME).',
      });
    case 'ENOSPC':
      return new OperationalError('E_NOSPACE', `Cannot ${action} ${file}: no space left on device.`, {
        subject: file,
        cause: error,
      });
    default:
      return new OperationalError(
        'E_IO',
        `Cannot ${action} ${file}: ${(error as Error)?.message ?? String(error)}`,
        {
          subject: file,
          cause: error,
        },
      );
  }
}
