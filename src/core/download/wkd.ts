/**
 * Web Key Directory lookups (draft-koch-openpgp-webkey-service, section 3.1): the key for
 * `local@domain` is at
 *   advanced: https://openpgpkey.DOMAIN/.well-known/openpgpkey/DOMAIN/hu/HASH?l=LOCAL
 *   direct:   https://DOMAIN/.well-known/openpgpkey/hu/HASH?l=LOCAL
 * where HASH is the z-base-32 encoding of the SHA-1 of the local part mapped to lower case
 * (ASCII only), and `l` carries the local part unchanged. Only https is used.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** z-base-32 (RFC 6189 section 5.1.6 alphabet), most significant bits first. */
export function zbase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ZBASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ZBASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** The hashed local part: z-base-32 of SHA-1 of the local part with A-Z mapped to a-z. */
export function wkdHash(local: string): string {
  const lowered = local.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return zbase32(createHash('sha1').update(lowered, 'utf8').digest());
}

export type WkdMethod = 'advanced' | 'direct';

/**
 * Where a method's well-known directory lives: `https://HOST[:PORT]` for the domain. The default
 * is the draft's; tests inject a loopback server (they cannot own real domains).
 */
export type WkdResolver = (domain: string, method: WkdMethod) => string;

export const defaultWkdResolver: WkdResolver = (domain, method) =>
  method === 'advanced' ? `https://openpgpkey.${domain}` : `https://${domain}`;

/** Split and check an e-mail address for WKD. */
export function parseWkdAddress(email: string): { local: string; domain: string } {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  if (at <= 0 || !/^[a-z0-9.-]+\.[a-z0-9-]+$|^localhost$/.test(domain) || /[\s/]/.test(local))
    throw new UsageError(`--wkd ${email} is not an e-mail address.`, {
      hint: 'Give the address the key is published for, e.g. --wkd release@example.org.',
    });
  return { local, domain };
}

/** The advanced and direct URLs for `email`, in the order they are tried. */
export function wkdUrls(
  email: string,
  resolver: WkdResolver = defaultWkdResolver,
): Array<{ method: WkdMethod; url: string }> {
  const { local, domain } = parseWkdAddress(email);
  const hash = wkdHash(local);
  const l = encodeURIComponent(local);
  return [
    {
      method: 'advanced',
      url: `${resolver(domain, 'advanced')}/.well-known/openpgpkey/${domain}/hu/${hash}?l=${l}`,
    },
    { method: 'direct', url: `${resolver(domain, 'direct')}/.well-known/openpgpkey/hu/${hash}?l=${l}` },
  ];
}
