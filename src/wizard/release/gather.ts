/**
 * The Release entry of the wizard: gather the options of `distseal release` from a Prompter and
 * return them as a Plan (the same flags a script passes), so the wizard runs the very command
 * it prints. Only questions; the release itself is `release` run with this plan.
 */
import { parseTarget } from '../../core/release/targets.js';
import type { Plan } from '../command-line.js';
import type { Prompter } from '../prompter.js';

type Kind = 'testpypi' | 'pypi' | 'github' | 'dir' | 'channel' | 'anaconda' | 'prefix' | 'url';

const KINDS: ReadonlyArray<{ value: Kind; name: string; description?: string }> = [
  { value: 'testpypi', name: 'TestPyPI', description: 'test.pypi.org (a dry run for PyPI)' },
  {
    value: 'pypi',
    name: 'PyPI',
    description: 'pypi.org (it discards signatures: add GitHub or a directory too)',
  },
  {
    value: 'github',
    name: 'A GitHub release',
    description: 'files, .asc and a signed SHA256SUMS as release assets',
  },
  { value: 'dir', name: 'A directory', description: 'files, .asc and SHA256SUMS for any other host' },
  { value: 'channel', name: 'A conda file channel', description: 'signed repodata.json' },
  { value: 'anaconda', name: 'anaconda.org', description: 'conda packages and their signatures' },
  {
    value: 'prefix',
    name: 'A prefix.dev channel',
    description: 'conda packages (prefix.dev keeps no signatures)',
  },
  { value: 'url', name: 'Another index (upload URL)', description: 'pypiserver, devpi, Nexus, ...' },
];

function valid(make: (v: string) => string): (v: string) => true | string {
  return (v) => {
    try {
      parseTarget(make(v.trim()));
      return true;
    } catch (error) {
      return (error as Error).message;
    }
  };
}

/** Ask where the release goes (one or more targets), the tag for GitHub, whether to audit and whether to try it first. */
export async function gatherReleasePlan(p: Prompter, defaults: { version?: string } = {}): Promise<Plan> {
  const to: string[] = [];
  let tag: string | undefined;
  for (;;) {
    const kind = await p.select<Kind>({
      id: 'release.target',
      message: 'Where should the release go?',
      choices: KINDS,
    });
    if (kind === 'testpypi' || kind === 'pypi') to.push(kind);
    else if (kind === 'anaconda') {
      const owner = await p.input({
        id: 'release.owner',
        message: 'anaconda.org user or organization (empty: your own):',
        validate: (v) => (v.trim() === '' ? true : valid((x) => `anaconda:${x}`)(v)),
      });
      to.push(owner.trim() ? `anaconda:${owner.trim()}` : 'anaconda');
    } else if (kind === 'github') {
      const repo = await p.input({
        id: 'release.github',
        message: 'GitHub repository (OWNER/REPO):',
        validate: valid((x) => `github:${x}`),
      });
      to.push(`github:${repo.trim()}`);
      tag ??= (
        await p.input({
          id: 'release.tag',
          message: 'Release tag:',
          default: defaults.version ? `v${defaults.version}` : undefined,
          validate: (v) => (v.trim() ? true : 'Give a tag, e.g. v1.0.0.'),
        })
      ).trim();
    } else if (kind === 'prefix') {
      const channel = await p.input({
        id: 'release.prefix',
        message: 'prefix.dev channel:',
        validate: valid((x) => `prefix:${x}`),
      });
      to.push(`prefix:${channel.trim()}`);
    } else if (kind === 'url') {
      const url = await p.input({
        id: 'release.url',
        message: 'Upload URL of the index:',
        validate: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? true : 'Give an http(s) URL.'),
      });
      to.push(url.trim());
    } else {
      const dir = await p.input({
        id: `release.${kind}`,
        message: kind === 'dir' ? 'Directory for the assets:' : 'Channel directory:',
        validate: valid((x) => `${kind}:${x}`),
      });
      to.push(`${kind}:${dir.trim()}`);
    }
    if (!(await p.confirm({ id: 'release.more', message: 'Add another target?', default: false }))) break;
  }
  const audit = await p.confirm({
    id: 'release.audit',
    message: 'Audit the files first (Bandit and advisories)?',
    default: true,
  });
  const dryRun = await p.confirm({
    id: 'release.dry-run',
    message: 'Only try it (a dry run that sends nothing)?',
    default: false,
  });
  return {
    command: ['release'],
    positionals: [],
    flags: { to, tag, audit: audit ? undefined : false, 'dry-run': dryRun || undefined },
  };
}
