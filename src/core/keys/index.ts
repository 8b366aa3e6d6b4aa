/** The key-management engine: the on-disk store and what the `keys` / `trust` commands do with it. */
export { KeyStore, HOME_LAYOUT, type OwnKey, type StoredKey } from './store.js';
export { StoreTransaction } from './transaction.js';
export { keyInfo, describeAlgorithm, algorithmLabel, hasAnySecret, type KeyInfo, type SubkeyInfo } from './info.js';
export { readKeysFromBytes, splitArmorBlocks } from './parse.js';
export { selectKey, MIN_SUFFIX_HEX } from './selector.js';
