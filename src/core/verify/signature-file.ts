import { promises as fs, readFileSync, statSync } from 'node:fs';
import * as openpgp from 'openpgp';
import { errnoCode } from '../errors.js';
import { MAX_SIGNATURE_BYTES } from '../limits.js';
import { reason, type Reason } from './reasons.js';

/** A detached signature file larger than this is refused unread (src/core/limits.ts). */
export { MAX_SIGNATURE_BYTES } from '../limits.js';
/** At most this many signature packets are examined (a guard against amplification). */
export const MAX_SIGNATURES = 64;

export type SignatureFileResult =
  | { ok: true; packets: Array<openpgp.SignaturePacket | UnsupportedPacket> }
  | { ok: false; problem: Reason; missing?: boolean };

/** A packet in the signature file that is not a signature openpgp.js can parse. */
export interface UnsupportedPacket {
  unsupported: true;
  tag: number;
  detail: string;
}

const ARMOR_BLOCK = /-----BEGIN PGP ([A-Z0-9 ,]+)-----[\s\S]*?-----END PGP \1-----/g;

/**
 * Read a detached signature (armored, possibly several armor blocks, or binary) and return its
 * packets. Never throws for bad content: garbage, a cleartext-signed message, a key, an empty
 * or oversized file all come back as `{ok:false, problem}` naming what was found instead.
 */
export async function readSignatureFile(file: string, blocking = false): Promise<SignatureFileResult> {
  let bytes: Buffer;
  try {
    // blocking: for a thread with nothing else to do (io/opened-file.ts says why).
    const stat = blocking ? statSync(file) : await fs.stat(file);
    if (!stat.isFile()) return fail('E_SIGNATURE_UNREADABLE', `${file} is not a regular file`);
    if (stat.size > MAX_SIGNATURE_BYTES)
      return fail(
        'E_SIGNATURE_MALFORMED',
        `${file} is ${stat.size} bytes, too large for a detached signature (limit ${MAX_SIGNATURE_BYTES})`,
      );
    bytes = blocking ? readFileSync(file) : await fs.readFile(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT')
      return {
        ok: false,
        missing: true,
        problem: reason(
          'E_NO_SIGNATURE',
          `no signature: ${file} does not exist`,
          'Download the .asc published beside the file, or name it with --signature.',
        ),
      };
    return fail('E_SIGNATURE_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`);
  }
  if (bytes.length === 0) return fail('E_SIGNATURE_MALFORMED', `${file} is empty`);
  return parseSignatureBytes(bytes, file);
}

/** Parse signature bytes; see readSignatureFile. */
export async function parseSignatureBytes(bytes: Uint8Array, source: string): Promise<SignatureFileResult> {
  if (bytes.length > MAX_SIGNATURE_BYTES)
    return fail(
      'E_SIGNATURE_MALFORMED',
      `${source} is ${bytes.length} bytes, too large for a detached signature (limit ${MAX_SIGNATURE_BYTES})`,
    );
  const text = Buffer.from(bytes).toString('latin1');
  const packets: Array<openpgp.SignaturePacket | UnsupportedPacket> = [];
  if (/-----BEGIN PGP SIGNED MESSAGE-----/.test(text)) {
    return fail(
      'E_NOT_DETACHED',
      `${source} is a cleartext-signed message, not a detached signature`,
      'Get the detached .asc made for the file (gpg --detach-sign -a, or distseal sign).',
    );
  }
  if (/-----BEGIN PGP /.test(text)) {
    const blocks = [...text.matchAll(ARMOR_BLOCK)];
    if (blocks.length === 0)
      return fail(
        'E_SIGNATURE_MALFORMED',
        `${source} has an armor header but no complete armor block (truncated?)`,
      );
    for (const block of blocks) {
      const type = block[1]!;
      if (type === 'SIGNED MESSAGE')
        return fail(
          'E_NOT_DETACHED',
          `${source} is a cleartext-signed message, not a detached signature`,
          'Verify it with the tool that made it, or get the detached .asc for the file.',
        );
      if (type !== 'SIGNATURE')
        return fail(
          'E_NOT_DETACHED',
          `${source} holds a PGP ${type.toLowerCase()}, not a signature`,
          "Pass the signer's key with --keyring (or `distseal trust add`), and the .asc signature file as the signature.",
        );
      try {
        const collected = collect(await openpgp.readSignature({ armoredSignature: block[0] }), source);
        if (!collected.ok) return collected;
        packets.push(...collected.packets);
      } catch (error) {
        return fail(
          'E_SIGNATURE_MALFORMED',
          `${source} is not a readable signature: ${(error as Error).message}`,
        );
      }
    }
  } else {
    try {
      const collected = collect(await openpgp.readSignature({ binarySignature: bytes }), source);
      if (!collected.ok) return collected;
      packets.push(...collected.packets);
    } catch (error) {
      return fail(
        'E_SIGNATURE_MALFORMED',
        `${source} is not a readable OpenPGP signature: ${(error as Error).message}`,
      );
    }
  }
  if (packets.length === 0) return fail('E_SIGNATURE_MALFORMED', `${source} contains no signature packets`);
  if (packets.length > MAX_SIGNATURES)
    return fail(
      'E_SIGNATURE_MALFORMED',
      `${source} holds ${packets.length} signatures; at most ${MAX_SIGNATURES} are examined`,
    );
  return { ok: true, packets };
}

/**
 * The signature packets, and signature packets openpgp.js could not parse (a version or algorithm
 * it does not know: reported per signature as could-not-check). Any other packet (an unknown tag
 * such as 60, a key, literal data) makes the whole file malformed, as it does for sqv: a detached
 * signature is a run of signature packets and nothing else. (Marker packets, tag 10, which RFC 9580
 * says to ignore, are dropped by openpgp.js before this.)
 */
function collect(sig: openpgp.Signature, source: string): SignatureFileResult {
  const out: Array<openpgp.SignaturePacket | UnsupportedPacket> = [];
  for (const [i, p] of (sig.packets as unknown as Array<{ tag?: number; error?: Error }>).entries()) {
    if (p instanceof openpgp.SignaturePacket) {
      out.push(p);
      continue;
    }
    const tag = p.tag ?? -1;
    if (tag !== openpgp.enums.packet.signature)
      return fail(
        'E_SIGNATURE_MALFORMED',
        `${source}: packet ${i + 1} is a ${packetName(tag)}, not a signature; a detached signature holds only signature packets`,
      );
    out.push({ unsupported: true, tag, detail: p.error?.message ?? 'an unsupported signature packet' });
  }
  return { ok: true, packets: out };
}

function packetName(tag: number): string {
  try {
    return `${String(openpgp.enums.read(openpgp.enums.packet, tag))} packet (tag ${tag})`;
  } catch {
    return `packet of unknown type (tag ${tag})`;
  }
}

function fail(code: string, message: string, hint?: string): SignatureFileResult {
  return {
    ok: false,
    problem: hint ? reason(code, message, hint) : reason(code, message, defaultHint(code)),
  };
}

function defaultHint(code: string): string {
  if (code === 'E_SIGNATURE_MALFORMED')
    return 'The .asc is damaged or is not an OpenPGP signature. Download it again from the project.';
  return 'Check the signature file path and its permissions.';
}
