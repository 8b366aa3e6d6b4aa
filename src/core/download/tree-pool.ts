import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type * as openpgp from 'openpgp';
import { InputError, OperationalError } from '../errors.js';
import type { TrustPolicy } from '../trust/policy.js';
import type { VerifyReport } from '../verify/verify-file.js';
import type { TreeAnswer, TreeJob, TreeWorkerData } from './tree-worker.js';

export interface PoolOptions {
  keys: openpgp.PublicKey[];
  policy?: TrustPolicy;
  signers?: string[];
  threshold?: number;
  now: Date;
  binaryOnly?: boolean;
  project?: string;
  ownFingerprints?: string[];
  /** Worker threads (default: the cores available, at most 8). */
  workers?: number;
}

/** Below this many files the threads' start-up costs more than it saves. */
export const POOL_MIN_FILES = 64;

export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, os.availableParallelism()));
}

/** The module the workers run; a bootstrap keeps tree-worker.ts free of import side effects. */
const BOOTSTRAP = `import(${JSON.stringify(new URL('./tree-worker.js', import.meta.url).href)}).then((m) => m.runTreeWorker())`;

/**
 * Verify (file, signature) pairs on worker threads, so hashing and signature checks use every
 * core. Each worker keeps a few files in flight (reads overlap), results keep the input order.
 * An input error (unreadable file) is returned as an InputError for that file; anything else
 * stops the pool and is thrown.
 */
export async function verifyInPool(
  jobs: Array<{ file: string; signatureFile: string }>,
  options: PoolOptions,
): Promise<Array<VerifyReport | InputError>> {
  const data: TreeWorkerData = {
    armoredKeys: options.keys.map((k) => k.armor()),
    policy: options.policy,
    signers: options.signers,
    threshold: options.threshold,
    now: options.now.toISOString(),
    binaryOnly: options.binaryOnly,
    project: options.project,
    ownFingerprints: options.ownFingerprints,
  };
  const count = Math.max(1, Math.min(options.workers ?? defaultWorkers(), jobs.length));
  const results = new Array<VerifyReport | InputError>(jobs.length);
  let next = 0;
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve, reject) => {
            const worker = new Worker(BOOTSTRAP, { eval: true, workerData: data });
            workers.push(worker);
            let inFlight = 0;
            const feed = () => {
              while (inFlight < 4 && next < jobs.length) {
                const id = next++;
                inFlight += 1;
                worker.postMessage({ id, ...jobs[id]! } satisfies TreeJob);
              }
              if (inFlight === 0) resolve();
            };
            worker.on('message', (msg: TreeAnswer | { ready: true }) => {
              if ('ready' in msg) return feed();
              inFlight -= 1;
              if ('report' in msg) results[msg.id] = msg.report;
              else if (msg.error.input)
                results[msg.id] = new InputError(msg.error.code, msg.error.message, {
                  subject: jobs[msg.id]!.file,
                });
              else
                return reject(
                  new OperationalError(
                    msg.error.code,
                    `verifying ${jobs[msg.id]!.file}: ${msg.error.message}`,
                  ),
                );
              feed();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (next < jobs.length || inFlight > 0)
                reject(new OperationalError('E_WORKER', `a verify worker stopped (exit ${code})`));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
