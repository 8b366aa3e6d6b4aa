import type { Argv } from 'yargs';
import { importKeys } from '../../../core/keys/import.js';
import { addPins, canonicalProjects, pinsOf } from '../../../core/trust/pins.js';
import type { LeafCommand } from '../../command.js';
import { describeImport, readInputFile } from '../keys/import.js';
import { openStore } from '../keys/shared.js';

export const command: LeafCommand = {
  command: 'add <keyfile>',
  describe: "Add a third party's public key to the trusted keyring, optionally pinned to projects",
  builder: (y: Argv) =>
    y
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
    const { data, source } = await readInputFile(ctx, String(argv.keyfile));
    const store = await openStore(ctx);
    let policy = await store.trustPolicy();
    // Keys and pins land in one locked transaction: never a pinned project without its key.
    const results = await importKeys(store, data, {
      source,
      into: 'trusted',
      logger: ctx.logger,
      alsoWrite: async (tx, imported) => {
        if (projects.length === 0) return;
        policy = addPins(
          await store.trustPolicy(),
          projects,
          imported.map((r) => r.fingerprint),
        );
        await tx.savePolicy(policy);
      },
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
        projects: pinsOf(policy, r.fingerprint),
      })),
    });
  },
};
