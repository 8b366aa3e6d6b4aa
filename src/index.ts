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
export { writeFileAtomic } from './core/io/atomic.js';
// Keys and trust (issue 2): the key store, generate/import/export/revoke, passphrase unlocking.
export * from './core/keys/index.js';
export * from './core/secrets/passphrase.js';
// Sign and verify (issue 3): streamed detached signatures, SHA256SUMS manifests, the fail-closed verifier.
export {
  signFiles,
  createDetachedSignature,
  signStream,
  writeManifest,
  type SignFilesOptions,
  type SignResult,
  type DetachedSignature,
  type ManifestOptions,
  type ManifestResult,
} from './core/sign/index.js';
export {
  verifyFile,
  verifyDetachedBytes,
  verifyManifest,
  loadKeyring,
  type VerifyFileOptions,
  type VerifyReport,
  type SignatureReport,
  type VerifyBytesOptions,
  type BytesVerifyReport,
  type ManifestVerifyReport,
} from './core/verify/index.js';
// Dists and checks (issues 4 and 5): read wheels, sdists and conda packages without extracting them.
export {
  readDist,
  distEcosystem,
  type Dist,
  type PythonDist,
  type CondaPackageMeta,
} from './core/distributions/read-dist.js';
export { distDigests, type DistDigests } from './core/distributions/digests.js';
export { parseCoreMetadata, type CoreMetadata } from './core/distributions/python/metadata.js';
export {
  checkDist,
  reportFails,
  type CheckOptions,
  type CheckReport,
  type Finding,
} from './core/distributions/check.js';
// Uploads (issues 4 and 5): twine-compatible PyPI uploads, anaconda.org and prefix.dev.
export {
  httpRequest,
  requestWithRetry,
  maskUrl,
  type HttpRequest,
  type HttpResponse,
  type RetryOptions,
} from './core/net/http.js';
export { bypassProxy, proxyFor, type ProxyConfig } from './core/net/proxy.js';
export { uploadToPypi, type PypiUploadOptions, type FileResult } from './core/upload/pypi/upload.js';
export { resolveRepository, type ResolvedRepository } from './core/config/repository.js';
export { resolveCredentials, type Credentials } from './core/config/credentials.js';
export { parseIni, pypircRepositories } from './core/config/pypirc.js';
export {
  uploadToAnaconda,
  type AnacondaUploadOptions,
  type AnacondaUploadReport,
} from './core/upload/conda/anaconda.js';
export {
  uploadToPrefix,
  type PrefixUploadOptions,
  type PrefixUploadReport,
} from './core/upload/conda/prefix.js';
// File channels (issue 5): signed repodata, incremental indexing, channel verification.
export { addToChannel, type ChannelAddOptions, type ChannelAddReport } from './core/channel/add.js';
export { verifyChannel, type ChannelVerifyOptions, type ChannelVerifyReport } from './core/channel/verify.js';
// Bounded archive readers (used by all the readers above).
export {
  openZip,
  walkTar,
  decompress,
  DEFAULT_ARCHIVE_LIMITS,
  type ArchiveLimits,
} from './core/archive/index.js';
// Consumers (issue 13): download-and-verify, keys from WKD/keyservers/URLs, whole trees.
export * from './core/download/index.js';
// Audit (issue 11): Bandit's code scan mapped into dists, and the PyPA advisory database for pins and Requires-Dist.
export {
  audit,
  toSarif,
  updateDatabase,
  loadDatabase,
  readRequirements,
  readSitePackages,
  checkRequiresDist,
  vulnsFor,
  isAffected,
  parseIgnoreFlag,
  ignoresFromPyproject,
  CREDIT as ADVISORY_CREDIT,
  type AuditOptions,
  type AuditReport,
  type DependencyResult,
  type Vuln,
  type CodeFinding,
  type SpecifierFinding,
  type NotAudited,
  type AdvisoryDatabase,
  type Ignore,
  type FailOn,
  type Severity as AuditSeverity,
} from './core/audit/index.js';
