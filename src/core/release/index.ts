// The release flow: plan, preflight, sign, publish, verify what was published, receipt.
export { parseTarget, targetTakes, type TargetSpec, type TargetKind } from './targets.js';
export { planRelease, type ReleasePlan, type PlanFile, type PlanGroup, type PlanOptions } from './plan.js';
export {
  preflight,
  EXPIRY_WARNING_DAYS,
  type AuditStep,
  type AuditOutcome,
  type PreflightOptions,
  type PreflightReport,
} from './preflight.js';
export { signRelease, MANIFEST_NAME, type SignStepOptions, type SignStepResult } from './sign-step.js';
export { publishRelease, type PublishOptions } from './publish.js';
export { releaseAssets, distsFor, type Asset } from './assets.js';
export { verifyPublished, type VerifyPublishedOptions } from './verify-published.js';
export { MAX_REPODATA_BYTES } from './read-back-conda.js';
export {
  buildReceipt,
  releaseCommandLine,
  shellWord,
  RECEIPT_VERSION,
  type Receipt,
  type ReceiptInput,
} from './receipt.js';
export { readUrlFor, listIndexFiles, type IndexFile } from './index-read.js';
export {
  mintTrustedPublishingToken,
  oidcBaseFor,
  type TrustedPublishingOptions,
} from './trusted-publishing.js';
export type * from './types.js';
