/**
 * distseal as a library: the engine under the CLI. Nothing here prints, reads argv or the
 * environment, or exits; errors are DistsealError subclasses with a `code` and a `hint`.
 */
export * from './core/errors.js';
export * from './core/logger.js';
export * from './core/names.js';
export * from './core/trust/policy.js';
export * from './core/secrets/keychain.js';
export * from './core/secrets/resolve.js';
export { writeFileAtomic } from './core/fs/atomic.js';
// Keys and trust (issue 2): the key store, generate/import/export/revoke, passphrase unlocking.
export * from './core/keys/index.js';
export * from './core/secrets/passphrase.js';
