/**
 * `--to TARGET` of `distseal release`: where a release goes. Parsing is pure; credentials are
 * supplied later by the caller (the CLI) as functions, so nothing is asked before the
 * confirmation and a dry run asks nothing at all.
 */
import { UsageError } from '../errors.js';

export type TargetKind = 'pypi' | 'anaconda' | 'prefix' | 'channel' | 'github' | 'dir';

/** A `--to` value, parsed. */
export type TargetSpec =
  | {
      kind: 'pypi';
      spec: string;
      /** .pypirc section name, or undefined for a URL */ name?: string;
      url?: string;
    }
  | { kind: 'anaconda'; spec: string; owner?: string }
  | { kind: 'prefix'; spec: string; channel: string }
  | { kind: 'channel'; spec: string; dir: string }
  | { kind: 'github'; spec: string; owner: string; repo: string }
  | { kind: 'dir'; spec: string; dir: string };

/** Which dists a target takes: Python dists, conda packages, or everything (with .asc and SHA256SUMS). */
export function targetTakes(kind: TargetKind): 'python' | 'conda' | 'all' {
  if (kind === 'pypi') return 'python';
  if (kind === 'anaconda' || kind === 'prefix' || kind === 'channel') return 'conda';
  return 'all';
}

const GITHUB_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Parse one `--to` value: pypi, testpypi, NAME (.pypirc), URL, anaconda[:OWNER], prefix:CHANNEL, channel:DIR, github:OWNER/REPO, dir:DIR. */
export function parseTarget(spec: string): TargetSpec {
  const value = spec.trim();
  if (value === '')
    throw new UsageError('--to needs a target (pypi, testpypi, github:OWNER/REPO, dir:DIR, ...).');
  if (/^https?:\/\//i.test(value)) return { kind: 'pypi', spec: value, url: value };
  const colon = value.indexOf(':');
  const head = colon < 0 ? value : value.slice(0, colon);
  const rest = colon < 0 ? undefined : value.slice(colon + 1);
  switch (head) {
    case 'anaconda':
      if (rest !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(rest))
        throw new UsageError(`--to ${spec}: "${rest}" is not an anaconda.org user or organization.`);
      return { kind: 'anaconda', spec: value, owner: rest || undefined };
    case 'prefix':
      if (!rest || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(rest))
        throw new UsageError(`--to ${spec}: name the prefix.dev channel, e.g. prefix:my-channel.`);
      return { kind: 'prefix', spec: value, channel: rest };
    case 'channel':
    case 'dir':
      if (!rest)
        throw new UsageError(
          `--to ${spec}: name a directory, e.g. ${head}:./${head === 'dir' ? 'assets' : 'channel'}.`,
        );
      return { kind: head, spec: value, dir: rest };
    case 'github': {
      const parts = (rest ?? '').split('/');
      if (parts.length !== 2 || !parts.every((p) => GITHUB_NAME.test(p)))
        throw new UsageError(`--to ${spec}: name the repository as github:OWNER/REPO.`);
      return { kind: 'github', spec: value, owner: parts[0]!, repo: parts[1]! };
    }
    default:
      if (colon >= 0)
        throw new UsageError(`--to ${spec} is not a target distseal knows.`, {
          hint: 'Use pypi, testpypi, a .pypirc section name, an upload URL, anaconda[:OWNER], prefix:CHANNEL, channel:DIR, github:OWNER/REPO or dir:DIR.',
        });
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value))
        throw new UsageError(`--to ${spec} is not a .pypirc section name.`);
      return { kind: 'pypi', spec: value, name: value };
  }
}
