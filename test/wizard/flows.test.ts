import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { InterruptedError } from '../../src/core/errors.js';
import { executeAction } from '../../src/wizard/execute.js';
import { runMenu } from '../../src/wizard/menu.js';
import { CTRL_C, scriptedDeps, type Answer } from './scripted.js';
import { MAIN_HAPPY, provideDists } from './main-scripts.js';

const PASS = 'correct horse battery';
const FPR = '2D28D36625F7B560715E1EC3939327BD1F11724B';

/** The happy path of each menu flow, from the main menu to Quit. */
const HAPPY: Record<string, Array<[string, Answer]>> = {
  generate: [
    ['main', 'keys'],
    ['keys-menu', 'generate'],
    ['name', 'Ada Lovelace'],
    ['email', 'ada@example.org'],
    ['algo', 'rsa4096'],
    ['expires', '18m'],
    ['use-passphrase', true],
    ['new-passphrase', PASS],
    ['repeat-passphrase', PASS],
    ['remember', false],
    ['confirm-generate', true],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  importFile: [
    ['main', 'keys'],
    ['keys-menu', 'import'],
    ['import-source', 'file'],
    ['import-file', 'KEYFILE'],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  importPaste: [
    ['main', 'keys'],
    ['keys-menu', 'import'],
    ['import-source', 'paste'],
    ['import-paste', '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjME\n-----END PGP PUBLIC KEY BLOCK-----\n'],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  importGpg: [
    ['main', 'keys'],
    ['keys-menu', 'import'],
    ['import-source', 'gpg'],
    ['gpg-id', 'ada@example.org'],
    ['gpg-passphrase', PASS],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  exportSecret: [
    ['main', 'keys'],
    ['keys-menu', 'export'],
    ['key', FPR],
    ['export-kind', 'secret'],
    ['export-format', 'armor'],
    ['export-output', ''],
    ['confirm-secret-export', true],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  list: [
    ['main', 'keys'],
    ['keys-menu', 'list'],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  default: [
    ['main', 'keys'],
    ['keys-menu', 'default'],
    ['key', FPR],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  remember: [
    ['main', 'keys'],
    ['keys-menu', 'remember'],
    ['key', FPR],
    ['current-passphrase', PASS],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  forget: [
    ['main', 'keys'],
    ['keys-menu', 'forget'],
    ['key', FPR],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  passwd: [
    ['main', 'keys'],
    ['keys-menu', 'passwd'],
    ['key', FPR],
    ['current-passphrase', PASS],
    ['new-passphrase', 'new passphrase 2'],
    ['repeat-passphrase', 'new passphrase 2'],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  revoke: [
    ['main', 'keys'],
    ['keys-menu', 'revoke'],
    ['key', FPR],
    ['revoke-reason', 'superseded'],
    ['revoke-message', 'moved to a new key'],
    ['current-passphrase', PASS],
    ['confirm-revoke', true],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  delete: [
    ['main', 'keys'],
    ['keys-menu', 'delete'],
    ['key', FPR],
    ['confirm-delete', true],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ],
  ...MAIN_HAPPY,
};

let workDir = '';
test.before(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'distseal-wizard-'));
  await writeFile(path.join(workDir, 'KEYFILE'), 'not read by the recording leaf');
  await provideDists(workDir);
});

function run(name: string, script = HAPPY[name]!) {
  const s = scriptedDeps([...script], { passphrase: PASS, cwd: workDir });
  return { ...s, done: runMenu(s.deps) };
}

for (const name of Object.keys(HAPPY)) {
  test(`${name}: the happy path asks exactly the scripted questions and runs one command`, async (t) => {
    const r = run(name);
    t.is(await r.done, 0);
    t.is(r.prompter.leftover, 0);
    t.deepEqual(
      r.prompter.asked.map((a) => a.id),
      HAPPY[name]!.map(([id]) => id),
    );
    t.true(r.calls.length >= 1);
    // Every command runs non-interactively: the wizard already asked.
    for (const call of r.calls) t.false(call.interactive);
    // The equivalent command is printed, and no secret is printed anywhere.
    t.regex(r.stderr(), /The same without the wizard:\n {2}distseal (keys|release|verify|channel) /);
    t.false(r.stderr().includes(PASS) || r.stdout().includes(PASS));
  });

  // Ctrl-C at every question of every flow: InterruptedError (exit 130) and no command run.
  test(`${name}: Ctrl-C at any step interrupts with nothing run`, async (t) => {
    const script = HAPPY[name]!;
    // The last answers leave the menus after the command ran (Keys > Back, then Quit); stop before them.
    const steps = script.length - (script[script.length - 2]![0] === 'keys-menu' ? 2 : 1);
    for (let k = 0; k < steps; k += 1) {
      const cut: Array<[string, Answer]> = [...script.slice(0, k), [script[k]![0], CTRL_C]];
      const r = run(name, cut);
      const error = await t.throwsAsync(
        r.done,
        { instanceOf: InterruptedError },
        `step ${k} (${script[k]![0]})`,
      );
      t.is(error?.code, 'E_INTERRUPTED');
      t.is(r.calls.length, 0, `no command may run after Ctrl-C at ${script[k]![0]}`);
    }
  });
}

test('generate: bad answers are refused as typed with a reason, then the options match the flags', async (t) => {
  const r = run('generate', [
    ['main', 'keys'],
    ['keys-menu', 'generate'],
    ['name', 'Ada\u0007'],
    ['name', 'Ada Lovelace'],
    ['email', 'ada'],
    ['email', 'ada@example.org'],
    ['algo', 'ed25519'],
    ['expires', '2020-01-01'],
    ['expires', 'soon'],
    ['expires', ''],
    ['use-passphrase', true],
    ['new-passphrase', 'short'],
    ['new-passphrase', PASS],
    ['repeat-passphrase', 'typo'],
    ['repeat-passphrase', ''],
    ['new-passphrase', PASS],
    ['repeat-passphrase', PASS],
    ['remember', false],
    ['confirm-generate', true],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  t.is(await r.done, 0);
  const rejected = Object.fromEntries(
    r.prompter.asked
      .filter((a) => a.rejected.length)
      .map((a) => [`${a.id}@${r.prompter.asked.indexOf(a)}`, a.rejected.map((x) => x.message)]),
  );
  const messages = Object.values(rejected).flat().join('\n');
  t.regex(messages, /control character/);
  t.regex(messages, /not an e-mail address/);
  t.regex(messages, /in the past/);
  t.regex(messages, /"soon" is not an expiry/);
  t.regex(messages, /at least 8/);
  t.regex(messages, /Does not match/);
  t.true(r.prompter.said.some((l) => /Starting over/.test(l)));
  t.is(r.calls.length, 1);
  const [call] = r.calls;
  t.is(call!.leaf, 'generate');
  t.like(call!.argv, { name: 'Ada Lovelace', email: 'ada@example.org', algo: 'ed25519', expires: '2y' });
  t.deepEqual(call!.argv._, ['keys', 'generate']);
  // The passphrase reaches the command in memory (its context's env), never in its argv.
  t.false(JSON.stringify(call!.argv).includes(PASS));
  t.is(call!.env.DISTSEAL_NEW_PASSPHRASE, PASS);
  t.regex(
    r.stderr(),
    /distseal keys generate --name 'Ada Lovelace' --email ada@example.org --algo ed25519 --expires 2y --passphrase-file FILE/,
  );
});

test('generate without a passphrase warns and passes --no-passphrase; "no" at the summary runs nothing', async (t) => {
  const base: Array<[string, Answer]> = [
    ['main', 'keys'],
    ['keys-menu', 'generate'],
    ['name', 'CI Bot'],
    ['email', 'ci@example.org'],
    ['algo', 'ed25519'],
    ['expires', 'never'],
    ['use-passphrase', false],
  ];
  const yes = run('generate', [...base, ['confirm-generate', true], ['keys-menu', 'back'], ['main', 'quit']]);
  await yes.done;
  t.true(yes.prompter.said.some((l) => /anyone who can read the key file/.test(l)));
  t.is(yes.calls[0]!.argv.passphrase, false);
  t.regex(yes.stderr(), /--expires never --no-passphrase/);
  const no = run('generate', [...base, ['confirm-generate', false], ['keys-menu', 'back'], ['main', 'quit']]);
  t.is(await no.done, 0);
  t.is(no.calls.length, 0);
  t.true(no.prompter.said.includes('Cancelled: nothing was changed.'));
});

test('generate with "remember" stores the new key\'s passphrase afterwards through keys remember', async (t) => {
  const keys = [] as any[];
  const s = scriptedDeps(
    [
      ['name', 'Ada'],
      ['email', 'ada@example.org'],
      ['algo', 'ed25519'],
      ['expires', '2y'],
      ['use-passphrase', true],
      ['new-passphrase', PASS],
      ['repeat-passphrase', PASS],
      ['remember', true],
      ['confirm-generate', true],
    ],
    { keys, passphrase: PASS },
  );
  const { generateFlow } = await import('../../src/wizard/keys/generate.js');
  const action = await generateFlow(s.deps);
  // The recording generate "creates" a key: it appears in the list the follow-up reads.
  const realLoad = s.deps.loadLeaf;
  s.deps.loadLeaf = async (name) => {
    const leaf = await realLoad(name);
    return {
      ...leaf,
      run: async (argv, ctx) => {
        if (name === 'generate')
          keys.push({
            fingerprint: 'F'.repeat(40),
            userIDs: ['Ada'],
            revoked: false,
            hasSecret: true,
            isDefault: true,
          });
        return leaf.run(argv, ctx);
      },
    };
  };
  t.is(await executeAction(action!, s.deps), 0);
  t.deepEqual(
    s.calls.map((c) => c.leaf),
    ['generate', 'remember'],
  );
  t.is(s.calls[1]!.argv.fpr, 'F'.repeat(40));
});

test('key choice comes from the actual key list; a public-only key offers no secret export', async (t) => {
  const r = run('x', [
    ['main', 'keys'],
    ['keys-menu', 'export'],
    ['key', 'AAAABBBBCCCCDDDDEEEEFFFF0000111122223333'],
    ['export-format', 'armor'],
    ['export-output', ''],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  t.is(await r.done, 0);
  t.deepEqual(r.prompter.asked.find((a) => a.id === 'key')!.choices, [
    FPR,
    'AAAABBBBCCCCDDDDEEEEFFFF0000111122223333',
  ]);
  t.false(r.prompter.asked.some((a) => a.id === 'export-kind'));
  t.like(r.calls[0]!.argv, { fpr: 'AAAABBBBCCCCDDDDEEEEFFFF0000111122223333' });
  t.is(r.calls[0]!.argv.output, undefined);
  // Only keys with a secret can become the default.
  const d = run('x', [
    ['main', 'keys'],
    ['keys-menu', 'default'],
    ['key', FPR],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  await d.done;
  t.deepEqual(d.prompter.asked.find((a) => a.id === 'key')!.choices, [FPR]);
});

test('export: a secret needs a file that does not exist yet, and a confirmation', async (t) => {
  const r = run('x', [
    ['main', 'keys'],
    ['keys-menu', 'export'],
    ['key', FPR],
    ['export-kind', 'subkeys-only'],
    ['export-format', 'binary'],
    ['export-output', 'KEYFILE'],
    ['export-output', 'no-such-dir/x.gpg'],
    ['export-output', 'ci.gpg'],
    ['confirm-secret-export', true],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  t.is(await r.done, 0);
  const out = r.prompter.asked.find((a) => a.id === 'export-output')!;
  t.regex(out.rejected[0]!.message, /already exists/);
  t.regex(out.rejected[1]!.message, /does not exist/);
  t.like(r.calls[0]!.argv, {
    fpr: FPR,
    'subkeys-only': true,
    binary: true,
    output: path.join(workDir, 'ci.gpg'),
  });
  t.true(
    r
      .stderr()
      .includes(
        `distseal keys export ${FPR} --subkeys-only --binary --output ${path.join(workDir, 'ci.gpg')}`,
      ),
  );
});

test('import: a missing file is refused as typed; a paste reaches the command as its stdin', async (t) => {
  const f = run('x', [
    ['main', 'keys'],
    ['keys-menu', 'import'],
    ['import-source', 'file'],
    ['import-file', 'missing.asc'],
    ['import-file', 'KEYFILE'],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  await f.done;
  t.regex(
    f.prompter.asked.find((a) => a.id === 'import-file')!.rejected[0]!.message,
    /Cannot read missing.asc/,
  );
  t.like(f.calls[0]!.argv, { file: path.join(workDir, 'KEYFILE') });
  const p = run('importPaste');
  await p.done;
  // yargs turns the word `-` into '' (the CLI gets the same, and keys import reads stdin for it).
  t.like(p.calls[0]!.argv, { file: '' });
  t.regex(p.calls[0]!.stdinText!, /BEGIN PGP PUBLIC KEY BLOCK/);
  t.regex(p.stderr(), /distseal keys import - < KEYFILE/);
  const g = run('importGpg');
  await g.done;
  t.like(g.calls[0]!.argv, { 'from-gpg': 'ada@example.org', fromGpg: 'ada@example.org' });
  t.is(g.calls[0]!.env.DISTSEAL_PASSPHRASE, PASS);
  t.regex(g.stderr(), /distseal keys import --from-gpg ada@example.org --passphrase-file FILE/);
});

test('a wrong current passphrase is refused as typed; delete and revoke default to no', async (t) => {
  const r = run('x', [
    ['main', 'keys'],
    ['keys-menu', 'remember'],
    ['key', FPR],
    ['current-passphrase', 'wrong'],
    ['current-passphrase', PASS],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  await r.done;
  t.regex(
    r.prompter.asked.find((a) => a.id === 'current-passphrase')!.rejected[0]!.message,
    /does not unlock/,
  );
  const d = run('x', [
    ['main', 'keys'],
    ['keys-menu', 'delete'],
    ['key', FPR],
    ['confirm-delete', false],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  await d.done;
  t.is(d.calls.length, 0);
  const del = run('delete');
  await del.done;
  t.like(del.calls[0]!.argv, { fpr: FPR, yes: true });
  const rev = run('revoke');
  await rev.done;
  t.like(rev.calls[0]!.argv, { fpr: FPR, reason: 'superseded', message: 'moved to a new key' });
  t.regex(
    rev.stderr(),
    /keys revoke 2D28D36625F7B560715E1EC3939327BD1F11724B --reason superseded --message 'moved to a new key'/,
  );
});

test('passwd: the current passphrase (checked) and the new one reach the command in memory only', async (t) => {
  const r = run('passwd');
  t.is(await r.done, 0);
  const [call] = r.calls;
  t.like(call!.argv, { fpr: FPR });
  t.false(
    JSON.stringify(call!.argv).includes(PASS) || JSON.stringify(call!.argv).includes('new passphrase 2'),
  );
  t.is(call!.env.DISTSEAL_PASSPHRASE, PASS);
  t.is(call!.env.DISTSEAL_NEW_PASSPHRASE, 'new passphrase 2');
  t.regex(
    r.stderr(),
    new RegExp(`distseal keys passwd ${FPR} --passphrase-file FILE --new-passphrase-file NEWFILE`),
  );
  t.false(r.stderr().includes('new passphrase 2'));
});

test('revoke without the primary secret asks no reason or passphrase (the stored certificate is used)', async (t) => {
  const pub = 'AAAABBBBCCCCDDDDEEEEFFFF0000111122223333';
  const r = run('x', [
    ['main', 'keys'],
    ['keys-menu', 'revoke'],
    ['key', pub],
    ['confirm-revoke', true],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  t.is(await r.done, 0);
  t.true(r.prompter.said.some((l) => /revocation certificate stored at generation/.test(l)));
  t.is(r.calls[0]!.argv.fpr, pub);
  t.is(r.calls[0]!.argv.reason, undefined);
  t.is(r.calls[0]!.env.DISTSEAL_PASSPHRASE, undefined);
  t.true(r.stderr().includes(`distseal keys revoke ${pub} --yes --home `), r.stderr());
});

test('with no keys, key actions explain what to do and return to the menu', async (t) => {
  const s = scriptedDeps(
    [
      ['main', 'keys'],
      ['keys-menu', 'export'],
      ['keys-menu', 'back'],
      ['main', 'quit'],
    ],
    { keys: [] },
  );
  t.is(await runMenu(s.deps), 2);
  t.regex(s.stderr(), /no key for this yet/);
  t.is(s.calls.length, 0);
});

test('the main menu offers only built flows; without a keychain, keychain entries and the question are hidden', async (t) => {
  const s = scriptedDeps([['main', 'quit']]);
  t.is(await runMenu(s.deps), 0);
  t.deepEqual(s.prompter.asked[0]!.choices, ['release', 'keys', 'verify', 'audit', 'channel', 'quit']);
  const n = scriptedDeps([
    ['main', 'keys'],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  n.deps.keychainStatus = async () => ({ available: false, reason: 'no D-Bus session' });
  t.is(await runMenu(n.deps), 0);
  const keysMenu = n.prompter.asked.find((q) => q.id === 'keys-menu')!;
  t.false((keysMenu.choices as string[]).includes('remember'));
  t.false((keysMenu.choices as string[]).includes('forget'));
  t.true((keysMenu.choices as string[]).includes('generate'));
  t.deepEqual(
    n.prompter.said.filter((l) => /No OS keychain/.test(l)),
    [
      'No OS keychain is available here (no D-Bus session), so the wizard does not offer to keep passphrases in it; distseal asks for them, or reads --passphrase-file / DISTSEAL_PASSPHRASE.',
    ],
  );
});

test('generate without a keychain does not offer to keep the passphrase there', async (t) => {
  const s = scriptedDeps([
    ['main', 'keys'],
    ['keys-menu', 'generate'],
    ['name', 'Ada Lovelace'],
    ['email', 'ada@example.org'],
    ['algo', 'ed25519'],
    ['expires', ''],
    ['use-passphrase', true],
    ['new-passphrase', PASS],
    ['repeat-passphrase', PASS],
    ['confirm-generate', true],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  s.deps.keychainStatus = async () => ({ available: false, reason: 'no D-Bus session' });
  t.is(await runMenu(s.deps), 0);
  t.false(s.prompter.asked.some((q) => q.id === 'remember'));
  t.is(s.calls.length, 1);
});

test('every happy-path plan parses through the real CLI to the argv the leaf got', async (t) => {
  const { parseOnly } = await import('./parse-cli.js');
  for (const name of Object.keys(HAPPY)) {
    const r = run(name);
    await r.done;
    // One printed command per command run, in the same order (a keychain step is its own command).
    const printed = [...r.stderr().matchAll(/The same without the wizard:\n {2}distseal (.*)/g)].map(
      (m) => m[1]!,
    );
    t.is(printed.length, r.calls.length, name);
    for (const [i, command] of printed.entries()) {
      // The printed command (secret stand-ins dropped) parsed by the real yargs root gives the same
      // options the wizard handed to run(): the two directions cannot drift apart.
      // A real shell splits the printed line (so its quoting is checked too).
      const line = command.replace(/ --(new-)?passphrase-file [A-Z]+| < KEYFILE/g, '');
      const words = spawnSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' })
        .stdout.split('\0')
        .slice(0, -1);
      const parsed = await parseOnly(words, r.deps.ctx.cwd);
      const call = r.calls[i]!.argv;
      for (const [key, value] of Object.entries(parsed)) {
        if (key === '_' || key === '$0' || key === 'home' || key === 'interactive') continue;
        t.deepEqual(call[key], value, `${name}: ${key}`);
      }
    }
  }
});

test('a plan with a flag the leaf does not know, or a value outside its choices, is refused', async (t) => {
  const { argvFromPlan } = await import('../../src/wizard/plan-argv.js');
  const { command } = await import('../../src/cli/commands/keys/generate.js');
  const plan = (flags: Record<string, string>) => ({ command: ['keys', 'generate'], positionals: [], flags });
  await t.throwsAsync(argvFromPlan(command, plan({ bogus: 'x' })), { message: /refuses: Unknown argument/ });
  await t.throwsAsync(argvFromPlan(command, plan({ algo: 'dsa' })), {
    message: /refuses: Invalid values:\s+Argument: algo/,
  });
  const ok = await argvFromPlan(command, plan({ name: 'Ada', algo: 'rsa4096' }));
  t.is(ok.algo, 'rsa4096');
  // Defaults come from the builder, as they do for the flags.
  t.is(ok.expires, (await argvFromPlan(command, plan({ name: 'Ada' }))).expires);
});

test('audit: dists, a requirements file or an environment, through the real audit options', async (t) => {
  await writeFile(path.join(workDir, 'reqs.txt'), 'requests==2.19.0\n');
  const AUDIT: Array<[string, Answer]> = [
    ['main', 'audit'],
    ['audit-what', 'requirements'],
    ['audit-requirements', 'missing.txt'],
    ['audit-requirements', 'reqs.txt'],
    ['audit-fail-on', 'high'],
    ['main', 'quit'],
  ];
  const r = run('audit', AUDIT);
  t.is(await r.done, 0);
  t.is(r.prompter.leftover, 0);
  t.regex(r.prompter.asked.find((a) => a.id === 'audit-requirements')!.rejected[0]!.message, /missing\.txt/);
  t.is(r.calls.length, 1);
  t.is(r.calls[0]!.leaf, 'audit');
  // Parsed by the audit command's own builder: -r's array form and the fail-on choice.
  t.deepEqual(r.calls[0]!.argv.requirement, [path.join(workDir, 'reqs.txt')]);
  t.is(r.calls[0]!.argv['fail-on'], 'high');
  t.is(r.calls[0]!.argv.severity, 'low', 'defaults come from the builder');
  t.regex(
    r.stderr(),
    /The same without the wizard:\n {2}distseal audit --requirement \S+reqs\.txt --fail-on high/,
  );

  const d = run('audit', [
    ['main', 'audit'],
    ['audit-what', 'dists'],
    ['audit-files', 'KEYFILE reqs.txt'],
    ['audit-fail-on', 'none'],
    ['main', 'quit'],
  ]);
  t.is(await d.done, 0);
  t.deepEqual(d.calls[0]!.argv.files, [path.join(workDir, 'KEYFILE'), path.join(workDir, 'reqs.txt')]);

  // Ctrl-C at any question: nothing runs.
  for (let k = 1; k < 5; k += 1) {
    const cut: Array<[string, Answer]> = [...AUDIT.slice(0, k), [AUDIT[k]![0], CTRL_C]];
    const c = run('audit', cut);
    await t.throwsAsync(c.done, { instanceOf: InterruptedError });
    t.is(c.calls.length, 0);
  }
});
