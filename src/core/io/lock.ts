import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { errnoCode, OperationalError } from '../errors.js';
import { tempPathFor, wrapFsError } from './atomic.js';
import {
  MAX_OWNER_BYTES,
  newOwner,
  ownerState,
  parseOwner,
  pidGone,
  serializeOwner,
  type LockOwner,
} from './lock-owner.js';

export interface LockOptions {
  /** How long to wait for another process to release the lock (default 10 s). */
  timeoutMs?: number;
  /** Longest poll interval while waiting (default 50 ms; polls start at 1 ms and back off, jittered). */
  retryMs?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** A lock file that holds no complete record is garbage once it is this old (a writer needs far less). */
export const GARBAGE_LOCK_GRACE_MS = 2_000;
/** How many takeovers of takeovers are attempted when their makers died too (each needs a kill -9). */
const MAX_TAKEOVER_DEPTH = 4;

/** What was seen at a lock path: `id` names this very file (its nonce, else inode + mtime). */
interface Seen {
  id: string;
  owner?: LockOwner;
  mtimeMs: number;
}

/**
 * Take an exclusive lock file and run `fn` while holding it.
 *
 * The lock is created whole: the owner record (PID, start time, boot id, host, a random nonce)
 * is written to a temp file that is then hard-linked to the lock name, which fails when the name
 * exists; so no lock file is ever seen empty or half-written. A lock whose owner died (kill -9,
 * a crash, a reboot, its PID reused by another process) is stale. Removing a stale lock is the
 * delicate part: two waiters that both saw it stale must not both remove it, or the second
 * removes the lock the first has just taken. So removal is itself claimed: only the waiter that
 * creates `LOCK.stale-ID` (ID names the stale file) may remove it, and only after checking that
 * the file at the lock path is still that stale one. See test/io/lock-stress.test.ts.
 */
export async function withLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  const retry = options.retryMs ?? 50;
  const owner = newOwner();
  let takeovers = 0;
  let seen: Seen | undefined;
  for (let waits = 0; ;) {
    // While a live holder is seen, only re-read its record: no temp file per poll.
    if (!seen && (await tryCreate(lockFile, owner, 'create the lock file'))) break;
    seen = await readLock(lockFile);
    if (!seen) continue; // released in between: try again at once
    if (isStale(seen) && takeovers < 3) {
      takeovers += 1;
      await removeStale(lockFile, seen, 0);
      seen = undefined;
      continue;
    }
    takeovers = 0;
    if (Date.now() > deadline) throw lockedError(lockFile, seen);
    // Poll fast at first (most writers hold the lock for milliseconds), then back off to `retry`.
    const delay = Math.min(retry, 2 ** Math.min(waits++, 10));
    await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
  }
  try {
    await sweep(lockFile);
    return await fn();
  } finally {
    const now = await readLock(lockFile).catch(() => undefined);
    // Only ever remove our own lock: if it is not ours any more, something else removed it.
    if (now?.owner?.nonce === owner.nonce) await fs.unlink(lockFile).catch(() => undefined);
  }
}

/** Create `file` holding `owner`'s record, atomically; false when it exists. */
async function tryCreate(file: string, owner: LockOwner, action: string): Promise<boolean> {
  const tmp = tempPathFor(file);
  try {
    await fs.writeFile(tmp, serializeOwner(owner), { mode: 0o600, flag: 'wx' });
    try {
      await fs.link(tmp, file);
      return true;
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    }
    // No hard links on this file system: O_EXCL create. The record may be seen empty for a
    // moment; a waiter treats it as garbage only after GARBAGE_LOCK_GRACE_MS.
    const handle = await fs
      .open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
      .catch((error: unknown) => {
        if (errnoCode(error) === 'EEXIST') return undefined;
        throw error;
      });
    if (!handle) return false;
    try {
      await handle.writeFile(serializeOwner(owner));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    throw wrapFsError(error, file, action);
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
}

/** The record at `file`, or undefined when there is no file. */
async function readLock(file: string): Promise<Seen | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw wrapFsError(error, file, 'read the lock file');
  }
  try {
    const st = await handle.stat({ bigint: true });
    const buffer = Buffer.alloc(MAX_OWNER_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const owner =
      bytesRead <= MAX_OWNER_BYTES ? parseOwner(buffer.toString('utf8', 0, bytesRead)) : undefined;
    return {
      id: owner ? `n${owner.nonce}` : `i${st.ino}-${st.mtimeNs}`,
      owner,
      mtimeMs: Number(st.mtimeMs),
    };
  } catch (error) {
    throw wrapFsError(error, file, 'read the lock file');
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function isStale(seen: Seen): boolean {
  if (seen.owner) return ownerState(seen.owner) === 'dead';
  return Date.now() - seen.mtimeMs > GARBAGE_LOCK_GRACE_MS;
}

/**
 * Remove the stale lock `seen` from `file`, unless someone else is already doing so. The claim
 * `FILE.stale-ID` is unique per stale file; its maker checks that `file` still is that stale file
 * before removing it, so a lock taken in the meantime is never removed. A claim whose maker died
 * is itself stale and is removed the same way, one level deeper.
 */
async function removeStale(file: string, seen: Seen, depth: number): Promise<void> {
  const claim = `${file}.stale-${seen.id}`;
  if (await tryCreate(claim, newOwner(), 'take over the stale lock file')) {
    try {
      const now = await readLock(file);
      if (now?.id === seen.id) await fs.unlink(file).catch(() => undefined);
    } finally {
      await fs.unlink(claim).catch(() => undefined);
    }
    return;
  }
  if (depth >= MAX_TAKEOVER_DEPTH) return;
  const other = await readLock(claim);
  if (other && isStale(other)) await removeStale(claim, other, depth + 1);
}

/**
 * While holding the lock: remove what killed processes left beside it. Every takeover claim is
 * obsolete now (the lock it was about is gone, since the lock is ours); a temp file is removed
 * once the process named in it is gone.
 */
async function sweep(file: string): Promise<void> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    let remove = name.startsWith(`${base}.stale-`);
    if (!remove && name.startsWith(`.${base}.`) && name.endsWith('.tmp')) {
      const pid = /\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1];
      remove = pid !== undefined && pidGone(Number(pid));
    }
    if (remove) await fs.unlink(path.join(dir, name)).catch(() => undefined);
  }
}

function lockedError(file: string, seen: Seen): OperationalError {
  const who = seen.owner
    ? ` (pid ${seen.owner.pid}${ownerState(seen.owner) === 'unknown' ? ` on ${seen.owner.host}` : ''})`
    : '';
  const remote = seen.owner && ownerState(seen.owner) === 'unknown';
  return new OperationalError('E_LOCKED', `Another distseal process holds ${file}${who}.`, {
    subject: file,
    hint: remote
      ? `It runs on another machine (${seen.owner!.host}); wait for it, or delete the lock file if nothing runs there.`
      : 'Wait for it to finish and try again.',
  });
}
