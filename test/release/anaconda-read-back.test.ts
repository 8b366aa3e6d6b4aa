import test from 'ava';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FakeAnaconda } from '../helpers/fake-anaconda.js';
import { CONDA, releaseProject, WHEEL } from './helpers.js';

// `--to anaconda`: the read-back fetches each package's signature from where the upload put it
// (`<name>-signatures/<version>/<file>.asc`) and verifies it; one that does not verify fails (exit 3).
test.serial('anaconda.org: a served signature that does not verify fails the read-back', async (t) => {
  const p = await releaseProject();
  const fake = await new FakeAnaconda({ tokens: { 'conda-token': 'alice' } }).start();
  t.teardown(async () => {
    await fake.stop();
    await p.cleanup();
  });
  const release = () =>
    p.release(['--to', 'anaconda', '--anaconda-url', fake.url, '--no-audit', '--yes', '--json'], {
      ANACONDA_API_TOKEN: 'conda-token',
    });
  const first = await release();
  t.is(first.code, 0, first.stderr);
  const sigPath = `/download/alice/distseal-demo-signatures/1.0.0/${CONDA}.asc`;
  t.true(
    fake.requests.some((q) => q.method === 'GET' && q.path === sigPath && q.status === 302),
    'the signature is read back from where it was uploaded',
  );

  // The served signature replaced by a good signature of another file: the same release, exit 3.
  const stored = fake.dists.get(`alice/distseal-demo-signatures/1.0.0/${CONDA}.asc`)!;
  stored.data = await readFile(path.join(p.dist, `${WHEEL}.asc`));
  const again = await release();
  t.is(again.code, 3, again.stderr);
  const verified = JSON.parse(again.stdout).targets[0].verified;
  t.false(verified.ok);
  t.deepEqual(verified.problems, [`${CONDA}: signature bad`]);
});
