import type { Argv } from 'yargs';
import { trustKeys } from '../../../core/trust/add.js';
import { canonicalProjects, pinsOf } from '../../../core/trust/pins.js';
import type { LeafCommand } from '../../command.js';
import { describeImport, readInputFile } from '../keys/import.js';
import { openStore } from '../keys/shared.js';
import { UsageError } from '../../../core/errors.js';
import { fetchForTrust, recordSources, remoteKeyOptions, remoteSourceOf } from './add-remote.js';

export const command: LeafCommand = {
  command: 'add [keyfile]',
  describe: "Add a third party's public key to the trusted keyring, optionally pinned to projects",
  builder: (y: Argv) =>
    remoteKeyOptions(y)
      .positional('keyfile', {
        type: 'string',
        describe: 'Public key file (armored or binary, several keys allowed), or - for stdin',
      })
      .option('for', {
        type: 'string',
        array: true,
        describe:
          'Pin the key to PROJECT (repeatable): only pinned keys may sign a pinned project. pypi:NAME / conda:NAME name one ecosystem',
      }),
  async run(argv, ctx) {
    const projects = canonicalProjects(
      ((argv.for as string[] | undefined) ?? []).flatMap((p) => p.split(',')).filter((p) => p.trim() !== ''),
    );
    const remoteSource = remoteSourceOf(argv);
    if (!remoteSource && argv.keyfile === undefined)
      throw new UsageError(
        'Name a KEYFILE, or fetch the key with --wkd EMAIL, --keyserver URL or --url URL.',
      );
    const remote = remoteSource ? await fetchForTrust(remoteSource, argv, ctx) : undefined;
    const { data, source } = remote ?? (await readInputFile(ctx, String(argv.keyfile)));
    const store = await openStore(ctx);
    const { keys: results, policy } = await trustKeys(store, data, {
      source,
      projects,
      logger: ctx.logger,
      afterKeys: remote ? (fingerprints) => recordSources(store, fingerprints, remote.record) : undefined,
    });
    const lines = results.map((r) =>
      describeImport({ ...r, hasSecret: false }).replace(/^Imported public key/, 'Trusted'),
    );
    for (const r of results) {
      const pins = pinsOf(policy, r.fingerprint);
      lines.push(
        pins.length ? `  may sign: ${pins.join(', ')}` : '  may sign: any project not pinned to other keys',
      );
    }
    lines.push('Trust a key only after checking its fingerprint with its owner through a channel you trust.');
    ctx.out.result(lines, {
      results: results.map((r) => ({
        fingerprint: r.fingerprint,
        userIDs: r.userIDs,
        status: r.status,
        changes: r.changes,
        file: r.file,
        ...(remote ? { source: remote.record } : {}),
        projects: pinsOf(policy, r.fingerprint),
      })),
    });
  },
};
