import path from 'node:path';
import { peerTest } from '../helpers/peers.js';
import { startIndexServer, TEST_TOKEN } from '../helpers/pypi-server.js';
import { TmuxSession } from '../wizard/tmux.js';
import { FPR, PASS, releaseProject, SDIST, WHEEL } from './helpers.js';

// The wizard's Release entry as a person meets it in a real terminal (tmux): files, a target
// (the local strict index), no audit, the summary, one confirmation, the passphrase; then the
// real release runs (upload, read-back) and the equivalent non-interactive command is printed.
const test = peerTest(['tmux']);

test.serial(
  'Release from the main menu uploads to the local index and prints the command with --yes',
  async (t) => {
    const p = await releaseProject({ conda: false });
    const index = await startIndexServer();
    const s = new TmuxSession(
      p.dir,
      ['--home', p.home],
      ['TWINE_USERNAME=__token__', `TWINE_PASSWORD=${TEST_TOKEN}`],
    );
    t.teardown(async () => {
      s.kill();
      await index.close();
      await p.cleanup();
    });
    await s.waitFor(/\? What do you want to do\?[\s\S]*❯ Release/);
    s.press('Enter');
    await s.waitFor(/\? Dists to release/);
    s.type(`${path.join(p.dist, WHEEL)} ${path.join(p.dist, SDIST)}`);
    s.press('Enter');
    await s.waitFor(/\? Where should the release go\?/, 60_000);
    s.press('Up', 'Enter'); // the last entry: another index (upload URL)
    await s.waitFor(/\? Upload URL of the index:/);
    s.type(index.uploadUrl);
    s.press('Enter');
    await s.waitFor(/\? Add another target\?/);
    s.press('Enter'); // no (default)
    await s.waitFor(/\? Audit the files first/);
    s.type('n');
    s.press('Enter');
    await s.waitFor(/\? Only try it/);
    s.press('Enter'); // no (default)
    const summary = await s.waitFor(/\? Publish these files\?/);
    t.regex(summary, /Signing with distseal example maintainer/);
    t.regex(
      summary,
      new RegExp(`-> ${index.uploadUrl.replace(/[.?/]/g, '\\$&')}: \\S*${WHEEL.replace(/\./g, '\\.')}`),
    );
    t.is(index.uploads.length, 0, 'nothing is sent before the confirmation');
    s.type('y');
    s.press('Enter');
    await s.waitFor(/\? Current passphrase:/);
    s.type('wrong one');
    s.press('Enter');
    await s.waitFor(/does not unlock this key/);
    for (let i = 0; i < 'wrong one'.length; i += 1) s.press('BSpace');
    s.type(PASS);
    s.press('Enter');
    const done = await s.waitFor(/The same without the wizard:[\s\S]*\? What do you want to do\?/, 120_000);
    t.regex(done, /Released\./);
    t.regex(done, /verified: what it serves matches/);
    t.true(
      done.includes(
        `distseal release ${path.join(p.dist, WHEEL)} ${path.join(p.dist, SDIST)} --to ${index.uploadUrl} --no-audit --key ${FPR} --yes --passphrase-file FILE`,
      ),
      done,
    );
    t.false(done.includes(PASS), 'the passphrase never shows on screen');
    s.press('Up', 'Enter'); // Quit
    t.is(await s.exitCode(), 0);
    const sent = index.uploads.filter((u) => u.status === 200);
    t.deepEqual(
      sent.map((u) => u.parts.find((x) => x.name === 'content')?.filename).sort(),
      [SDIST, WHEEL].sort(),
    );
  },
);
