// Verification, fail-closed: one file, bytes in memory, SHA256SUMS manifests.
export * from './verify-file.js';
export type { SignatureReport } from './examine.js';
export type { Reason } from './reasons.js';
export { loadKeyring } from './keyring.js';
export { verifyDetachedBytes, type VerifyBytesOptions, type BytesVerifyReport } from './bytes.js';
export {
  verifyManifest,
  parseManifest,
  type ManifestVerifyReport,
  type ManifestEntryResult,
  type ManifestVerifyOptions,
} from './manifest.js';
