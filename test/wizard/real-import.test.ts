import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { defaultDeps } from '../../src/wizard/run-wizard.js';
import { runMenu } from '../../src/wizard/menu.js';
import { KEYS_EXAMPLE, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { memoryContext, ScriptedPrompter, type Answer } from './scripted.js';

// The import flows driving the real `keys import`: a pasted key reaches it as stdin, a file by
// path, and --from-gpg runs the real gpg with the passphrase the wizard asked for.

const FPR = '2D28D36625F7B560715E1EC3939327BD1F11724B';
const PASS = 'example-passphrase-do-not-use';

function wizard(
  home: string,
  cwd: string,
  script: Array<[string, Answer]>,
  env: Record<string, string> = {},
) {
  const mem = memoryContext({
    home,
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, ...env },
  });
  const prompter = new ScriptedPrompter(script);
  const deps = { ...defaultDeps(mem.ctx), prompter };
  return { ...mem, prompter, deps, done: runMenu(deps) };
}

test('paste the public key, then import the secret from a file: one key, secret present, passphrase checked', async (t) => {
  const { dir, cleanup } = await tempDir('distseal-wizard-import-');
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const armored = await readFile(path.join(KEYS_EXAMPLE, 'example-public.asc'), 'utf8');
  const w = wizard(home, dir, [
    ['main', 'keys'],
    ['keys-menu', 'import'],
    ['import-source', 'paste'],
    ['import-paste', 'garbage'],
    ['import-paste', armored],
    ['keys-menu', 'import'],
    ['import-source', 'file'],
    ['import-file', path.join(KEYS_EXAMPLE, 'example-secret.asc')],
    ['keys-menu', 'default'],
    ['key', FPR],
    ['keys-menu', 'back'],
    ['main', 'quit'],
  ]);
  t.is(await w.done, 0, w.stderr());
  t.regex(w.prompter.asked.find((a) => a.id === 'import-paste')!.rejected[0]!.message, /BEGIN PGP/);
  t.regex(w.stdout(), new RegExp(`Imported public key ${FPR}`));
  t.regex(w.stdout(), new RegExp(`(Updated|Imported) secret key ${FPR}`));
  const keys = await w.deps.listKeys();
  t.is(keys.length, 1);
  t.true(keys[0]!.hasSecret);
  t.true(keys[0]!.isDefault);
  t.true(await w.deps.checkPassphrase(FPR, PASS));
  t.regex(w.stderr(), /distseal keys import - < KEYFILE --home /);
  t.regex(
    w.stderr(),
    new RegExp(
      `distseal keys import ${path.join(KEYS_EXAMPLE, 'example-secret.asc').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --home`,
    ),
  );
});

peerTest(['gpg'])(
  'import from gpg: the wizard asks the gpg passphrase and the secret key arrives',
  async (t) => {
    const { dir, cleanup } = await tempDir('distseal-wizard-gpg-');
    const gnupg = path.join(dir, 'gnupg');
    const env = { GNUPGHOME: gnupg };
    t.teardown(async () => {
      spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, ...env } });
      await cleanup();
    });
    spawnSync('mkdir', ['-m', '700', gnupg]);
    const imported = spawnSync(
      'gpg',
      [
        '--batch',
        '--pinentry-mode',
        'loopback',
        '--passphrase',
        PASS,
        '--import',
        path.join(KEYS_EXAMPLE, 'example-secret.asc'),
      ],
      {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      },
    );
    t.is(imported.status, 0, imported.stderr);
    const home = path.join(dir, 'home');
    const w = wizard(
      home,
      dir,
      [
        ['main', 'keys'],
        ['keys-menu', 'import'],
        ['import-source', 'gpg'],
        ['gpg-id', FPR],
        ['gpg-passphrase', PASS],
        ['keys-menu', 'back'],
        ['main', 'quit'],
      ],
      env,
    );
    t.is(await w.done, 0, w.stderr());
    const keys = await w.deps.listKeys();
    t.is(keys.length, 1);
    t.is(keys[0]!.fingerprint, FPR);
    t.true(keys[0]!.hasSecret);
    t.true(await w.deps.checkPassphrase(FPR, PASS));
    t.regex(w.stderr(), new RegExp(`distseal keys import --from-gpg ${FPR} --passphrase-file FILE`));
    t.false((w.stdout() + w.stderr()).includes(PASS));
  },
);
