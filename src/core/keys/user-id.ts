import { UsageError } from '../errors.js';

/** Control characters (C0, DEL, C1) and line/paragraph separators: refused in user IDs. */
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** A practical e-mail form: local@domain.tld, no spaces or angle brackets. */
const EMAIL_RE = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

/** Characters a non-empty name must have. */
export const MIN_NAME_LENGTH = 2;

/** Validate a name as typed; returns true or a message (the wizard uses this as a validator). */
export function checkName(name: string): true | string {
  if (CONTROL_RE.test(name))
    return 'The name contains control characters (such as a newline or escape); type it without them.';
  if (/[<>]/.test(name)) return 'The name must not contain < or >.';
  if (name.trim().length > 0 && name.trim().length < MIN_NAME_LENGTH)
    return `The name is too short: give at least ${MIN_NAME_LENGTH} characters (or none at all).`;
  return true;
}

/** Validate an e-mail address as typed; returns true or a message. */
export function checkEmail(email: string): true | string {
  if (CONTROL_RE.test(email)) return 'The e-mail address contains control characters; type it without them.';
  if (!EMAIL_RE.test(email.trim())) return `"${email}" is not an e-mail address (like name@example.org).`;
  return true;
}

/**
 * Build the OpenPGP user ID from a name and/or e-mail, refusing control characters and a
 * malformed address (UsageError, exit 2). At least one of the two is required.
 */
export function buildUserID(
  name: string | undefined,
  email: string | undefined,
): { name?: string; email?: string } {
  const n = name?.trim() ?? '';
  const e = email?.trim() ?? '';
  if (n === '' && e === '')
    throw new UsageError('A key needs a user ID: give --name and/or --email.', {
      hint: 'For example: --name "Jane Doe" --email jane@example.org',
    });
  if (name !== undefined && CONTROL_RE.test(name))
    throw new UsageError('The user ID (--name) contains control characters, which are refused.', {
      hint: 'Type the name without newlines, tabs or escape sequences.',
    });
  if (email !== undefined && CONTROL_RE.test(email))
    throw new UsageError('The user ID (--email) contains control characters, which are refused.', {
      hint: 'Type the address without newlines, tabs or escape sequences.',
    });
  if (n !== '') {
    const ok = checkName(n);
    if (ok !== true) throw new UsageError(ok);
  }
  if (e !== '') {
    const ok = checkEmail(e);
    if (ok !== true) throw new UsageError(ok);
  }
  return { ...(n ? { name: n } : {}), ...(e ? { email: e } : {}) };
}
