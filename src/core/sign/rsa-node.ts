import { constants, createPrivateKey, privateEncrypt, type KeyObject } from 'node:crypto';
import * as openpgp from 'openpgp';

/**
 * RSA signatures over a finished digest, made by OpenSSL through node:crypto.
 *
 * Why: given a digest instead of the data, openpgp.js signs RSA with its own BigInt modular
 * exponentiation (no CRT, not constant-time: about 140 ms for RSA-4096, and its timing depends on
 * the secret exponent). OpenSSL's private-key operation uses CRT with blinding. An OpenPGP RSA
 * signature is EMSA-PKCS1-v1_5 (RFC 9580 section 5.2.2, RFC 8017 section 9.2): the block
 * 00 01 FF..FF 00 || DigestInfo(hash), raised to d; `privateEncrypt` with PKCS#1 padding computes
 * exactly that over the DigestInfo we give it.
 */

/** OpenPGP's RSA algorithm IDs: 1 (encrypt or sign) and 3 (sign only). */
export function isRsa(algorithm: number): boolean {
  return (
    algorithm === openpgp.enums.publicKey.rsaEncryptSign || algorithm === openpgp.enums.publicKey.rsaSign
  );
}

/** The DER prefix of DigestInfo for each hash (RFC 8017 section 9.2, note 1). */
const DIGEST_INFO_PREFIX: Record<number, string> = {
  [openpgp.enums.hash.sha224]: '302d300d06096086480165030402040500041c',
  [openpgp.enums.hash.sha256]: '3031300d060960864801650304020105000420',
  [openpgp.enums.hash.sha384]: '3041300d060960864801650304020205000430',
  [openpgp.enums.hash.sha512]: '3051300d060960864801650304020305000440',
};

interface RsaParams {
  n: Uint8Array;
  e: Uint8Array;
  d: Uint8Array;
  p: Uint8Array;
  q: Uint8Array;
  u: Uint8Array;
}

/** The PKCS#1 v1.5 signature value `s` (as long as the modulus) over `digest`, made with hash `hashAlgorithm`. */
export function rsaSignDigest(
  keyPacket: openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket,
  hashAlgorithm: number,
  digest: Uint8Array,
): Uint8Array {
  const prefix = DIGEST_INFO_PREFIX[hashAlgorithm];
  if (!prefix) throw new Error(`no DigestInfo for hash algorithm ${hashAlgorithm}`);
  const prefixBytes = Buffer.from(prefix, 'hex');
  if (prefixBytes[prefixBytes.length - 1] !== digest.length)
    throw new Error(`a ${digest.length}-byte digest does not fit hash algorithm ${hashAlgorithm}`);
  const key = privateKeyObject(keyPacket);
  const info = Buffer.concat([prefixBytes, digest]);
  return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, info));
}

/**
 * The key as a node KeyObject (JWK). OpenPGP stores p < q and u = p^-1 mod q; JWK's qi is
 * q^-1 mod p, so p and q swap places: JWK p = OpenPGP q, JWK q = OpenPGP p, and qi = u.
 */
function privateKeyObject(keyPacket: openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket): KeyObject {
  const pub = (keyPacket as unknown as { publicParams: Partial<RsaParams> }).publicParams;
  const priv = (keyPacket as unknown as { privateParams: Partial<RsaParams> | null }).privateParams;
  if (!pub?.n || !pub.e || !priv?.d || !priv.p || !priv.q || !priv.u)
    throw new Error('the RSA key is not decrypted or lacks its parameters');
  const d = toBigInt(priv.d);
  const p = toBigInt(priv.p);
  const q = toBigInt(priv.q);
  return createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'RSA',
      n: b64url(pub.n),
      e: b64url(pub.e),
      d: b64url(priv.d),
      p: b64url(priv.q),
      q: b64url(priv.p),
      dp: b64url(fromBigInt(d % (q - 1n))),
      dq: b64url(fromBigInt(d % (p - 1n))),
      qi: b64url(priv.u),
    },
  });
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function fromBigInt(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex');
}

function b64url(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return Buffer.from(bytes.subarray(start)).toString('base64url');
}
