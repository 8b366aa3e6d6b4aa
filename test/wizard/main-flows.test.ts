import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { runMenu } from '../../src/wizard/menu.js';
import { defaultDeps } from '../../src/wizard/run-wizard.js';
import { PASS as EXAMPLE_PASS, releaseProject, FPR as EXAMPLE_FPR } from '../release/helpers.js';
import { CONDA, MAIN_HAPPY, provideDists, SDIST, WHEEL } from './main-scripts.js';
import { memoryContext, scriptedDeps, ScriptedPrompter, type Answer } from './scripted.js';

const PASS = 'correct horse battery';
const FPR = '2D28D36625F7B560715E1EC3939327BD1F11724B';
const HOME = '/nonexistent-distseal-home';
const NO_KEYCHAIN = async () => ({ available: false as const, reason: 'no D-Bus session' });

let dir = '';
test.before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'distseal-wizard-main-'));
  await provideDists(dir);
});

function run(script: Array<[string, Answer]>, options: { keychain?: boolean; keys?: any[] } = {}) {
  const s = scriptedDeps([...script], { passphrase: PASS, cwd: dir, keys: options.keys });
  if (options.keychain === false) s.deps.keychainStatus = NO_KEYCHAIN;
  return { ...s, done: runMenu(s.deps) };
}

test('release: the summary, one confirmation, then `release --yes` with the passphrase in memory', async (t) => {
  const r = run(MAIN_HAPPY.release!);
  t.is(await r.done, 0);
  t.is(r.calls.length, 1);
  const [call] = r.calls;
  t.is(call!.leaf, 'release');
  t.false(call!.interactive);
  t.like(call!.argv, { yes: true, key: FPR, audit: false, dryRun: false });
  t.deepEqual(call!.argv.files, [path.join(dir, WHEEL), path.join(dir, SDIST)]);
  t.deepEqual(call!.argv.to, ['testpypi', 'dir:assets']);
  t.is(call!.env.DISTSEAL_PASSPHRASE, PASS);
  t.false(JSON.stringify(call!.argv).includes(PASS));
  const said = r.prompter.said.join('\n');
  t.regex(said, /distseal-sample 1\.0\.0 \(2 files\)/);
  t.regex(said, /distseal_sample-1\.0\.0-py3-none-any\.whl {2}\S+ \S*B {2}sha256 [0-9a-f]{64}/);
  t.regex(said, new RegExp(`-> testpypi: ${WHEEL.replace(/\./g, '\\.')}, ${SDIST.replace(/\./g, '\\.')}`));
  t.regex(said, /-> dir:assets: /);
  t.regex(said, new RegExp(`signed by ${FPR}`));
  // The printed command is the real non-interactive one: --yes, the key, the secret as a stand-in.
  t.true(
    r
      .stderr()
      .includes(
        `distseal release ${path.join(dir, WHEEL)} ${path.join(dir, SDIST)} --to testpypi --to dir:assets --no-audit --key ${FPR} --yes --passphrase-file FILE`,
      ),
    r.stderr(),
  );
  t.false(r.stderr().includes(PASS));
  // Nothing is asked after the confirmation but the passphrase (and the keychain offer).
  const ids = r.prompter.asked.map((a) => a.id);
  t.deepEqual(ids.slice(ids.indexOf('release.confirm')), [
    'release.confirm',
    'current-passphrase',
    'remember',
    'main',
  ]);
});

test('release: a dry run of dist/* prints no --yes; "no" at the confirmation runs nothing', async (t) => {
  const r = run(MAIN_HAPPY.releaseDryRunDistDir!);
  t.is(await r.done, 0);
  t.like(r.calls[0]!.argv, { dryRun: true, yes: false, to: ['prefix:my-channel'] });
  t.regex(
    r.stderr(),
    new RegExp(`distseal release --to prefix:my-channel --dry-run --key ${FPR} --passphrase-file FILE`),
  );
  // Everything in dist/ was read for the summary; only the conda package goes to prefix.dev.
  t.regex(
    r.prompter.said.join('\n'),
    new RegExp(`-> prefix:my-channel: dist/${CONDA.replace(/\./g, '\\.')}$`, 'm'),
  );
  const script = MAIN_HAPPY.release!;
  const cut = script.findIndex(([id]) => id === 'release.confirm');
  const no = run([...script.slice(0, cut), ['release.confirm', false], ['main', 'quit']]);
  t.is(await no.done, 0);
  t.is(no.calls.length, 0);
  t.true(no.prompter.said.includes('Cancelled: nothing was changed.'));
});

test('release: files that are not one release are refused as typed, with the reason', async (t) => {
  const r = run([
    ['main', 'release'],
    ['release.files', 'missing.whl'],
    ['release.files', `${WHEEL} ${CONDA} ${path.join('dist', WHEEL)}`],
    ['release.files', WHEEL],
    ['release.target', 'dir'],
    ['release.dir', 'out'],
    ['release.more', false],
    ['release.audit', false],
    ['release.dry-run', true],
    ['release.confirm', false],
    ['main', 'quit'],
  ]);
  t.is(await r.done, 0);
  const rejected = r.prompter.asked.find((a) => a.id === 'release.files')!.rejected;
  t.is(rejected.length, 2);
  t.regex(rejected[0]!.message, /missing\.whl/);
  t.regex(rejected[1]!.message, /Two files named distseal_sample-1\.0\.0-py3-none-any\.whl/);
});

test('release and channel add without a usable secret key: said, back to the menu, nothing run', async (t) => {
  const keys = [
    { fingerprint: 'A'.repeat(40), userIDs: ['P'], revoked: false, hasSecret: false, isDefault: false },
  ];
  const r = run(
    [
      ...MAIN_HAPPY.release!.slice(0, 9),
      ['main', 'channel'],
      ['channel.what', 'add'],
      ['channel.dir', 'c'],
      ['channel.files', CONDA],
      ['main', 'quit'],
    ],
    { keys },
  );
  t.is(await r.done, 2);
  t.is(r.calls.length, 0);
  t.is(r.stderr().match(/no usable secret key/g)?.length, 2);
});

test('keychain step: chosen, it runs first as `keys remember` and is printed as its own command', async (t) => {
  const r = run(MAIN_HAPPY.releaseRemember!);
  t.is(await r.done, 0);
  t.deepEqual(
    r.calls.map((c) => c.leaf),
    ['remember', 'release'],
  );
  t.is(r.calls[0]!.env.DISTSEAL_PASSPHRASE, PASS);
  t.like(r.calls[1]!.argv, { to: ['github:me/proj'], tag: 'v1.0.0', yes: true });
  const printed = [...r.stderr().matchAll(/The same without the wizard:\n {2}(.*)/g)].map((m) => m[1]);
  t.deepEqual(printed, [
    `distseal keys remember ${FPR} --passphrase-file FILE --home ${HOME}`,
    `distseal release ${path.join(dir, WHEEL)} --to github:me/proj --tag v1.0.0 --key ${FPR} --yes --passphrase-file FILE --home ${HOME}`,
  ]);
});

test('keychain unavailable: no offer anywhere, one message, and the passphrase is still asked once', async (t) => {
  const channel = MAIN_HAPPY.channelAdd!.filter(([id]) => id !== 'remember' && id !== 'main');
  const release = MAIN_HAPPY.release!.filter(([id]) => id !== 'remember' && id !== 'main');
  const r = run(
    [
      ['main', 'release'],
      ...release,
      ['main', 'channel'],
      ...channel,
      ['main', 'keys'],
      ['keys-menu', 'back'],
      ['main', 'quit'],
    ],
    { keychain: false },
  );
  t.is(await r.done, 0);
  t.is(r.prompter.leftover, 0);
  t.false(r.prompter.asked.some((a) => a.id === 'remember'));
  t.is(r.prompter.asked.filter((a) => a.id === 'current-passphrase').length, 2);
  t.is(
    r.prompter.said.filter((l) => /No OS keychain is available here \(no D-Bus session\)/.test(l)).length,
    1,
  );
  t.deepEqual(
    r.calls.map((c) => c.leaf),
    ['release', 'channel-add'],
  );
  t.notRegex(r.stderr(), /keys remember/);
});

test('verify: files, a directory (--require-all), URLs, a manifest: the arguments `verify` takes', async (t) => {
  const files = run(MAIN_HAPPY.verifyFiles!);
  await files.done;
  t.deepEqual(files.calls[0]!.argv.files, [path.join(dir, WHEEL), path.join(dir, CONDA)]);
  const tree = run(MAIN_HAPPY.verifyDir!);
  await tree.done;
  t.like(tree.calls[0]!.argv, { files: [path.join(dir, 'dist')], requireAll: true });
  t.regex(tree.stderr(), /distseal verify \S+\/dist --require-all --home /);
  const urls = run([
    ...MAIN_HAPPY.verifyUrls!.slice(0, 2),
    ['verify.urls', 'ftp://x/y'],
    ...MAIN_HAPPY.verifyUrls!.slice(2),
  ]);
  await urls.done;
  t.regex(
    urls.prompter.asked.find((a) => a.id === 'verify.urls')!.rejected[0]!.message,
    /not an http\(s\) URL/,
  );
  t.deepEqual(urls.calls[0]!.argv.files, [
    'https://example.org/a-1.0.tar.gz',
    'https://example.org/b-1.0.tar.gz',
  ]);
  const manifest = run(MAIN_HAPPY.verifyManifest!);
  await manifest.done;
  t.is(manifest.calls[0]!.argv.manifest, path.join(dir, WHEEL));
});

test('channel: add (quoted directory, conda packages only, key, passphrase) and verify', async (t) => {
  const script = MAIN_HAPPY.channelAdd!;
  const at = script.findIndex(([id]) => id === 'channel.files');
  const r = run([...script.slice(0, at), ['channel.files', WHEEL], ...script.slice(at)]);
  t.is(await r.done, 0);
  t.regex(
    r.prompter.asked.find((a) => a.id === 'channel.files')!.rejected[0]!.message,
    /not a conda package/,
  );
  t.is(r.calls[0]!.leaf, 'channel-add');
  t.like(r.calls[0]!.argv, {
    channel: path.join(dir, 'my channel'),
    files: [path.join(dir, CONDA)],
    key: FPR,
  });
  t.is(r.calls[0]!.env.DISTSEAL_PASSPHRASE, PASS);
  t.true(
    r
      .stderr()
      .includes(
        `distseal channel add '${path.join(dir, 'my channel')}' ${path.join(dir, CONDA)} --key ${FPR} --passphrase-file FILE`,
      ),
  );
  const v = run(MAIN_HAPPY.channelVerify!);
  t.is(await v.done, 0);
  t.like(v.calls[0]!.argv, { channel: 'https://example.org/channel' });
  t.regex(v.stderr(), /distseal channel verify https:\/\/example\.org\/channel --home /);
});

test('the real release command, run by the wizard: the passphrase reaches the unlock, files land in dir:', async (t) => {
  const p = await releaseProject({ conda: false });
  t.teardown(p.cleanup);
  const mem = memoryContext({ home: p.home, cwd: p.dir, env: { HOME: p.dir } });
  const prompter = new ScriptedPrompter([
    ['main', 'release'],
    ['release.files', ''],
    ['release.target', 'dir'],
    ['release.dir', 'out'],
    ['release.more', false],
    ['release.audit', false],
    ['release.dry-run', false],
    ['release.confirm', true],
    ['current-passphrase', 'wrong passphrase'],
    ['current-passphrase', EXAMPLE_PASS],
    ['main', 'quit'],
  ]);
  const deps = { ...defaultDeps(mem.ctx), prompter, keychainStatus: NO_KEYCHAIN };
  t.is(await runMenu(deps), 0, mem.stderr());
  t.is(prompter.leftover, 0);
  t.regex(mem.stdout(), /Released\./);
  const out = await readdir(path.join(p.dir, 'out'));
  t.true(out.includes(`${WHEEL}.asc`) && out.includes('SHA256SUMS.asc'), out.join(' '));
  t.regex(
    mem.stderr(),
    new RegExp(`distseal release --to dir:out --no-audit --key ${EXAMPLE_FPR} --yes --passphrase-file FILE`),
  );
  t.false(mem.stderr().includes(EXAMPLE_PASS) || mem.stdout().includes(EXAMPLE_PASS));
});

test('release: every kind of target becomes the --to the command takes (one run)', async (t) => {
  const r = run(MAIN_HAPPY.releaseEveryKind!);
  t.is(await r.done, 0);
  t.deepEqual(r.calls[0]!.argv.to, [
    'pypi',
    'anaconda:my-org',
    'anaconda',
    'https://index.example/legacy/',
    'channel:conda channel',
  ]);
  t.regex(r.prompter.said.join('\n'), /PyPI discards|-> pypi: distseal_sample/);
  t.regex(
    r.stderr(),
    /--to pypi --to anaconda:my-org --to anaconda --to https:\/\/index\.example\/legacy\/ --to 'channel:conda channel' --key/,
  );
});

test('release with an expired key: extending it is offered first; declined, nothing runs and the way out is said', async (t) => {
  const keys = [
    {
      fingerprint: FPR,
      userIDs: ['Old'],
      revoked: false,
      hasSecret: true,
      isDefault: true,
      expires: '2026-01-01T00:00:00Z',
    },
  ];
  const script = (extend: boolean): Array<[string, Answer]> => [
    ['main', 'release'],
    ['release.files', WHEEL],
    ['release.target', 'dir'],
    ['release.dir', 'out'],
    ['release.more', false],
    ['release.audit', false],
    ['release.dry-run', false],
    ['release.extend', extend],
    ...(extend
      ? ([
          ['release.confirm', true],
          ['current-passphrase', PASS],
          ['remember', false],
        ] as Array<[string, Answer]>)
      : []),
    ['main', 'quit'],
  ];
  const no = run(script(false), { keys });
  t.is(await no.done, 2);
  t.is(no.calls.length, 0);
  t.regex(no.prompter.asked.find((a) => a.id === 'release.extend')!.message, /expired on 2026-01-01/);
  t.regex(no.stderr(), new RegExp(`Extend it with \`distseal keys expire ${FPR} 2y\``));

  const yes = run(script(true), { keys });
  t.is(await yes.done, 0);
  t.deepEqual(
    yes.calls.map((c) => c.leaf),
    ['expire', 'release'],
  );
  t.like(yes.calls[0]!.argv, { fpr: FPR, expires: '2y' });
  t.is(yes.calls[0]!.env.DISTSEAL_PASSPHRASE, PASS);
  t.is(yes.calls[1]!.env.DISTSEAL_PASSPHRASE, PASS);
  const printed = [...yes.stderr().matchAll(/The same without the wizard:\n {2}(.*)/g)].map((m) => m[1]);
  t.is(printed[0], `distseal keys expire ${FPR} 2y --passphrase-file FILE --home ${HOME}`);
  t.regex(printed[1]!, /^distseal release .* --yes --passphrase-file FILE/);
});

test('release with a key that expires within 30 days: extending is offered, and may be declined', async (t) => {
  const keys = [
    {
      fingerprint: FPR,
      userIDs: ['Soon'],
      revoked: false,
      hasSecret: true,
      isDefault: true,
      expires: '2026-06-11T00:00:00Z',
    },
  ];
  const r = run(
    [...MAIN_HAPPY.release!.slice(0, 9), ['release.extend', false], ...MAIN_HAPPY.release!.slice(9)],
    { keys },
  );
  t.is(await r.done, 0);
  t.regex(r.prompter.asked.find((a) => a.id === 'release.extend')!.message, /expires in 10 day\(s\)/);
  t.deepEqual(
    r.calls.map((c) => c.leaf),
    ['release'],
  );
});

test('the real channel add and channel verify, run by the wizard: a signed channel that verifies', async (t) => {
  const p = await releaseProject();
  t.teardown(p.cleanup);
  const mem = memoryContext({ home: p.home, cwd: p.dir, env: { HOME: p.dir } });
  const prompter = new ScriptedPrompter([
    ['main', 'channel'],
    ['channel.what', 'add'],
    ['channel.dir', 'chan'],
    ['channel.files', path.join('dist', CONDA)],
    ['channel.confirm', true],
    ['current-passphrase', EXAMPLE_PASS],
    ['main', 'channel'],
    ['channel.what', 'verify'],
    ['channel.source', 'chan'],
    ['main', 'quit'],
  ]);
  const deps = { ...defaultDeps(mem.ctx), prompter, keychainStatus: NO_KEYCHAIN };
  t.is(await runMenu(deps), 0, mem.stderr());
  t.is(prompter.leftover, 0);
  const files = await readdir(path.join(p.dir, 'chan', 'noarch'));
  t.true(files.includes(CONDA) && files.includes(`${CONDA}.asc`) && files.includes('repodata.json.asc'));
  t.regex(mem.stderr(), /distseal channel verify \S+\/chan --home/);
});
