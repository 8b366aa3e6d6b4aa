import * as openpgp from 'openpgp';

/** Test keys made with openpgp.js directly (the key store is another module's job). */
export interface TestKey {
  privateKey: openpgp.PrivateKey;
  publicKey: openpgp.PublicKey;
  fingerprint: string;
}

const cache = new Map<string, Promise<TestKey>>();

/** A decrypted v4 key: Ed25519 (+ signing subkey) by default, or RSA of `rsaBits`. Cached per kind within a test file. */
export function testKey(
  kind: 'ed25519' | 'ed25519-subkey' | 'rsa2048' | 'rsa3072' = 'ed25519-subkey',
  name = 'Test Signer',
): Promise<TestKey> {
  const id = `${kind}:${name}`;
  let p = cache.get(id);
  if (!p) {
    p = (async () => {
      const userIDs = [{ name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.invalid` }];
      const opts = kind.startsWith('rsa')
        ? {
            type: 'rsa' as const,
            rsaBits: kind === 'rsa2048' ? 2048 : 3072,
            userIDs,
            format: 'object' as const,
            subkeys: [{}],
          }
        : {
            userIDs,
            format: 'object' as const,
            subkeys: kind === 'ed25519-subkey' ? [{}, { sign: true }] : [{}],
          };
      const { privateKey, publicKey } = await openpgp.generateKey(opts);
      return { privateKey, publicKey, fingerprint: privateKey.getFingerprint().toUpperCase() };
    })();
    cache.set(id, p);
  }
  return p;
}
