import { projectsFromFilename, projectsFromSpec, type ProjectRef } from '../names.js';
import { allowedSigners, type TrustPolicy } from '../trust/policy.js';
import { reason, type Reason } from './reasons.js';

/** The keys the policy allows, and the policy's name(s) for the project(s) that pin them. */
export interface Pins {
  spec: string;
  fingerprints: string[];
}

/** The pins for one file: undefined when none apply; `unknown` when pins exist but the project cannot be told. */
export interface FilePins {
  pinned?: Pins;
  unknown?: Reason;
}

/**
 * The pins that apply to a file named `basename` (plus the project `--project` names): those of
 * every project the name could be taken for. When several are pinned, a signer must satisfy all of
 * them (fail closed: the file could be installed as any of them). When the policy pins anything
 * at all but nothing tells the file's project, the answer is `unknown`: the caller fails closed.
 */
export function pinsForFile(policy: TrustPolicy | undefined, basename: string, project?: string): FilePins {
  if (!policy || Object.keys(policy.projects).length === 0) return {};
  const refs: ProjectRef[] = [
    ...projectsFromFilename(basename),
    ...(project ? projectsFromSpec(project) : []),
  ];
  if (refs.length === 0) {
    return {
      unknown: reason(
        'E_PROJECT_UNKNOWN',
        `the trust policy pins projects to keys, and the name ${basename} does not tell which project it belongs to`,
        'Name the project with --project NAME (as in `trust add --for NAME`), or verify the file under the name its index gives it (NAME-VERSION.tar.gz, a wheel, a conda package).',
      ),
    };
  }
  const pinned = refs.map((ref) => allowedSigners(policy, ref)).filter((p): p is Pins => p !== undefined);
  if (pinned.length === 0) return {};
  const specs = [...new Set(pinned.flatMap((p) => p.spec.split(', ')))];
  const fingerprints = pinned[0]!.fingerprints.filter((f) => pinned.every((p) => p.fingerprints.includes(f)));
  return { pinned: { spec: specs.join(' and '), fingerprints } };
}
