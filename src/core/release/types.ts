/** The shapes shared by the release steps: resolved targets, per-target outcomes. */
import type { Credentials } from '../config/credentials.js';
import type { ResolvedRepository } from '../config/repository.js';
import type { DistsealError } from '../errors.js';

/** A `--to` target with what publishing needs; secrets come from functions, called only when sending. */
export type ReleaseTarget =
  | {
      kind: 'pypi';
      spec: string;
      repository: ResolvedRepository;
      /** The simple index to read back from (undefined: the layout is unknown, not verified). */
      readUrl?: string;
      credentials: () => Promise<Credentials>;
      tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
    }
  | {
      kind: 'anaconda';
      spec: string;
      apiUrl: string;
      owner?: string;
      labels: string[];
      token: () => Promise<string>;
    }
  | {
      kind: 'prefix';
      spec: string;
      serverUrl: string;
      channel: string;
      /** Where the channels' repodata is served (https://repo.prefix.dev); undefined: not read back. */
      readUrl?: string;
      token: () => Promise<string>;
    }
  | { kind: 'channel'; spec: string; dir: string }
  | {
      kind: 'github';
      spec: string;
      owner: string;
      repo: string;
      tag: string;
      apiUrl: string;
      keepDraft?: boolean;
      token: () => Promise<string>;
    }
  | { kind: 'dir'; spec: string; dir: string };

export type PublishedStatus = 'uploaded' | 'skipped' | 'would-upload' | 'failed' | 'not-attempted';

export interface PublishedFile {
  /** The local file. */
  file: string;
  /** Its name at the target. */
  name: string;
  status: PublishedStatus;
  /** Where a consumer fetches it, when known. */
  url?: string;
}

export interface TargetOutcome {
  target: string;
  kind: ReleaseTarget['kind'];
  ok: boolean;
  files: PublishedFile[];
  /** Where the signatures of this target's files can be found (pypi.org drops them). */
  signatures?: string;
  /** Which credential was used (its source, never its value). */
  credential?: string;
  /** A link to the published release, channel or index page. */
  url?: string;
  error?: DistsealError;
}

export interface VerifiedFile {
  name: string;
  ok: boolean;
  sha256?: string;
  size?: number;
  signature?: 'good' | 'bad' | 'not-served';
  problem?: string;
}

export interface TargetVerification {
  target: string;
  ok: boolean;
  /** False when the target cannot be read back (then `note` says why). */
  checked: boolean;
  note?: string;
  files: VerifiedFile[];
}
