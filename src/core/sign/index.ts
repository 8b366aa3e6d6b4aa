// Signing: detached armored signatures, batches of files, SHA256SUMS manifests.
export { signFiles, signaturePathFor, type SignFilesOptions, type SignResult } from './sign-files.js';
export {
  createDetachedSignature,
  signFileDetailed,
  signStream,
  selectSigningKey,
  type DetachedSignature,
} from './detached.js';
export { DEFAULT_SIGN_CONCURRENCY, mapLimit } from '../io/limit.js';
export { writeManifest, formatManifest, type ManifestOptions, type ManifestResult } from './manifest.js';
export { sha256File } from '../io/hash.js';
