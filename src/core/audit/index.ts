export * from './types.js';
export { audit, DEFAULT_FAIL_ON, type AuditOptions } from './run.js';
export {
  CREDIT,
  HOME_DB_NAME,
  STALE_DAYS,
  bundledDatabasePath,
  decodeCompact,
  encodeCompact,
  readCompactFile,
  vulnsFor,
  mergeAliases,
  type AdvisoryDatabase,
  type DatabaseMeta,
} from './database.js';
export { loadDatabase, type LoadDatabaseOptions } from './sources.js';
export { readOsvDirectory, readOsvZip, parseOsvText } from './osv-files.js';
export { advisoriesFromOsv, type CompactAdvisory, type RangeEvent } from './osv.js';
export { isAffected, fixVersions } from './match.js';
export { parseRequirement, pinnedVersion, type Requirement } from './pep508.js';
export { readRequirements, type Pin, type RequirementsResult } from './requirements.js';
export { readSitePackages } from './site-packages.js';
export { checkRequiresDist } from './specifiers.js';
export {
  banditArgs,
  banditVersion,
  runBandit,
  DEFAULT_BANDIT_TIMEOUT_MS,
  type BanditOptions,
  type BanditReport,
} from './bandit.js';
export { extractPythonSources, type ExtractedSources } from './extract.js';
export {
  scanDistCode,
  mapResult,
  banditConfigFromPyproject,
  type CodeScanOptions,
  type CodeScanResult,
} from './code-scan.js';
export { parseIgnoreFlag, ignoresFromPyproject, ignoreSet, type Ignore } from './ignores.js';
export { queryOsv, DEFAULT_OSV_API, type OnlineOptions } from './online.js';
export { updateDatabase, DEFAULT_UPDATE_URL, type UpdateOptions, type UpdateResult } from './update.js';
export { toSarif } from './sarif.js';
