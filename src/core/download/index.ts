// Consumers (issue 13): downloads that land only verified, keys fetched by fingerprint, trees verified.
export { downloadPython, type PythonDownloadOptions, type DownloadReport } from './python.js';
export { downloadConda, type CondaDownloadOptions, type CondaDownloadReport } from './conda.js';
export { verifyUrls, type VerifyUrlOptions, type UrlVerifyReport } from './verify-url.js';
export { verifyTree, type TreeVerifyOptions, type TreeReport } from './verify-tree.js';
export { fetchPublishedKeys, pickFingerprint, type KeySource, type KeyFetchOptions } from './key-fetch.js';
export { refreshTrusted, type RefreshOptions, type RefreshResult } from './refresh.js';
export { wkdHash, wkdUrls, type WkdResolver } from './wkd.js';
