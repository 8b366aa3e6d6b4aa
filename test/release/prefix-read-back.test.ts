import test from 'ava';
import { FakePrefix } from '../helpers/fake-prefix.js';
import { CONDA, releaseProject } from './helpers.js';

// `--to prefix:CHANNEL`: after the upload, the channel's repodata.json (where repo.prefix.dev
// serves it; --prefix-repo-url points at the loopback fake) must list each package with the
// local sha256 and size.
async function setup(t: { teardown: (fn: () => Promise<void>) => void }, options = {}) {
  const p = await releaseProject();
  const fake = await new FakePrefix({ keys: ['prefix-key'], channels: ['chan'], ...options }).start();
  t.teardown(async () => {
    await fake.stop();
    await p.cleanup();
  });
  const release = () =>
    p.release(
      [
        '--to',
        'prefix:chan',
        '--prefix-url',
        fake.url,
        '--prefix-repo-url',
        fake.url,
        '--no-audit',
        '--yes',
        '--json',
      ],
      { PREFIX_API_KEY: 'prefix-key' },
    );
  return { p, fake, release };
}

test.serial(
  'prefix.dev: the repodata lists the package with the same sha256 and size: verified',
  async (t) => {
    const { fake, release } = await setup(t);
    const r = await release();
    t.is(r.code, 0, r.stderr);
    const target = JSON.parse(r.stdout).targets[0];
    t.true(target.verified.checked);
    t.true(target.verified.ok);
    t.deepEqual(target.verified.problems, []);
    t.deepEqual(
      target.files.map((f: any) => [f.name, f.status]),
      [[CONDA, 'uploaded']],
    );
    t.true(fake.requests.some((q) => q.path === '/chan/noarch/repodata.json'));
  },
);

test.serial(
  'prefix.dev: the channel already holds other bytes under the name: exit 3 naming the file',
  async (t) => {
    const { fake, release } = await setup(t);
    // Someone published a different build under the same name: the upload is a 409 (skipped).
    fake.files.set('chan', new Map([[CONDA, 'f'.repeat(64)]]));
    fake.sizes.set('chan', new Map([[CONDA, 12345]]));
    const r = await release();
    t.is(r.code, 3, r.stderr);
    const target = JSON.parse(r.stdout).targets[0];
    t.false(target.verified.ok);
    t.is(target.verified.problems.length, 1);
    const problem: string = target.verified.problems[0];
    t.true(problem.startsWith(`${CONDA}: `), problem);
    t.regex(problem, /repodata\.json lists other bytes: sha256 f{64}, 12345 bytes/);
    t.regex(r.stderr, /prefix:chan serves differs/);
  },
);

test.serial('prefix.dev: a package missing from the repodata: exit 3 naming the file', async (t) => {
  // The server accepts the upload but lists it under another subdir than the package says.
  const { release } = await setup(t, { subdirOf: () => 'linux-64' });
  const r = await release();
  t.is(r.code, 3, r.stderr);
  const { problems } = JSON.parse(r.stdout).targets[0].verified;
  t.is(problems.length, 1);
  t.regex(
    problems[0],
    new RegExp(`^${CONDA}: not listed in http://127\\.0\\.0\\.1:\\d+/chan/noarch/repodata\\.json`),
  );
});
