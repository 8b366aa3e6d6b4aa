import * as openpgp from 'openpgp';

/** A subkey as `keys list` shows it. */
export interface SubkeyInfo {
  fingerprint: string;
  algorithm: string;
  bits?: number;
  curve?: string;
  /** "sign", "encrypt", "certify", "authenticate". */
  usage: string[];
  created: string;
  expires: string | null;
  revoked: boolean;
  hasSecret: boolean;
}

/** What `keys list` / `trust list` show about a key (and the --json shape). */
export interface KeyInfo {
  /** Primary fingerprint, uppercase hex. */
  fingerprint: string;
  userIDs: string[];
  algorithm: string;
  bits?: number;
  curve?: string;
  created: string;
  /** ISO date, or null when the key never expires. */
  expires: string | null;
  /** True when the expiry date has passed. */
  expired?: boolean;
  revoked: boolean;
  /** True when any secret (primary or subkey) is present: the key can sign here. */
  hasSecret: boolean;
  /** True when the primary secret itself is present (false for a gnu-dummy stub from a subkeys-only export). */
  primarySecret?: boolean;
  isDefault: boolean;
  passphraseInKeychain?: boolean;
  /** True when the secret material is protected by a passphrase. */
  passphraseProtected?: boolean;
  subkeys: SubkeyInfo[];
}

const ALGORITHM_NAMES: Record<string, string> = {
  rsaEncryptSign: 'RSA',
  rsaEncrypt: 'RSA',
  rsaSign: 'RSA',
  dsa: 'DSA',
  elgamal: 'ElGamal',
  ecdh: 'ECDH',
  ecdsa: 'ECDSA',
  eddsaLegacy: 'EdDSA',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
  x25519: 'X25519',
  x448: 'X448',
};

const CURVE_NAMES: Record<string, string> = {
  ed25519Legacy: 'Ed25519',
  curve25519Legacy: 'Cv25519',
  nistP256: 'NIST P-256',
  nistP384: 'NIST P-384',
  nistP521: 'NIST P-521',
  brainpoolP256r1: 'brainpoolP256r1',
  brainpoolP384r1: 'brainpoolP384r1',
  brainpoolP512r1: 'brainpoolP512r1',
  secp256k1: 'secp256k1',
};

/** Human names for an openpgp.js algorithm info. */
export function describeAlgorithm(info: openpgp.AlgorithmInfo): {
  algorithm: string;
  bits?: number;
  curve?: string;
} {
  const algorithm = ALGORITHM_NAMES[info.algorithm] ?? String(info.algorithm);
  const curve = info.curve ? (CURVE_NAMES[info.curve] ?? String(info.curve)) : undefined;
  return { algorithm, ...(info.bits ? { bits: info.bits } : {}), ...(curve ? { curve } : {}) };
}

/** "Ed25519" / "RSA 4096" / "ECDH Cv25519": one short label. */
export function algorithmLabel(info: { algorithm: string; bits?: number; curve?: string }): string {
  if (info.curve)
    return info.algorithm === 'EdDSA' || info.algorithm === 'ECDH'
      ? `${info.algorithm} ${info.curve}`
      : `${info.algorithm} ${info.curve}`;
  return info.bits ? `${info.algorithm} ${info.bits}` : info.algorithm;
}

type AnyKeyPacket =
  openpgp.PublicKeyPacket | openpgp.SecretKeyPacket | openpgp.PublicSubkeyPacket | openpgp.SecretSubkeyPacket;

/** True when the packet holds real secret material (not public, not a gnu-dummy stub). */
export function packetHasSecret(packet: AnyKeyPacket): boolean {
  const secret = packet as Partial<openpgp.SecretKeyPacket>;
  return (
    typeof secret.isDummy === 'function' &&
    !secret.isDummy() &&
    !(secret.isMissingSecretKeyMaterial?.() ?? false)
  );
}

/** True when the packet's secret material is encrypted with a passphrase. */
function packetProtected(packet: AnyKeyPacket): boolean {
  return packetHasSecret(packet) && !(packet as openpgp.SecretKeyPacket).isDecrypted();
}

function flagsToUsage(flags: number | undefined): string[] {
  if (flags === undefined) return [];
  const usage: string[] = [];
  if (flags & openpgp.enums.keyFlags.certifyKeys) usage.push('certify');
  if (flags & openpgp.enums.keyFlags.signData) usage.push('sign');
  if (flags & (openpgp.enums.keyFlags.encryptCommunication | openpgp.enums.keyFlags.encryptStorage))
    usage.push('encrypt');
  if (flags & openpgp.enums.keyFlags.authentication) usage.push('authenticate');
  return usage;
}

function latest(signatures: openpgp.SignaturePacket[]): openpgp.SignaturePacket | undefined {
  return [...signatures].sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0))[0];
}

function isoOrNull(value: Date | number | null): string | null {
  return value instanceof Date ? value.toISOString() : null;
}

async function safe<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await fn();
  } catch {
    return fallback;
  }
}

/** The list view of one key. Flags that openpgp.js cannot decide (broken self-signatures) read as false/null. */
export async function keyInfo(
  key: openpgp.Key,
  extras: { isDefault?: boolean; passphraseInKeychain?: boolean } = {},
): Promise<KeyInfo> {
  const now = new Date();
  const expiry = await safe(() => key.getExpirationTime(), null);
  const subkeys: SubkeyInfo[] = [];
  for (const subkey of key.subkeys) {
    const binding = latest(subkey.bindingSignatures);
    const subExpiry = await safe(() => subkey.getExpirationTime(), null);
    subkeys.push({
      fingerprint: subkey.getFingerprint().toUpperCase(),
      ...describeAlgorithm(subkey.getAlgorithmInfo()),
      usage: flagsToUsage(binding?.keyFlags?.[0]),
      created: subkey.getCreationTime().toISOString(),
      expires: isoOrNull(subExpiry),
      revoked: await safe(() => subkey.isRevoked(undefined as never, undefined as never), false),
      hasSecret: packetHasSecret(subkey.keyPacket),
    });
  }
  const packets = [key.keyPacket, ...key.subkeys.map((s) => s.keyPacket)];
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    userIDs: key.getUserIDs(),
    ...describeAlgorithm(key.getAlgorithmInfo()),
    created: key.getCreationTime().toISOString(),
    expires: isoOrNull(expiry),
    expired: expiry instanceof Date && expiry.getTime() <= now.getTime(),
    revoked: await safe(() => key.isRevoked(), false),
    hasSecret: hasAnySecret(key),
    primarySecret: packetHasSecret(key.keyPacket),
    isDefault: Boolean(extras.isDefault),
    ...(extras.passphraseInKeychain === undefined
      ? {}
      : { passphraseInKeychain: extras.passphraseInKeychain }),
    passphraseProtected: packets.some(packetProtected),
    subkeys,
  };
}

/** True when any packet of the key (primary or subkey) holds real secret material. */
export function hasAnySecret(key: openpgp.Key): boolean {
  return [key.keyPacket, ...key.subkeys.map((s) => s.keyPacket)].some(packetHasSecret);
}
