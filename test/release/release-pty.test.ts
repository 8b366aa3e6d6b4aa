import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { peerTest } from '../helpers/peers.js';
import { TmuxSession } from '../wizard/tmux.js';
import { PASS, releaseProject, SDIST, WHEEL } from './helpers.js';

// `distseal release` as a person meets it in a terminal (tmux): the confirmation, the passphrase prompt.
const test = peerTest(['tmux']);

async function start(t: { teardown: (fn: () => Promise<void> | void) => void }) {
  const p = await releaseProject({ conda: false });
  const out = path.join(p.dir, 'out');
  const s = new TmuxSession(p.dir, [
    '--home',
    p.home,
    'release',
    path.join(p.dist, WHEEL),
    path.join(p.dist, SDIST),
    '--to',
    `dir:${out}`,
    '--no-audit',
  ]);
  t.teardown(async () => {
    s.kill();
    await p.cleanup();
  });
  await s.waitFor(/\? Publish these files\?/, 60_000);
  return { s, out };
}

test.serial(
  'in a terminal: confirm, type the passphrase, the files land and the receipt is shown',
  async (t) => {
    const { s, out } = await start(t);
    t.regex(s.screen(), /-> dir:.*distseal_sample-1\.0\.0-py3-none-any\.whl/);
    s.type('y');
    s.press('Enter');
    await s.waitFor(/Passphrase for 2D28D366/);
    s.type(PASS);
    s.press('Enter');
    t.is(await s.exitCode(60_000), 0, s.screen());
    t.regex(s.screen(), /Released\./);
    t.false(s.screen().includes(PASS));
    t.true((await readdir(out)).includes(`${WHEEL}.asc`));
  },
);

test.serial(
  'in a terminal: a wrong passphrase three times ends with exit 2 and nothing published',
  async (t) => {
    const { s, out } = await start(t);
    s.type('y');
    s.press('Enter');
    for (let i = 0; i < 3; i += 1) {
      await s.waitFor(i === 0 ? /Passphrase for 2D28D366/ : new RegExp(`${3 - i} tr(y|ies) left`));
      s.type(`wrong ${i}`);
      s.press('Enter');
    }
    t.is(await s.exitCode(60_000), 2, s.screen());
    t.regex(s.screen(), /Wrong passphrase/);
    await t.throwsAsync(() => readdir(out));
  },
);

test.serial('in a terminal: answering no sends nothing', async (t) => {
  const { s, out } = await start(t);
  s.type('n');
  s.press('Enter');
  t.is(await s.exitCode(60_000), 0, s.screen());
  t.regex(s.screen(), /Nothing was sent/);
  await t.throwsAsync(() => readdir(out));
});
