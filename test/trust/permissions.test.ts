import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { KeyStore } from '../../src/core/keys/store.js';

async function home(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'distseal-perm-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  await fs.chmod(dir, 0o700);
  await fs.mkdir(path.join(dir, 'trusted'), { mode: 0o700 });
  await fs.writeFile(path.join(dir, 'trusted', 'policy.json'), '{"version":1,"projects":{}}\n', {
    mode: 0o644,
  });
  await fs.writeFile(path.join(dir, 'trusted', `${'A'.repeat(40)}.asc`), 'key\n', { mode: 0o644 });
  return dir;
}

async function warnings(dir: string): Promise<string[]> {
  const seen: string[] = [];
  const logger = { info: () => undefined, debug: () => undefined, warn: (m: string) => seen.push(m) };
  await KeyStore.open({ home: dir, logger });
  return seen;
}

const skipOnWindows = process.platform === 'win32' ? test.skip : test;

skipOnWindows('a home with private directories and read-only trust files gets no warning', async (t) => {
  t.deepEqual(await warnings(await home(t)), []);
});

skipOnWindows(
  'trusted/, its key files and policy.json writable by others are warned about, naming what could change',
  async (t) => {
    const dir = await home(t);
    const trusted = path.join(dir, 'trusted');
    const policy = path.join(trusted, 'policy.json');
    const key = path.join(trusted, `${'A'.repeat(40)}.asc`);
    await fs.chmod(trusted, 0o777);
    await fs.chmod(policy, 0o664);
    await fs.chmod(key, 0o646);
    const seen = await warnings(dir);
    const about = (file: string) => seen.filter((w) => w.includes(`${file} (`));
    t.regex(
      about(trusted).join('\n'),
      /anyone on this machine can write it .*add a key of theirs to the trusted keyring/,
    );
    t.regex(about(policy).join('\n'), /your group can write it .*which keys may sign which project/);
    t.regex(about(key).join('\n'), /anyone on this machine can write it .*replace a trusted key/);
    t.true(seen.every((w) => !w.includes('chmod') || /chmod (go-w|700|600) '/.test(w)));
  },
);

skipOnWindows('a home writable by others is warned about as writable, not only as readable', async (t) => {
  const dir = await home(t);
  await fs.chmod(dir, 0o777);
  const seen = (await warnings(dir)).filter((w) => w.includes(`${dir} (`));
  t.true(seen.some((w) => /others may read it/.test(w)));
  t.true(seen.some((w) => /can write it .*replace your keys, trusted keys and pins/.test(w)));
});
