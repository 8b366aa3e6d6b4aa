import * as openpgp from 'openpgp';
import { canPrehash } from '../io/prehashed.js';
import type { ExamineOptions, SignatureReport } from './signature-report.js';
import {
  algorithmFacts,
  boundOnlyBySha1,
  claimedUserID,
  expiryOf,
  hashName,
  keyAlgorithmProblem,
  signingValidityAt,
  WEAK_HASHES,
} from './key-facts.js';
import { reason, type Reason } from './reasons.js';

/** The signature types a detached signature over a file may have. */
export const SIG_TYPES: Record<number, string> = { 0: 'binary', 1: 'text' };

/** The key that made `packet`, by issuer fingerprint when there is one (a 64-bit key ID can collide). */
export function signerOf(
  packet: openpgp.SignaturePacket,
  keys: openpgp.PublicKey[],
): openpgp.PublicKey | undefined {
  const issuerFpr = packet.issuerFingerprint
    ? Buffer.from(packet.issuerFingerprint).toString('hex').toUpperCase()
    : undefined;
  const candidates = keys.filter((k) => k.getKeys(packet.issuerKeyID).length > 0);
  return (
    candidates.find(
      (k) => !issuerFpr || k.getKeys().some((s) => s.getFingerprint().toUpperCase() === issuerFpr),
    ) ?? (issuerFpr ? undefined : candidates[0])
  );
}

/** Fill in the facts and return a verdict when the signature fails before any crypto. */
export async function precheck(
  packet: openpgp.SignaturePacket,
  report: SignatureReport,
  options: ExamineOptions,
): Promise<{ verdict: SignatureReport['verdict']; reason: Reason } | undefined> {
  report.keyID = packet.issuerKeyID.toHex().toUpperCase();
  report.signatureType =
    SIG_TYPES[packet.signatureType ?? -1] ?? `0x${(packet.signatureType ?? 0).toString(16).padStart(2, '0')}`;
  report.hashAlgorithm = hashName(packet.hashAlgorithm ?? -1).toUpperCase();
  if (packet.created && Number.isNaN(packet.created.getTime())) {
    // A damaged time field parses to an invalid Date; nothing after this can be trusted.
    return {
      verdict: 'bad',
      reason: reason(
        'E_SIGNATURE_MALFORMED',
        'the signature creation time is not a valid date (the signature is damaged)',
      ),
    };
  }
  if (packet.created) report.created = packet.created.toISOString();
  const key = signerOf(packet, options.keys);
  if (key) await describeKey(report, key, packet, options);

  if (!((packet.signatureType ?? -1) in SIG_TYPES)) {
    return {
      verdict: 'bad',
      reason: reason(
        'E_WRONG_SIGNATURE_TYPE',
        `signature type ${report.signatureType} is not a signature over a file (expected binary 0x00 or text 0x01)`,
      ),
    };
  }
  const textProblem = textModeProblem(packet, options);
  if (textProblem) return textProblem;
  if (WEAK_HASHES.has(hashName(packet.hashAlgorithm ?? -1))) {
    return {
      verdict: 'bad',
      reason: reason(
        'E_WEAK_HASH',
        `the data signature uses ${report.hashAlgorithm}, which is rejected (collisions are practical; SHA-1 is refused since 2013)`,
      ),
    };
  }
  if (!key) {
    const issuer = packet.issuerFingerprint
      ? Buffer.from(packet.issuerFingerprint).toString('hex').toUpperCase()
      : report.keyID;
    return {
      verdict: 'could-not-check',
      reason: reason('E_UNKNOWN_KEY', `made by key ${issuer}, which is not in the trusted keyring`),
    };
  }
  const signing = key.getKeys(packet.issuerKeyID)[0]!;
  const algo =
    keyAlgorithmProblem(key, 'primary key') ??
    (signing !== key ? keyAlgorithmProblem(signing as openpgp.Subkey, 'signing subkey') : undefined);
  if (algo) return { verdict: 'bad', reason: algo };
  if (packet.created && packet.created.getTime() > options.now.getTime()) {
    return {
      verdict: 'bad',
      reason: reason(
        'E_FUTURE_SIGNATURE',
        `the signature is dated ${packet.created.toISOString()}, in the future`,
      ),
    };
  }
  return undefined;
}

/**
 * Text-mode (0x01) signatures are checked as gpgv and sqv check them, over the text with line
 * endings made CRLF (io/prehashed.ts TextModeSink), unless the caller wants exact bytes only.
 * openpgp.js's own path would decode the data as UTF-8 first (different files could then hash
 * alike), so a text signature we cannot hash ourselves is not checked at all.
 */
function textModeProblem(
  packet: openpgp.SignaturePacket,
  options: ExamineOptions,
): { verdict: SignatureReport['verdict']; reason: Reason } | undefined {
  if (packet.signatureType !== openpgp.enums.signature.text) return undefined;
  if (options.binaryOnly) {
    return {
      verdict: 'bad',
      reason: reason(
        'E_TEXT_MODE',
        'a text-mode (0x01) signature, refused by --binary-only: it does not protect the exact bytes (line endings may differ)',
        'Verify without --binary-only to accept it over the text, or ask the maintainer to sign in binary mode (gpg --detach-sign -a, or distseal sign).',
      ),
    };
  }
  if (options.prehash === false || !canPrehash(packet)) {
    return {
      verdict: 'could-not-check',
      reason: reason(
        'E_UNSUPPORTED_SIGNATURE',
        `a text-mode (0x01) signature in a form distseal does not check (version ${(packet as unknown as { version: number }).version}, ${hashName(packet.hashAlgorithm ?? -1).toUpperCase()})`,
      ),
    };
  }
  return undefined;
}

/** Signer facts: fingerprints, user ID as claimed, algorithms, expiry, validity then and now. */
async function describeKey(
  report: SignatureReport,
  key: openpgp.PublicKey,
  packet: openpgp.SignaturePacket,
  options: ExamineOptions,
): Promise<void> {
  const signing = key.getKeys(packet.issuerKeyID)[0]!;
  report.primaryFingerprint = key.getFingerprint().toUpperCase();
  report.signingKeyFingerprint = signing.getFingerprint().toUpperCase();
  if (options.ownFingerprints?.includes(report.primaryFingerprint)) report.ownKey = true;
  report.userID = await claimedUserID(key);
  const algo = algorithmFacts(signing);
  report.keyAlgorithm = algo.algorithm;
  if (algo.bits) report.keyBits = algo.bits;
  if (algo.curve) report.keyCurve = algo.curve;
  const checks = options.keyChecks;
  report.keyExpires = await (checks ? checks.expiry(key) : expiryOf(key));
  const validityAt = (date: Date) =>
    checks
      ? checks.validityAt(key, packet.issuerKeyID, date)
      : signingValidityAt(key, packet.issuerKeyID, date);
  if (packet.created) {
    const then = await validityAt(packet.created);
    report.validAtSigning = then.status === 'valid' ? 'valid' : then.reason.code;
  }
  const current = await validityAt(options.now);
  report.validNow = current.status === 'valid' ? 'valid' : current.reason.code;
  if (current.status !== 'valid' && report.validAtSigning === 'valid') {
    // Say what changed since, not the reason text written for "when it signed" (issue 15 item 11).
    const since =
      current.reason.code === 'E_KEY_EXPIRED'
        ? 'the key has expired since'
        : `the key is not valid now (${current.reason.message})`;
    report.warnings.push(`${since}; it was valid when it signed`);
  }
  if (boundOnlyBySha1(key)) {
    report.warnings.push(
      "the key's user IDs are bound only by SHA-1 self-signatures (Sequoia and rnp reject such keys); ask the maintainer to refresh the key's self-signatures with SHA-256",
    );
  }
}
