/** Every top-level command, in --help order. */
import type { CommandModule, GroupCommand, LeafCommand } from './command.js';

export interface Entry {
  name: string;
  describe: string;
  /** Leaf modules that make up this command; several for groups assembled here (upload, login). */
  load: () => Promise<CommandModule>;
}

/** Every top-level command. Modules load lazily: only the one being run is imported. */
export const COMMANDS: Entry[] = [
  {
    name: 'keys',
    describe: 'Create, import, export and guard your own signing keys',
    load: () => import('./commands/keys/group.js').then((m) => m.command),
  },
  {
    name: 'trust',
    describe: "Manage the trusted keyring (other people's public keys) and per-project pins",
    load: () => import('./commands/trust/group.js').then((m) => m.command),
  },
  {
    name: 'sign',
    describe: 'Write detached ASCII-armored signatures (FILE.asc) for dist files',
    load: () => import('./commands/sign.js').then((m) => m.command),
  },
  {
    name: 'verify',
    describe: 'Verify files against their .asc signatures and the trusted keyring (fail-closed)',
    load: () => import('./commands/verify.js').then((m) => m.command),
  },
  {
    name: 'download',
    describe: 'Download from an index or conda channel; files land only when verified',
    load: () => import('./commands/download.js').then((m) => m.command),
  },
  {
    name: 'audit',
    describe: 'Scan dists with Bandit and check dependencies against the PyPA advisory database',
    load: () => import('./commands/audit.js').then((m) => m.command),
  },
  {
    name: 'check',
    describe: 'Check dist metadata and scan for leaked secrets before upload',
    load: () => import('./commands/check.js').then((m) => m.command),
  },
  {
    name: 'upload',
    describe: 'Upload dists to a PyPI-compatible index or a conda channel',
    load: async () =>
      group('upload', 'Upload dists to a PyPI-compatible index or a conda channel', [
        (await import('./commands/upload/pypi.js')).command,
        (await import('./commands/upload/conda.js')).command,
      ]),
  },
  {
    name: 'channel',
    describe: 'Maintain and verify a signed conda file channel',
    load: () => import('./commands/channel/group.js').then((m) => m.command),
  },
  {
    name: 'release',
    describe: 'Check, audit, sign, publish and re-verify a release (default files: dist/*)',
    load: () => import('./commands/release.js').then((m) => m.command),
  },
  {
    name: 'login',
    describe: 'Store an index token in the OS keychain',
    load: async () =>
      group('login', 'Store an index token in the OS keychain', [
        (await import('./commands/login/pypi.js')).command,
        (await import('./commands/login/conda.js')).command,
      ]),
  },
  {
    name: 'completion',
    describe: 'Print a shell completion script (bash, zsh or fish)',
    load: () => import('./commands/completion.js').then((m) => m.command),
  },
];

function group(command: string, describe: string, subcommands: LeafCommand[]): GroupCommand {
  return { command, describe, subcommands };
}
