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
// Sign and verify (issue 3): streamed detached signatures, SHA256SUMS manifests, the fail-closed verifier.
export { signFiles, createDetachedSignature, signStream, writeManifest, type SignFilesOptions, type SignResult, type DetachedSignature, type ManifestOptions, type ManifestResult } from './core/sign/index.js';
export { verifyFile, verifyDetachedBytes, verifyManifest, loadKeyring, type VerifyFileOptions, type VerifyReport, type SignatureReport, type VerifyBytesOptions, type BytesVerifyReport, type ManifestVerifyReport } from './core/verify/index.js';
