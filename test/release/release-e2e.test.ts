import test from 'ava';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { FakeGithub } from '../helpers/fake-github.js';
import { startIndexServer } from '../helpers/pypi-server.js';
import { CONDA, FPR, releaseProject, SDIST, WHEEL } from './helpers.js';

/**
 * `distseal release` end to end: the local strict index, a file channel, the fake GitHub API and
 * an assets directory in one run; then the same command again skips everything.
 */
test.serial(
  'one release to an index, a file channel, GitHub and a directory; verified; a rerun skips all',
  async (t) => {
    const p = await releaseProject();
    const index = await startIndexServer();
    const gh = await new FakeGithub().start();
    t.teardown(async () => {
      await index.close();
      await gh.stop();
      await p.cleanup();
    });
    const args = [
      '--to',
      index.uploadUrl,
      '--to',
      'channel:chan',
      '--to',
      'github:me/proj',
      '--to',
      'dir:assets',
      '--tag',
      'v1.0.0',
      '--github-api-url',
      gh.url,
      '--no-audit',
      '--yes',
      '--json',
      '--receipt',
      'receipt.json',
    ];
    const r = await p.release(args);
    t.is(r.code, 0, r.stderr);
    const receipt = JSON.parse(r.stdout);
    t.true(receipt.ok);
    t.is(receipt.key.fingerprint, FPR);
    t.deepEqual(JSON.parse(await readFile(path.join(p.dir, 'receipt.json'), 'utf8')), receipt);
    t.regex(
      receipt.commandLine,
      /^distseal release dist\/\S+ .*--to github:me\/proj .*--tag v1\.0\.0 .*--key 2D28D366\S+ --no-audit --yes$/,
    );
    for (const target of receipt.targets) {
      t.true(target.ok, JSON.stringify(target));
      t.true(target.verified.ok && target.verified.checked, JSON.stringify(target.verified));
    }
    const [pypi, chan, github, dir] = receipt.targets;
    t.deepEqual(pypi.files.map((f: any) => [f.name, f.status]).sort(), [
      [SDIST, 'uploaded'],
      [WHEEL, 'uploaded'],
    ]);
    t.deepEqual(
      chan.files.map((f: any) => [f.name, f.status]),
      [[CONDA, 'uploaded']],
    );
    t.is(github.files.length, 8); // 3 dists, 3 .asc, SHA256SUMS, SHA256SUMS.asc
    t.true(dir.files.every((f: any) => f.status === 'uploaded'));

    // What the index holds (with the .asc it was sent), the channel, GitHub and the directory.
    t.true((await readdir(path.join(index.dir, 'packages'))).includes(`${WHEEL}.asc`));
    t.true((await readdir(path.join(p.dir, 'chan', 'noarch'))).includes(`${CONDA}.asc`));
    const rel = gh.release('v1.0.0')!;
    t.false(rel.draft);
    const byName = new Map(rel.assets.map((a) => [a.name, a]));
    t.is(byName.get(WHEEL)!.contentType, 'application/zip');
    t.is(byName.get(SDIST)!.contentType, 'application/gzip');
    t.is(byName.get(`${WHEEL}.asc`)!.contentType, 'application/pgp-signature');
    t.is(byName.get('SHA256SUMS')!.contentType, 'text/plain');
    t.deepEqual(byName.get(WHEEL)!.data, await readFile(path.join(p.dist, WHEEL)));
    const sums = await readFile(path.join(p.dir, 'assets', 'SHA256SUMS'), 'utf8');
    t.is(sums.trim().split('\n').length, 3);

    // The same command again: nothing new is sent, everything is still verified.
    const uploadsBefore = index.uploads.length;
    const assetPosts = gh.requests.filter((q) => q.path.startsWith('/uploads/')).length;
    const again = await p.release(args);
    t.is(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout);
    for (const target of second.targets)
      t.true(
        target.files.every((f: any) => f.status === 'skipped'),
        JSON.stringify(target.files),
      );
    t.is(index.uploads.length, uploadsBefore);
    t.is(gh.requests.filter((q) => q.path.startsWith('/uploads/')).length, assetPosts);
  },
);

test.serial('--dry-run sends nothing and says what would go where', async (t) => {
  const p = await releaseProject();
  const index = await startIndexServer();
  t.teardown(async () => {
    await index.close();
    await p.cleanup();
  });
  const r = await p.release([
    '--to',
    index.uploadUrl,
    '--to',
    'dir:assets',
    '--dry-run',
    '--no-audit',
    '--json',
  ]);
  t.is(r.code, 0, r.stderr);
  const receipt = JSON.parse(r.stdout);
  t.true(receipt.dryRun);
  t.true(receipt.targets.every((x: any) => x.files.every((f: any) => f.status === 'would-upload')));
  t.is(index.uploads.length, 0);
  await t.throwsAsync(() => readdir(path.join(p.dir, 'assets')));
});

test.serial('without a terminal and without --yes nothing is sent (exit 2)', async (t) => {
  const p = await releaseProject();
  const index = await startIndexServer();
  t.teardown(async () => {
    await index.close();
    await p.cleanup();
  });
  const r = await p.release(['--to', index.uploadUrl, '--no-audit']);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /--yes/);
  t.is(index.uploads.length, 0);
});
