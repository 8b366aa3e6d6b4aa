import { UsageError } from '../errors.js';

/** The default key lifetime: keys should expire, and can be extended later. */
export const DEFAULT_EXPIRES = '2y';

/** Validate an expiry as typed (the wizard's validator); true or a message. */
export function checkExpiry(text: string, now = new Date()): true | string {
  try {
    parseExpiry(text, now);
    return true;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Parse `--expires`: `never` (or 0), `Nd`, `Nw`, `Nm` (months), `Ny`, or a date `YYYY-MM-DD`
 * (end of that day, UTC). Returns seconds from `now` (0 = never), as openpgp.js's
 * keyExpirationTime wants. A date in the past, or a zero length, is a UsageError.
 */
export function parseExpiry(text: string, now = new Date()): number {
  const value = text.trim().toLowerCase();
  if (value === 'never' || value === '0') return 0;
  let until: Date | undefined;
  const rel = /^(\d+)\s*([dwmy])$/.exec(value);
  if (rel) {
    const n = Number(rel[1]);
    if (n === 0)
      throw new UsageError(`--expires ${text}: a key must live at least one day (or use "never").`);
    until = new Date(now.getTime());
    if (rel[2] === 'd') until.setUTCDate(until.getUTCDate() + n);
    else if (rel[2] === 'w') until.setUTCDate(until.getUTCDate() + 7 * n);
    else if (rel[2] === 'm') until.setUTCMonth(until.getUTCMonth() + n);
    else until.setUTCFullYear(until.getUTCFullYear() + n);
  } else {
    const abs = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!abs) {
      throw new UsageError(`--expires "${text}" is not an expiry.`, {
        hint: 'Use never, Nd, Nw, Nm (months), Ny (e.g. 2y), or a date YYYY-MM-DD.',
      });
    }
    until = new Date(Date.UTC(Number(abs[1]), Number(abs[2]) - 1, Number(abs[3]), 23, 59, 59));
    if (until.getUTCMonth() !== Number(abs[2]) - 1 || until.getUTCDate() !== Number(abs[3]))
      throw new UsageError(`--expires ${text} is not a real date.`);
  }
  const seconds = Math.floor((until.getTime() - now.getTime()) / 1000);
  if (seconds <= 0)
    throw new UsageError(`--expires ${text} is in the past.`, {
      hint: 'Give a future date, a length such as 2y, or never.',
    });
  if (seconds > 0xffffffff)
    throw new UsageError(`--expires ${text} is too far away for OpenPGP (at most about 136 years).`);
  return seconds;
}
