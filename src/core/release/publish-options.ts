import type * as openpgp from 'openpgp';
import type { Logger } from '../logger.js';
import type { ReleasePlan } from './plan.js';
import type { SignStepResult } from './sign-step.js';
import type { ReleaseTarget } from './types.js';

export interface PublishOptions {
  plan: ReleasePlan;
  signed: SignStepResult;
  targets: ReleaseTarget[];
  /** For a file channel's repodata.json signature. */
  signingKey: openpgp.PrivateKey;
  dryRun?: boolean;
  logger?: Logger;
}
