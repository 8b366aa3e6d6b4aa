import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { splitInputs } from '../../src/core/upload/pypi/inputs.js';
import { tempDir } from '../helpers/cli.js';

test('inputs split twine-style: wheels first, .asc by basename or beside the dist, attestations by prefix', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const f = (n: string) => path.join(dir, n);
  for (const n of [
    'p-1.0.tar.gz',
    'p-1.0-py3-none-any.whl',
    'p-1.0.tar.gz.asc',
    'p-1.0-py3-none-any.whl.asc',
    'p-1.0-py3-none-any.whl.publish.attestation',
    'p-1.0.tar.gz.publish.attestation',
  ]) {
    await writeFile(f(n), '');
  }
  const split = await splitInputs(
    [
      'p-1.0.tar.gz',
      'p-1.0-py3-none-any.whl',
      'p-1.0.tar.gz.asc',
      'p-1.0-py3-none-any.whl.publish.attestation',
      'p-1.0.tar.gz.publish.attestation',
    ],
    { attestations: true, cwd: dir },
  );
  t.deepEqual(split.dists, [f('p-1.0-py3-none-any.whl'), f('p-1.0.tar.gz')]);
  t.is(split.signatures.get(f('p-1.0.tar.gz')), f('p-1.0.tar.gz.asc'));
  t.is(
    split.signatures.get(f('p-1.0-py3-none-any.whl')),
    f('p-1.0-py3-none-any.whl.asc'),
    'found beside the dist',
  );
  t.deepEqual(split.attestations.get(f('p-1.0.tar.gz')), [f('p-1.0.tar.gz.publish.attestation')]);
  const ignored = await splitInputs(['p-1.0.tar.gz', 'p-1.0.tar.gz.publish.attestation'], { cwd: dir });
  t.is(ignored.attestations.size, 0, 'attestations are ignored without --attestations');
  // Each dist on its own: an attestation file beside it is not enough, it must be passed too.
  await t.throwsAsync(splitInputs(['p-1.0-py3-none-any.whl'], { attestations: true, cwd: dir }), {
    message: /p-1\.0-py3-none-any\.whl has no associated attestations/,
  });
  await t.throwsAsync(splitInputs(['p-1.0.tar.gz'], { attestations: true, cwd: dir }), {
    message: /p-1\.0\.tar\.gz has no associated attestations/,
  });
  // The wheel's attestation does not count for the sdist (matched by the dist's own basename).
  await t.throwsAsync(
    splitInputs(['p-1.0.tar.gz', 'p-1.0-py3-none-any.whl.publish.attestation'], {
      attestations: true,
      cwd: dir,
    }),
    { message: /p-1\.0\.tar\.gz has no associated attestations/ },
  );
  await t.throwsAsync(splitInputs(['p-1.0.tar.gz.asc'], { cwd: dir }), { message: /No dists to upload/ });
  await t.throwsAsync(splitInputs(['p-1.0-py3-none-any.whl', 'other-2.0.tar.gz.asc'], { cwd: dir }), {
    message: /Cannot upload signed files by themselves/,
  });
  await t.throwsAsync(splitInputs(['notes.txt'], { cwd: dir }), {
    message: /notes\.txt is not a Python dist/,
  });
});

test('a SHA256SUMS and its .asc in dist/* are skipped, not refused as non-dists', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  for (const n of ['p-1.0.tar.gz', 'SHA256SUMS', 'SHA256SUMS.asc']) await writeFile(path.join(dir, n), '');
  const split = await splitInputs(['p-1.0.tar.gz', 'SHA256SUMS', 'SHA256SUMS.asc'], { cwd: dir });
  t.deepEqual(split.dists, [path.join(dir, 'p-1.0.tar.gz')]);
  t.deepEqual(split.skipped, [path.join(dir, 'SHA256SUMS'), path.join(dir, 'SHA256SUMS.asc')]);
  t.is(split.signatures.size, 0);
});
