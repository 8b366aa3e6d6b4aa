import { crc24 } from '../../keys/armor-crc.js';

/** A signature file larger than this is never read on the fast path (RSA-4096 armored is ~1 KiB). */
export const MAX_FAST_SIGNATURE_BYTES = 8 * 1024;

/** The packet bytes of a signature file, or why the fast path leaves it to the full verifier. */
export type Dearmored = { ok: true; bytes: Uint8Array } | { ok: false; why: string };

const BEGIN = '-----BEGIN PGP SIGNATURE-----';
const END = '-----END PGP SIGNATURE-----';
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const CHECKSUM = /^=[A-Za-z0-9+/]{4}$/;
/** Armor headers openpgp.js knows; anything else is left to the full path. */
const HEADER = /^(Version|Comment|Hash|Charset|MessageID): [\x20-\x7e]+$/;

/**
 * The binary packets of a detached signature file, in the one narrow form the fast path reads:
 * binary packets (no armor header anywhere), or exactly one `PGP SIGNATURE` armor block with
 * nothing but whitespace around it, known headers, strict base64 lines and, when present, a
 * matching CRC-24. Every other form (several blocks, a cleartext message, odd spacing, a bad
 * checksum) is `ok: false`: the full verifier reads it and decides. Never throws.
 */
export function dearmorSignature(bytes: Uint8Array): Dearmored {
  if (bytes.length === 0) return { ok: false, why: 'empty signature file' };
  if (bytes.length > MAX_FAST_SIGNATURE_BYTES) return { ok: false, why: 'signature file too large' };
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!text.includes('-----BEGIN PGP ')) return { ok: true, bytes };
  const trimmed = text.replace(/^[\r\n\t ]+|[\r\n\t ]+$/g, '');
  const lines = trimmed.split(/\r?\n/);
  if (lines[0] !== BEGIN || lines.at(-1) !== END) return { ok: false, why: 'not one signature armor block' };
  let i = 1;
  while (i < lines.length - 1 && lines[i] !== '') {
    if (!HEADER.test(lines[i]!)) return { ok: false, why: 'unusual armor header' };
    i += 1;
  }
  if (lines[i] !== '') return { ok: false, why: 'no blank line after the armor headers' };
  const body = lines.slice(i + 1, -1);
  let checksum: string | undefined;
  if (body.length > 0 && CHECKSUM.test(body.at(-1)!)) checksum = body.pop()!.slice(1);
  if (body.length === 0 || !body.every((l) => BASE64_LINE.test(l)))
    return { ok: false, why: 'unusual armor body' };
  const joined = body.join('');
  if (!BASE64.test(joined)) return { ok: false, why: 'armor body is not strict base64' };
  const decoded = new Uint8Array(Buffer.from(joined, 'base64'));
  if (checksum !== undefined) {
    const sum = Buffer.from(checksum, 'base64');
    if (((sum[0]! << 16) | (sum[1]! << 8) | sum[2]!) !== crc24(decoded))
      return { ok: false, why: 'armor checksum mismatch' };
  }
  return { ok: true, bytes: decoded };
}
