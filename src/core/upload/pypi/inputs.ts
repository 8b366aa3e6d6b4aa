/**
 * Command-line inputs split the way twine splits them (twine/commands/__init__.py::_split_inputs;
 * specs/pypi-upload.md §3, §4): dists, `<dist>.asc` signatures keyed by basename, and
 * `*.*.attestation` files attached to every dist whose basename prefixes theirs. distseal also
 * picks up a `FILE.asc` lying beside a dist. Wheels go before sdists.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { InputError, UsageError } from '../../errors.js';
import { pythonDistKind } from '../../distributions/python/filename.js';
import { isManifestName } from '../../sign/manifest.js';

export interface SplitInputs {
  dists: string[];
  /** dist path -> its .asc (from the command line, else beside the dist). */
  signatures: Map<string, string>;
  /** dist path -> its attestation files (only with --attestations). */
  attestations: Map<string, string[]>;
  /** Given files that are not uploaded: a checksum manifest (SHA256SUMS) and its .asc. */
  skipped: string[];
}

export async function splitInputs(
  files: string[],
  options: { attestations?: boolean; cwd: string },
): Promise<SplitInputs> {
  const resolve = (f: string) => path.resolve(options.cwd, f);
  const ascs = new Map<string, string>();
  const attestationFiles: string[] = [];
  const dists: string[] = [];
  const skipped: string[] = [];
  for (const given of files) {
    const file = resolve(given);
    const base = path.basename(file);
    // A signed SHA256SUMS is published beside the release, not uploaded (issue 15 item 1).
    if (isManifestName(base) || (base.endsWith('.asc') && isManifestName(base.slice(0, -4)))) {
      skipped.push(file);
      continue;
    }
    if (base.endsWith('.asc')) {
      if (ascs.has(base))
        throw new UsageError(`Two signatures named ${base} were given.`, { hint: 'Pass one .asc per dist.' });
      ascs.set(base, file);
    } else if (/\.[^.]+\.attestation$/.test(base)) {
      attestationFiles.push(file);
    } else if (pythonDistKind(base)) {
      if (!dists.includes(file)) dists.push(file);
    } else {
      throw new InputError(
        'E_NOT_A_DIST',
        `${given} is not a Python dist (.whl, .tar.gz or .zip), a .asc signature or a .attestation file.`,
        {
          subject: given,
          hint: 'Conda packages go to `distseal upload conda`.',
        },
      );
    }
  }
  if (dists.length === 0)
    throw new UsageError('No dists to upload were given.', {
      hint: 'Name the wheels and sdists, e.g. `distseal upload pypi dist/*`.',
    });
  const signatures = new Map<string, string>();
  for (const dist of dists) {
    const onCli = ascs.get(`${path.basename(dist)}.asc`);
    if (onCli) {
      signatures.set(dist, onCli);
      ascs.delete(`${path.basename(dist)}.asc`);
    } else if (await exists(`${dist}.asc`)) {
      signatures.set(dist, `${dist}.asc`);
    }
  }
  if (ascs.size > 0) {
    const orphan = [...ascs.values()][0]!;
    throw new UsageError(
      `Cannot upload signed files by themselves: ${orphan} has no dist ${path.basename(orphan).slice(0, -4)} beside it on the command line.`,
      {
        hint: 'Pass the dist together with its .asc (e.g. `distseal upload pypi dist/*`).',
      },
    );
  }
  const attestations = new Map<string, string[]>();
  if (options.attestations) {
    for (const dist of dists) {
      const mine = attestationFiles.filter((a) => path.basename(a).startsWith(`${path.basename(dist)}.`));
      if (mine.length === 0) {
        throw new UsageError(
          `Upload with attestations requested, but ${dist} has no associated attestations.`,
          {
            hint: `Pass its ${path.basename(dist)}.publish.attestation file too, or drop --attestations.`,
          },
        );
      }
      attestations.set(dist, mine);
    }
  }
  return { dists: orderDists(dists), signatures, attestations, skipped };
}

/** Wheels before sdists, each group in the given order (twine does the same). */
export function orderDists(dists: string[]): string[] {
  const wheels = dists.filter((d) => pythonDistKind(path.basename(d)) === 'wheel');
  return [...wheels, ...dists.filter((d) => !wheels.includes(d))];
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
