import { constants, promises as fs } from 'node:fs';
import { errnoCode, OperationalError } from '../errors.js';
import { wrapFsError } from './atomic.js';

export interface LockOptions {
  /** How long to wait for another process to release the lock (default 10 s). */
  timeoutMs?: number;
  /** Poll interval while waiting (default 50 ms). */
  retryMs?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/**
 * Take an exclusive lock file (O_EXCL create, holding our PID) and run `fn` while holding it.
 * A lock left by a process that no longer exists is taken over, so a killed distseal never
 * wedges the store. Two processes on one home serialize their writes through this.
 */
export async function withLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  const retry = options.retryMs ?? 50;
  for (;;) {
    try {
      const handle = await fs.open(
        lockFile,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
        0o600,
      );
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw wrapFsError(error, lockFile, 'create the lock file');
      const holder = Number.parseInt(await fs.readFile(lockFile, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
        await fs.unlink(lockFile).catch(() => undefined); // stale: its owner died
        continue;
      }
      if (Date.now() > deadline) {
        throw new OperationalError(
          'E_LOCKED',
          `Another distseal process holds ${lockFile}${holder ? ` (pid ${holder})` : ''}.`,
          {
            subject: lockFile,
            hint: 'Wait for it to finish and try again. If no distseal is running, delete the lock file.',
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, retry));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.unlink(lockFile).catch(() => undefined);
  }
}
