import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { exportFromGpg, gpgEnvironment } from '../../src/core/keys/from-gpg.js';

const SECRETS = {
  TWINE_PASSWORD: 'pypi-secret-token',
  TWINE_USERNAME: '__token__',
  ANACONDA_API_TOKEN: 'anaconda-secret',
  PREFIX_API_KEY: 'pfx-secret',
  BINSTAR_API_TOKEN: 'binstar-secret',
  DISTSEAL_PASSPHRASE: 'passphrase-secret',
  DISTSEAL_NEW_PASSPHRASE: 'new-passphrase-secret',
  DISTSEAL_HOME: '/somewhere',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
  GITHUB_TOKEN: 'gh-secret',
};

const NEEDED = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/home/someone',
  GNUPGHOME: '/home/someone/.gnupg',
  LANG: 'de_DE.UTF-8',
  LC_ALL: 'de_DE.UTF-8',
  LC_MESSAGES: 'C',
  GPG_TTY: '/dev/pts/3',
  TERM: 'xterm-256color',
  DISPLAY: ':0',
  XDG_RUNTIME_DIR: '/run/user/1000',
  DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
};

test('gpg gets the variables it needs and none of the index tokens or DISTSEAL_* variables', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'distseal-gpg-env-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  // A stand-in gpg that records the environment it was given and "exports" one byte.
  const dump = path.join(dir, 'env.txt');
  const fake = path.join(dir, 'gpg');
  await fs.writeFile(fake, `#!/bin/sh\nenv > '${dump}'\nprintf x\n`, { mode: 0o755 });
  const exported = await exportFromGpg('someone@example.org', {
    env: { ...NEEDED, ...SECRETS },
    interactive: false,
    gpg: fake,
  });
  t.is(exported.data.toString(), 'x');
  const seen = Object.fromEntries(
    (await fs.readFile(dump, 'utf8'))
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  for (const [name, value] of Object.entries(NEEDED)) t.is(seen[name], value, `${name} reaches gpg`);
  const text = await fs.readFile(dump, 'utf8');
  for (const [name, value] of Object.entries(SECRETS)) {
    t.false(name in seen, `${name} does not reach gpg`);
    t.false(text.includes(value), `the value of ${name} does not reach gpg`);
  }
});

test('gpgEnvironment drops undefined values and unknown names, keeps LC_* by pattern only', (t) => {
  t.deepEqual(
    gpgEnvironment({ PATH: '/bin', HOME: undefined, LC_CTYPE: 'C', LC_x: 'no', NODE_OPTIONS: '-r x' }),
    {
      PATH: '/bin',
      LC_CTYPE: 'C',
    },
  );
});
