/**
 * The worker side of verify DIR's pool (tree-pool.ts): each worker thread parses the trusted keys
 * once, then verifies the files it is sent and posts the reports back (plain data). Importing
 * this module does nothing; the pool's bootstrap calls `runTreeWorker`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as openpgp from 'openpgp';
import { DistsealError } from '../errors.js';
import type { TrustPolicy } from '../trust/policy.js';
import { KeyChecks } from '../verify/key-checks.js';
import { verifyFile } from '../verify/verify-file.js';

export interface TreeWorkerData {
  armoredKeys: string[];
  policy?: TrustPolicy;
  signers?: string[];
  threshold?: number;
  now: string;
  binaryOnly?: boolean;
  project?: string;
  ownFingerprints?: string[];
}

export interface TreeJob {
  id: number;
  file: string;
  signatureFile: string;
}

export type TreeAnswer =
  | { id: number; report: Awaited<ReturnType<typeof verifyFile>> }
  | { id: number; error: { code: string; message: string; input: boolean } };

/** Serve verification jobs until the port closes. */
export async function runTreeWorker(): Promise<void> {
  const data = workerData as TreeWorkerData;
  const keys = await Promise.all(data.armoredKeys.map((armoredKey) => openpgp.readKey({ armoredKey })));
  const port = parentPort!;
  // The keys are this worker's own copies and do not change: one cache for the worker's run.
  const keyChecks = new KeyChecks();
  port.on('message', (job: TreeJob) => {
    verifyFile({
      file: job.file,
      signatureFile: job.signatureFile,
      keys: keys as openpgp.PublicKey[],
      policy: data.policy,
      signers: data.signers,
      threshold: data.threshold,
      now: new Date(data.now),
      binaryOnly: data.binaryOnly,
      project: data.project,
      ownFingerprints: data.ownFingerprints,
      keyChecks,
      // This thread does nothing else: blocking reads cost far less than thread-pool round trips.
      blockingReads: true,
    }).then(
      (report) => port.postMessage({ id: job.id, report } satisfies TreeAnswer),
      (error: unknown) =>
        port.postMessage({
          id: job.id,
          error: {
            code: error instanceof DistsealError ? error.code : 'E_BUG',
            message: error instanceof Error ? error.message : String(error),
            input: error instanceof DistsealError && error.kind === 'input',
          },
        } satisfies TreeAnswer),
    );
  });
  port.postMessage({ ready: true });
}
