import test from 'ava';
import { field, fieldList, parseCoreMetadata } from '../../src/core/distributions/python/metadata.js';
import {
  canonicalVersion,
  isValidVersion,
  parseSdistFilename,
  parseWheelFilename,
  safeName,
  sameVersion,
} from '../../src/core/distributions/python/filename.js';
import { validateMetadata } from '../../src/core/distributions/python/validate.js';

test('headers, folded lines, multi-valued fields and the body as description', (t) => {
  const m = parseCoreMetadata(
    'Metadata-Version: 2.1\r\nName: My.Pkg\r\nVersion: 1.0\r\nSummary: one\r\n  two\r\nClassifier: A\r\nClassifier: B\r\nX-Custom: y\r\n\r\n# Title\r\n\r\nbody\r\n',
  );
  t.is(field(m, 'name'), 'My.Pkg');
  t.is(field(m, 'summary'), 'one two');
  t.deepEqual(fieldList(m, 'classifiers'), ['A', 'B']);
  t.is(field(m, 'description'), '# Title\n\nbody\n');
  t.is(m.descriptionSource, 'body');
  t.deepEqual(m.unknown, ['X-Custom']);
});

test('a folded Description header (setuptools 7-spaces-and-bar style) keeps its lines', (t) => {
  const m = parseCoreMetadata(
    'Metadata-Version: 1.2\nName: x\nVersion: 1\nDescription: line one\n       |line two\n       |\n       |line four\nKeywords: a,b\n',
  );
  t.is(field(m, 'description'), 'line one\nline two\n\nline four');
  t.is(field(m, 'keywords'), 'a,b');
  t.is(m.descriptionSource, 'header');
});

test('a repeated single-valued field is reported', (t) => {
  const m = parseCoreMetadata('Metadata-Version: 2.1\nName: x\nName: y\nVersion: 1\n');
  t.is(field(m, 'name'), 'x');
  t.deepEqual(m.duplicates, ['Name']);
  t.true(validateMetadata(m).some((f) => f.rule === 'metadata-duplicate'));
});

test('wheel and sdist filename grammar', (t) => {
  t.like(parseWheelFilename('pkg-1.0-1-py2.py3-none-any.whl'), {
    name: 'pkg',
    version: '1.0',
    build: '1',
    pythonTag: 'py2.py3',
    abiTag: 'none',
    platformTag: 'any',
  });
  t.like(parseWheelFilename('numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'), {
    pythonTag: 'cp312',
  });
  t.is(parseWheelFilename('pkg-1.0.whl'), undefined);
  t.like(parseSdistFilename('my-legacy-pkg-2.0.1.tar.gz'), {
    name: 'my-legacy-pkg',
    version: '2.0.1',
    extension: '.tar.gz',
  });
  t.like(parseSdistFilename('my_pkg-1.0rc1.zip'), { name: 'my_pkg', version: '1.0rc1', extension: '.zip' });
  t.is(safeName('my_pkg.name'), 'my-pkg.name');
});

test('PEP 440 versions', (t) => {
  for (const v of ['1.0', '1!2.0.post1.dev3', '1.0rc1', '2.0+local.1', 'v1.0', '1.0-1'])
    t.true(isValidVersion(v), v);
  for (const v of ['1.0-beta-x', 'latest', '', '1..0']) t.false(isValidVersion(v), v);
  t.is(canonicalVersion('1.0.0'), '1');
  t.is(canonicalVersion('1.0-1'), '1.post1');
  t.is(canonicalVersion('1.0ALPHA2'), '1a2');
  t.true(sameVersion('1.0.0', '1.0'));
  t.false(sameVersion('1.0.1', '1.0'));
});

test('validation: required fields, version, fields too new for the Metadata-Version, content type, urls', (t) => {
  const rules = (text: string) =>
    validateMetadata(parseCoreMetadata(text)).map((f) => `${f.severity}:${f.rule}`);
  t.true(rules('Metadata-Version: 2.1\nVersion: 1\n').includes('error:metadata-required'));
  t.true(
    rules('Metadata-Version: 2.1\nName: x\nVersion: banana\n').includes('error:metadata-version-string'),
  );
  t.true(rules('Metadata-Version: 3.0\nName: x\nVersion: 1\n').includes('error:metadata-version'));
  t.true(
    rules('Metadata-Version: 1.0\nName: x\nVersion: 1\nRequires-Dist: y\n').includes(
      'error:metadata-field-version',
    ),
  );
  t.true(
    rules('Metadata-Version: 2.1\nName: x\nVersion: 1\nLicense-File: LICENSE\n').includes(
      'warning:metadata-field-version',
    ),
  );
  t.true(
    rules('Metadata-Version: 2.1\nName: x\nVersion: 1\n').includes(
      'warning:metadata-description-content-type',
    ),
  );
  t.true(rules('Metadata-Version: 2.1\nName: x\nVersion: 1\n').includes('warning:metadata-description'));
  t.true(
    rules('Metadata-Version: 2.1\nName: x\nVersion: 1\nDescription-Content-Type: text/html\n\nbody').includes(
      'error:metadata-description-content-type',
    ),
  );
  t.true(
    rules(
      'Metadata-Version: 2.1\nName: x\nVersion: 1\nProject-URL: a-label-that-is-much-longer-than-thirty-two, https://x\n',
    ).includes('error:metadata-project-url'),
  );
  t.true(
    rules('Metadata-Version: 2.4\nName: x\nVersion: 1\nLicense: MIT\nLicense-Expression: MIT\n').includes(
      'error:metadata-license',
    ),
  );
  const clean = rules(
    'Metadata-Version: 2.4\nName: x\nVersion: 1.0\nDescription-Content-Type: text/markdown; charset=UTF-8; variant=GFM\nLicense-Expression: MIT\nLicense-File: LICENSE\n\n# hi\n',
  );
  t.deepEqual(clean, []);
});
