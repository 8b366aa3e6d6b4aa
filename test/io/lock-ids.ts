import { createHash } from 'node:crypto';

/** The fingerprint a stress trial pins: derived from its id, so the test can check it. */
export function fingerprintOf(id: string): string {
  return createHash('sha1').update(id).digest('hex').toUpperCase();
}

/** The project a stress trial pins to (a few projects, so pins pile up on each). */
export function projectOf(id: string): string {
  return `p${Number(id.split('-')[1]) % 16}`;
}
