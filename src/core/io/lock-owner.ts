import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { errnoCode } from '../errors.js';

/**
 * Who holds a lock file: enough to tell, on the same machine, whether that process still runs.
 * A PID alone is not enough (PIDs are reused, and a crashed holder's PID may belong to another
 * process by now), so on Linux the process start time and the boot id are recorded too.
 */
export interface LockOwner {
  pid: number;
  /** Host name: liveness is only checked on the host that wrote the record. */
  host: string;
  /** Process start time in clock ticks since boot (Linux /proc/PID/stat field 22). */
  start?: string;
  /** /proc/sys/kernel/random/boot_id: a record from before a reboot is stale. */
  boot?: string;
  /** Random and unique per acquisition: what a stale-lock takeover compares. */
  nonce: string;
}

/** Longest lock record we read; anything longer is not ours (and is treated as garbage). */
export const MAX_OWNER_BYTES = 1024;

/** `state` and `start` of a process from /proc (Linux), undefined when not available. */
function procStat(pid: number | 'self'): { state: string; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return rest.length > 19 ? { state: rest[0]!, start: rest[19]! } : undefined;
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

let self: Omit<LockOwner, 'nonce'> | undefined;

/** A fresh owner record for this process (a new nonce each time). */
export function newOwner(): LockOwner {
  if (!self) {
    const stat = procStat('self');
    self = { pid: process.pid, host: os.hostname(), start: stat?.start, boot: bootId() };
  }
  return { ...self, nonce: randomBytes(16).toString('hex') };
}

export function serializeOwner(owner: LockOwner): string {
  return `${JSON.stringify(owner)}\n`;
}

/** Parse a lock record; undefined for anything that is not a complete record. */
export function parseOwner(text: string): LockOwner | undefined {
  try {
    const data = JSON.parse(text) as Partial<LockOwner>;
    if (
      typeof data !== 'object' ||
      data === null ||
      !Number.isInteger(data.pid) ||
      (data.pid as number) <= 0 ||
      typeof data.host !== 'string' ||
      typeof data.nonce !== 'string' ||
      !/^[0-9a-f]{32}$/.test(data.nonce)
    )
      return undefined;
    return {
      pid: data.pid as number,
      host: data.host,
      nonce: data.nonce,
      ...(typeof data.start === 'string' ? { start: data.start } : {}),
      ...(typeof data.boot === 'string' ? { boot: data.boot } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * 'dead' when the recorded process certainly no longer runs (gone, a zombie, another process
 * under a reused PID, or a record from before the last reboot); 'alive' when it runs; 'unknown'
 * when the record comes from another host (a shared home): then only a person can tell.
 */
export function ownerState(owner: LockOwner): 'alive' | 'dead' | 'unknown' {
  if (owner.host !== os.hostname()) return 'unknown';
  const boot = bootId();
  if (owner.boot && boot && owner.boot !== boot) return 'dead';
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if (errnoCode(error) !== 'EPERM') return 'dead';
  }
  const stat = procStat(owner.pid);
  if (stat) {
    if (stat.state === 'Z' || stat.state === 'X') return 'dead';
    if (owner.start && stat.start !== owner.start) return 'dead'; // the PID was reused
  }
  return 'alive';
}

/** True when no process with this PID runs (for leftovers named after their writer's PID). */
export function pidGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return errnoCode(error) !== 'EPERM';
  }
}
