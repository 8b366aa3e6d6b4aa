import path from 'node:path';

/** Where things live inside a distseal home (all relative to the home). Reviewable plain files. */
export const HOME_LAYOUT = {
  /** Own keys, one armored file per key: secret when we hold it, else public. 0600. */
  keys: 'keys',
  /** Revocation certificates written at generation. 0600. */
  revocations: 'revocations',
  /** The trusted keyring: third parties' public keys, one armored file per key. */
  trusted: 'trusted',
  /** Per-project pins written by `trust add --for` (src/core/trust/policy.ts shape). */
  policy: path.join('trusted', 'policy.json'),
  /** Small settings: the default signing key. */
  config: 'config.json',
  lock: '.lock',
} as const;

/** config.json in the home. */
export interface StoreConfig {
  version: 1;
  defaultKey?: string;
}

/** What a store transaction needs of its store (KeyStore provides it): where files go, the config. */
export interface StoreFiles {
  path(entry: keyof typeof HOME_LAYOUT, ...rest: string[]): string;
  revocationPath(fingerprint: string): string;
  readConfig(): Promise<StoreConfig>;
}
