/**
 * Validators for what the wizard asks, run as the user types (inquirer shows the message
 * under the prompt and asks again). Each returns `true` or a message saying what to fix.
 * They mirror what the flags accept, so the wizard never builds a command the CLI would refuse.
 */

/** C0 and C1 control characters and DEL: never allowed in a user ID (issue 2, bad input). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The name part of a user ID: non-empty, no control characters, no angle brackets. */
export function validateName(value: string): true | string {
  const v = value.trim();
  if (v === '') return 'Enter a name (for example your full name or your project\'s name).';
  if (CONTROL.test(value)) return 'The name contains a control character; type it without one.';
  if (/[<>]/.test(v)) return 'The name may not contain < or > (the e-mail is asked next).';
  return true;
}

/** An e-mail address of the usual local@domain.tld form. */
export function validateEmail(value: string): true | string {
  const v = value.trim();
  if (v === '') return 'Enter an e-mail address, like maintainer@example.org.';
  if (CONTROL.test(value)) return 'The e-mail address contains a control character; type it without one.';
  if (!/^[^\s@<>()",;]+@[^\s@<>()",;]+\.[A-Za-z0-9-]{2,}$/.test(v)) return `"${v}" is not an e-mail address; use the form name@example.org.`;
  return true;
}

/**
 * The --expires forms: `never`, N followed by d/w/m/y (days, weeks, months, years; N > 0), or
 * a calendar date YYYY-MM-DD in the future. `now` is injectable for tests.
 */
export function validateExpiry(value: string, now: Date = new Date()): true | string {
  const v = value.trim().toLowerCase();
  const forms = 'Use never, a duration like 2y, 18m, 6w or 90d, or a date like 2030-12-31.';
  if (v === 'never') return true;
  const duration = /^(\d+)([dwmy])$/.exec(v);
  if (duration) return Number(duration[1]) > 0 ? true : `A duration must be more than zero. ${forms}`;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const when = new Date(Date.UTC(y, m - 1, d));
    if (when.getUTCFullYear() !== y || when.getUTCMonth() !== m - 1 || when.getUTCDate() !== d) return `${value.trim()} is not a calendar date. ${forms}`;
    if (when.getTime() <= now.getTime()) return `${value.trim()} is in the past; a key must expire in the future. ${forms}`;
    return true;
  }
  return `"${value.trim()}" is not an expiry. ${forms}`;
}

/** A new passphrase: not empty (choose "no passphrase" instead), no line breaks. */
export function validateNewPassphrase(value: string): true | string {
  if (value === '') return 'Type a passphrase (or go back with Ctrl-C and choose to create the key without one).';
  if (/[\r\n]/.test(value)) return 'A passphrase cannot contain a line break.';
  if (value.length < 8) return 'Use at least 8 characters.';
  return true;
}

/** The second entry of a new passphrase; an empty entry starts over (see questions.ts). */
export function validateRepeat(first: string): (value: string) => true | string {
  return (value) => (value === '' || value === first ? true : 'Does not match the first entry. Type it again, or press Enter on an empty entry to start over.');
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
  if (!/-----BEGIN PGP [A-Z ]+-----/.test(value)) return 'No "-----BEGIN PGP ...-----" line was pasted. Paste the whole armored key.';
  if (!/-----END PGP [A-Z ]+-----/.test(value)) return 'The armor is incomplete (no "-----END PGP ...-----" line). Paste the whole block.';
  return true;
}
