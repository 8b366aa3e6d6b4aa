import type * as openpgp from 'openpgp';
import type { Logger } from '../logger.js';
import type { ProxyConfig } from '../net/proxy.js';
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
  /** HTTP(S)_PROXY / NO_PROXY for every request to every target (listing, upload). */
  proxy?: ProxyConfig;
}
