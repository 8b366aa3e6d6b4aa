import test from 'ava';
import fc from 'fast-check';
import {
  filenameProblems,
  isValidLabel,
  isValidSubdir,
  parseCondaFilename,
} from '../../src/core/distributions/conda/filename.js';
import { deriveSubdir, indexProblems } from '../../src/core/distributions/conda/index-json.js';

test('splits on the last two hyphens', (t) => {
  t.like(parseCondaFilename('python-dateutil-2.9.0-pyhd8ed1ab_0.conda'), {
    name: 'python-dateutil',
    version: '2.9.0',
    build: 'pyhd8ed1ab_0',
    format: 'conda',
    stem: 'python-dateutil-2.9.0-pyhd8ed1ab_0',
  });
  t.like(parseCondaFilename('_libgcc_mutex-0.1-main.tar.bz2'), {
    name: '_libgcc_mutex',
    version: '0.1',
    build: 'main',
    format: 'tar.bz2',
  });
  t.is(parseCondaFilename('nohyphen.conda'), undefined);
  t.is(parseCondaFilename('a-b.conda'), undefined);
  t.is(parseCondaFilename('a-1.0-0.whl'), undefined);
});

test('CEP 26 rules: names, versions, builds, lengths', (t) => {
  t.deepEqual(filenameProblems('numpy-1.26.4-py312h8753938_0.conda'), []);
  t.regex(filenameProblems('NumPy-1.0-0.conda').join(' '), /lowercase/);
  t.regex(filenameProblems('a__b-1.0-0.conda').join(' '), /two separators/);
  t.regex(filenameProblems('pkg-1.0-build#1.conda').join(' '), /build string/);
  t.regex(filenameProblems('pkg-1.0A-0.conda').join(' '), /version/);
  t.regex(filenameProblems(`${'a'.repeat(65)}-1.0-0.conda`).join(' '), /longer than 64/);
  t.regex(
    filenameProblems(`${'a'.repeat(220)}-1.0-0.conda`).join(' '),
    /232 characters long \(at most 211\)/,
  );
});

test('any well-formed name/version/build round-trips through the filename', (t) => {
  const name = fc.stringMatching(/^[a-z0-9][a-z0-9]{0,10}(?:[._-][a-z0-9]{1,5}){0,3}$/);
  const version = fc.stringMatching(/^[0-9][0-9a-z._+!]{0,12}$/);
  const build = fc.stringMatching(/^[a-zA-Z0-9_.+]{1,12}$/);
  fc.assert(
    fc.property(name, version, build, fc.constantFrom('conda', 'tar.bz2'), (n, v, b, ext) => {
      const parsed = parseCondaFilename(`${n}-${v}-${b}.${ext}`);
      return parsed?.name === n && parsed.version === v && parsed.build === b;
    }),
  );
  t.pass();
});

test('subdirs and labels', (t) => {
  for (const ok of ['noarch', 'linux-64', 'osx-arm64', 'emscripten-wasm32']) t.true(isValidSubdir(ok), ok);
  for (const bad of ['', 'linux', 'Linux-64', 'linux_64', 'linux-64-x']) t.false(isValidSubdir(bad), bad);
  t.true(isValidLabel('main'));
  t.true(isValidLabel('rc/1.0'));
  t.false(isValidLabel('1dev'));
});

test('subdir derivation as anaconda-client does it, and index.json problems', (t) => {
  t.is(deriveSubdir({ subdir: 'linux-64' }), 'linux-64');
  t.is(deriveSubdir({}), 'noarch');
  t.is(deriveSubdir({ platform: 'linux', arch: 'x86_64' }), 'linux-64');
  t.is(deriveSubdir({ platform: 'win', arch: 'x86' }), 'win-32');
  const file = parseCondaFilename('pkg-1.0-h0_0.conda')!;
  t.deepEqual(
    indexProblems({ name: 'pkg', version: '1.0', build: 'h0_0', build_number: 0, subdir: 'noarch' }, file),
    [],
  );
  const rules = indexProblems({ name: 'pkg', version: '1.1', build_number: -1 }, file).map((p) => p.rule);
  t.deepEqual(rules.sort(), [
    'conda-filename-mismatch',
    'conda-index-field',
    'conda-index-field',
    'conda-subdir-missing',
  ]);
});
