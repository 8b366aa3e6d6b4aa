import { DistsealError } from '../core/errors.js';
import { parseExpiry } from '../core/keys/expiry.js';
import { checkEmail, checkName } from '../core/keys/user-id.js';

/**
 * Validators for what the wizard asks, run as the user types (inquirer shows the message
 * under the prompt and asks again). Each returns `true` or a message saying what to fix.
 * They mirror what the flags accept, so the wizard never builds a command the CLI would refuse.
 */

/** C0 and C1 control characters, DEL and line separators: never allowed in what we ask. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The name part of a user ID: required here, then the very check `keys generate --name` makes. */
export function validateName(value: string): true | string {
  if (value.trim() === '' && !CONTROL.test(value))
    return "Enter a name (for example your full name or your project's name).";
  return checkName(value);
}

/** An e-mail address, checked as `keys generate --email` checks it. */
export function validateEmail(value: string): true | string {
  if (value.trim() === '') return 'Enter an e-mail address, like maintainer@example.org.';
  return checkEmail(value);
}

/**
 * The --expires forms (`never`, Nd/Nw/Nm/Ny, a future YYYY-MM-DD), parsed by the same function
 * `keys generate --expires` uses, so the wizard accepts exactly what the flag accepts.
 */
export function validateExpiry(value: string, now: Date = new Date()): true | string {
  try {
    parseExpiry(value, now);
    return true;
  } catch (error) {
    if (!(error instanceof DistsealError)) throw error;
    return `${error.message.replace(/^--expires /, '')} ${error.hint ?? 'Use never, a length like 2y, 18m, 6w or 90d, or a date like 2030-12-31.'}`;
  }
}

/** A new passphrase: not empty (choose "no passphrase" instead), no line breaks. */
export function validateNewPassphrase(value: string): true | string {
  if (value === '')
    return 'Type a passphrase (or go back with Ctrl-C and choose to create the key without one).';
  if (/[\r\n]/.test(value)) return 'A passphrase cannot contain a line break.';
  if (value.length < 8) return 'Use at least 8 characters.';
  return true;
}

/** The second entry of a new passphrase; an empty entry starts over (see questions.ts). */
export function validateRepeat(first: string): (value: string) => true | string {
  return (value) =>
    value === '' || value === first
      ? true
      : 'Does not match the first entry. Type it again, or press Enter on an empty entry to start over.';
}

/** A path given for a file to read: not empty. Existence is checked by the command itself. */
export function validatePath(value: string): true | string {
  return value.trim() === '' ? 'Enter a file path.' : true;
}

/** A GnuPG key ID, fingerprint or user ID for `--from-gpg`: not empty, no control characters. */
export function validateGpgId(value: string): true | string {
  const v = value.trim();
  if (v === '') return 'Enter a gpg key ID, fingerprint or e-mail (see `gpg --list-secret-keys`).';
  if (CONTROL.test(value)) return 'The ID contains a control character.';
  return true;
}

/** Pasted text must hold at least one complete ASCII armor block. */
export function validateArmor(value: string): true | string {
  if (!/-----BEGIN PGP [A-Z ]+-----/.test(value))
    return 'No "-----BEGIN PGP ...-----" line was pasted. Paste the whole armored key.';
  if (!/-----END PGP [A-Z ]+-----/.test(value))
    return 'The armor is incomplete (no "-----END PGP ...-----" line). Paste the whole block.';
  return true;
}
