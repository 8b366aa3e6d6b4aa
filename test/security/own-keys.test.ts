import test from 'ava';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';
import { CONDA, cli, homeWithKey, TINY } from '../channel/helpers.js';

/**
 * Item 4 of issue 9: `channel add` ends with "check it with: distseal channel verify DIR", and
 * that command failed because the home's own keys were not trusted. They are now, as gpg trusts
 * its own secret keys; the verdict says "your own key" and the project pins still apply.
 */

async function setup() {
  const { dir, cleanup } = await tempDir('distseal-own-');
  const home = await homeWithKey(dir);
  const file = path.join(dir, 'demo_pkg-1.0.tar.gz');
  await fs.writeFile(file, 'own bytes\n');
  const signed = await cli(home, ['sign', file]);
  if (signed.code !== 0) throw new Error(signed.stderr);
  return { dir, home, file, cleanup };
}

test('sign then verify in one home: verified by your own key', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const r = await cli(s.home, ['verify', s.file]);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /signature 1: good signature by your own key/);
  t.regex(r.stdout, /key +[0-9A-F]{40}.*\(your own key\)$/m);
  const json = JSON.parse((await cli(s.home, ['--json', 'verify', s.file])).stdout);
  t.true(json.results[0].signatures[0].ownKey);
});

test('per-project pins still apply to your own key', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const other = await testKey('ed25519', 'Project Owner');
  const policy = path.join(s.dir, 'trust.json');
  await fs.writeFile(policy, JSON.stringify({ version: 1, projects: { 'demo-pkg': [other.fingerprint] } }));
  const r = await cli(s.home, ['verify', s.file, '--policy', policy]);
  t.is(r.code, 3, r.stdout);
  t.regex(r.stdout, /E_NOT_PINNED/);
});

test('an explicit --keyring is the whole keyring: your own keys are not added to it', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const other = await testKey('ed25519', 'Someone Else');
  const keyring = path.join(s.dir, 'other.asc');
  await fs.writeFile(keyring, other.publicKey.armor());
  const r = await cli(s.home, ['verify', s.file, '--keyring', keyring]);
  t.is(r.code, 3, r.stdout);
  t.regex(r.stdout, /E_UNKNOWN_KEY/);
});

test('channel add, then the channel verify it suggests, in one home: exit 0', async (t) => {
  const s = await setup();
  t.teardown(s.cleanup);
  const channel = path.join(s.dir, 'channel');
  const add = await cli(s.home, ['channel', 'add', channel, CONDA, TINY]);
  t.is(add.code, 0, add.stderr);
  t.regex(add.stdout + add.stderr, /distseal channel verify/);
  const r = await cli(s.home, ['channel', 'verify', channel]);
  t.is(r.code, 0, r.stdout + r.stderr);
});
