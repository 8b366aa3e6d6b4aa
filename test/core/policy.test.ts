import test from 'ava';
import { canonicalProjectSpec, projectFromFilename } from '../../src/core/names.js';
import { allowedSigners, parsePolicy, serializePolicy } from '../../src/core/trust/policy.js';

const A = 'A'.repeat(40);
const B = 'b'.repeat(40);

test('project names come from wheel, sdist and conda file names', (t) => {
  t.deepEqual(projectFromFilename('Foo_Bar-1.0-py3-none-any.whl'), { ecosystem: 'python', name: 'foo-bar' });
  t.deepEqual(projectFromFilename('foo_bar-1.0.tar.gz'), { ecosystem: 'python', name: 'foo-bar' });
  t.deepEqual(projectFromFilename('foo_bar-1.0-py_0.conda'), { ecosystem: 'conda', name: 'foo_bar' });
  t.deepEqual(projectFromFilename('libfoo-2.1-h123_0.tar.bz2'), { ecosystem: 'conda', name: 'libfoo' });
  t.is(projectFromFilename('SHA256SUMS'), undefined);
});

test('policy pins normalize names and fingerprints, and apply per ecosystem', (t) => {
  const policy = parsePolicy(
    JSON.stringify({ version: 1, projects: { 'Foo.Bar': [A], 'conda:foo_bar': [B] } }),
    'p.json',
  );
  t.deepEqual(Object.keys(policy.projects).sort(), ['conda:foo_bar', 'foo-bar']);
  t.deepEqual(allowedSigners(policy, { ecosystem: 'python', name: 'foo-bar' })?.fingerprints, [A]);
  t.deepEqual(
    allowedSigners(policy, { ecosystem: 'conda', name: 'foo_bar' })?.fingerprints.sort(),
    [A, B.toUpperCase()].sort(),
  );
  t.is(allowedSigners(policy, { ecosystem: 'python', name: 'other' }), undefined);
  t.is(canonicalProjectSpec('CONDA:Foo_Bar'), 'conda:foo_bar');
  t.deepEqual(parsePolicy(serializePolicy(policy), 'x'), policy);
});

test('a malformed policy names the file', (t) => {
  t.throws(() => parsePolicy('{', 'trust.json'), { message: /trust\.json is not valid JSON/ });
  t.throws(() => parsePolicy('{"projects":{"x":["abc"]}}', 'trust.json'), { message: /full fingerprints/ });
});
