/** The key-management engine: the on-disk store and what the `keys` / `trust` commands do with it. */
export { KeyStore, HOME_LAYOUT, type OwnKey } from './store.js';
export type { StoredKey } from './store-read.js';
export { StoreTransaction } from './transaction.js';
export {
  keyInfo,
  describeAlgorithm,
  algorithmLabel,
  hasAnySecret,
  type KeyInfo,
  type SubkeyInfo,
} from './info.js';
export { readKeysFromBytes, splitArmorBlocks } from './parse.js';
export { selectKey, MIN_SUFFIX_HEX } from './selector.js';
export {
  generateOwnKey,
  KEY_ALGOS,
  DEFAULT_ALGO,
  type KeyAlgo,
  type GenerateKeyOptions,
  type GeneratedKey,
} from './generate.js';
export { importKeys, type ImportOptions, type ImportedKey } from './import.js';
export { mergeKey, type MergeResult } from './merge.js';
export { exportKey, type ExportOptions } from './export.js';
export {
  revokeWithSecret,
  applyRevocationCertificate,
  REVOCATION_REASONS,
  type RevocationReason,
} from './revoke.js';
export { exportFromGpg, type GpgExportOptions } from './from-gpg.js';
export { parseExpiry, checkExpiry, DEFAULT_EXPIRES } from './expiry.js';
export { buildUserID, checkName, checkEmail } from './user-id.js';
export { addPins, removePins, pinsOf, canonicalProjects } from '../trust/pins.js';
