import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import yargs from 'yargs';
import type { LeafCommand } from '../../src/cli/command.js';
import { tempDir } from '../helpers/cli.js';
import { defaultDeps } from '../../src/wizard/run-wizard.js';
import { runMenu } from '../../src/wizard/menu.js';
import { memoryContext, ScriptedPrompter, type Answer } from './scripted.js';

// The wizard driving the REAL keys commands against a throwaway home, and a check that the
// printed "same without the wizard" command parses (with each command's real yargs builder)
// to the very options the wizard passed to run().

const PASS = 'wizard real passphrase';
const NEW_PASS = 'wizard second passphrase';

interface Recorded {
  name: string;
  argv: Record<string, any>;
  builder?: LeafCommand['builder'];
}

async function realDeps(home: string, cwd: string, script: Array<[string, Answer]>, recorded: Recorded[]) {
  const mem = memoryContext({ home, cwd, env: { HOME: cwd } });
  const deps = defaultDeps(mem.ctx);
  const prompter = new ScriptedPrompter(script);
  const load = deps.loadLeaf;
  return {
    ...mem,
    prompter,
    deps: {
      ...deps,
      // The tests choose: these scripts answer the keychain offer (declined), whatever this machine has.
      keychainStatus: async () => ({ available: true as const }),
      prompter,
      loadLeaf: async (name: Parameters<typeof load>[0]) => {
        const leaf = await load(name);
        return {
          ...leaf,
          run: (argv: Record<string, any>, ctx: any) => (
            recorded.push({ name, argv, builder: leaf.builder }),
            leaf.run(argv, ctx)
          ),
        };
      },
    },
  };
}

/** Parse a printed command line (simple shell words) with the leaf's real builder. */
function parsePrinted(line: string, builder: LeafCommand['builder'], command: string): Record<string, any> {
  const words = [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!,
  );
  const args = words.slice(3); // distseal keys <leaf>
  let y = yargs(args).option('home', { type: 'string' }).strict();
  y = y.command(
    command,
    '',
    (sub) => (builder ? builder(sub) : sub),
    () => undefined,
  ) as never;
  return y.parseSync([command.split(' ')[0]!, ...args]) as Record<string, any>;
}

test('create, export, set default, change passphrase, revoke and delete through the wizard, with the real commands', async (t) => {
  const { dir, cleanup } = await tempDir('distseal-wizard-real-');
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const recorded: Recorded[] = [];

  // 1. Create a key (ed25519, 1y, passphrase typed twice).
  const one = await realDeps(
    home,
    dir,
    [
      ['main', 'keys'],
      ['keys-menu', 'generate'],
      ['name', 'Wiz Ard'],
      ['email', 'wiz@example.org'],
      ['algo', 'ed25519'],
      ['expires', '1y'],
      ['use-passphrase', true],
      ['new-passphrase', PASS],
      ['repeat-passphrase', PASS],
      ['remember', false],
      ['confirm-generate', true],
      ['keys-menu', 'list'],
      ['keys-menu', 'back'],
      ['main', 'quit'],
    ],
    recorded,
  );
  t.is(await runMenu(one.deps), 0, one.stderr());
  const keys = await one.deps.listKeys();
  t.is(keys.length, 1);
  const fpr = keys[0]!.fingerprint;
  t.deepEqual(keys[0]!.userIDs, ['Wiz Ard <wiz@example.org>']);
  t.true(keys[0]!.isDefault);
  t.true(await one.deps.hasPassphrase(fpr));
  t.true(await one.deps.checkPassphrase(fpr, PASS));
  t.false(await one.deps.checkPassphrase(fpr, 'wrong'));
  t.regex(one.stdout(), new RegExp(`Created key ${fpr}`));
  t.false((one.stdout() + one.stderr()).includes(PASS));

  // 2. Export the signing subkey for CI, then change the passphrase (wrong current one first).
  const two = await realDeps(
    home,
    dir,
    [
      ['main', 'keys'],
      ['keys-menu', 'export'],
      ['key', fpr],
      ['export-kind', 'subkeys-only'],
      ['export-format', 'armor'],
      ['export-output', 'ci.asc'],
      ['confirm-secret-export', true],
      ['keys-menu', 'passwd'],
      ['key', fpr],
      ['current-passphrase', 'not it'],
      ['current-passphrase', PASS],
      ['new-passphrase', NEW_PASS],
      ['repeat-passphrase', NEW_PASS],
      ['keys-menu', 'back'],
      ['main', 'quit'],
    ],
    recorded,
  );
  t.is(await runMenu(two.deps), 0, two.stderr());
  t.is(two.prompter.asked.find((a) => a.id === 'current-passphrase')!.rejected.length, 1);
  const exported = path.join(dir, 'ci.asc');
  t.regex(await readFile(exported, 'utf8'), /BEGIN PGP PRIVATE KEY BLOCK/);
  t.is((await stat(exported)).mode & 0o777, 0o600);
  t.true(await two.deps.checkPassphrase(fpr, NEW_PASS));
  t.false(await two.deps.checkPassphrase(fpr, PASS));
  t.false((two.stdout() + two.stderr()).includes(NEW_PASS));

  // 3. Revoke (superseded), then delete.
  const three = await realDeps(
    home,
    dir,
    [
      ['main', 'keys'],
      ['keys-menu', 'revoke'],
      ['key', fpr],
      ['revoke-reason', 'superseded'],
      ['revoke-message', 'replaced'],
      ['current-passphrase', NEW_PASS],
      ['confirm-revoke', true],
      ['keys-menu', 'delete'],
      ['key', fpr],
      ['confirm-delete', true],
      ['keys-menu', 'back'],
      ['main', 'quit'],
    ],
    recorded,
  );
  t.is(await runMenu(three.deps), 0, three.stderr());
  t.regex(three.stdout(), /revoked/i);
  t.deepEqual(await three.deps.listKeys(), []);

  // Every printed command parses, with the command's own builder, to the options run() got.
  const printed = [one, two, three].flatMap((r) =>
    [...r.stderr().matchAll(/The same without the wizard:\n {2}(.+)/g)].map((m) => m[1]!),
  );
  t.is(printed.length, recorded.length);
  for (const [i, rec] of recorded.entries()) {
    const leaf = await one.deps.loadLeaf(rec.name as never);
    const parsed = parsePrinted(printed[i]!, rec.builder, leaf.command);
    for (const [key, value] of Object.entries(rec.argv)) {
      if (key === '_' || key === '$0' || ['home', 'json', 'verbose', 'quiet', 'interactive'].includes(key))
        continue;
      t.deepEqual(parsed[key], value, `${rec.name}: --${key} in "${printed[i]}"`);
    }
    t.is(parsed.home, home);
    // The printed line never carries a passphrase.
    t.false(printed[i]!.includes(PASS) || printed[i]!.includes(NEW_PASS));
  }
});
