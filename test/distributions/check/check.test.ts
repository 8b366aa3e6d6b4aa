import path from 'node:path';
import test from 'ava';
import { checkDist } from '../../../src/core/distributions/check.js';
import { scanMemberForLeaks } from '../../../src/core/distributions/leaks.js';
import { makeTarGz, makeWheel, metadataText, withPython } from '../../helpers/bad-dists.js';
import { FIXTURES, runCli, tempDir } from '../../helpers/cli.js';

const PY = path.join(FIXTURES, 'python');

test('leak rules by path and by content name the member and the rule', (t) => {
  const rules = (name: string, text = '') => scanMemberForLeaks(name, Buffer.from(text)).map((f) => f.rule);
  t.deepEqual(rules('pkg/.pypirc'), ['leak-pypirc']);
  t.deepEqual(rules('home/.netrc'), ['leak-netrc']);
  t.deepEqual(rules('pkg/.env'), ['leak-dotenv']);
  t.deepEqual(rules('pkg/.env.production'), ['leak-dotenv']);
  t.deepEqual(rules('pkg/.env.example'), []);
  t.deepEqual(rules('.github/workflows/ci.yml'), []);
  t.deepEqual(rules('pkg-1.0/.git/config'), ['leak-git']);
  t.deepEqual(rules('keys/id_ed25519'), ['leak-ssh-key']);
  t.deepEqual(rules('keys/deploy.pem', '-----BEGIN RSA PRIVATE KEY-----\nMII'), ['leak-pem-private-key']);
  t.deepEqual(rules('certifi/cacert.pem', '-----BEGIN CERTIFICATE-----\nMII'), []);
  t.deepEqual(rules('x/key.asc', '-----BEGIN PGP PRIVATE KEY BLOCK-----\n'), ['leak-pgp-private-key']);
  t.deepEqual(rules('x/pub.asc', '-----BEGIN PGP PUBLIC KEY BLOCK-----\n'), []);
  t.deepEqual(rules('x/settings.py', `TOKEN = "pypi-AgEIcHlwaS5vcmc${'A'.repeat(60)}"`), ['leak-pypi-token']);
  t.deepEqual(rules('x/ci.yml', `token: ghp_${'a1B2'.repeat(9)}`), ['leak-github-token']);
  t.deepEqual(rules('x/aws.cfg', 'key = AKIAIOSFODNN7EXAMPLE'), ['leak-aws-key']);
  t.deepEqual(rules('x/readme.md', 'Use a token that starts with pypi- from your account page.'), []);
  const f = scanMemberForLeaks('pkg/.pypirc', Buffer.alloc(0))[0]!;
  t.is(f.member, 'pkg/.pypirc');
  t.is(f.severity, 'error');
});

test('real setuptools and flit dists pass', async (t) => {
  for (const f of [
    'distseal_sample-1.0.0-py3-none-any.whl',
    'distseal-sample-1.0.0.tar.gz',
    'flit_sample-0.3.0-py3-none-any.whl',
    'flit_sample-0.3.0.tar.gz',
  ]) {
    const report = await checkDist(path.join(PY, f));
    t.deepEqual(report.findings, [], f);
    t.truthy(report.name);
  }
});

withPython(
  'a dist with leaks, a mismatched version and unsafe names is reported member by member',
  async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const wheel = makeWheel(dir, 'leaky', '1.0', [
      ['leaky/.pypirc', '[pypi]\npassword = x\n'],
      ['leaky/.git/config', '[core]\n'],
      ['leaky/.git/HEAD', 'ref: refs/heads/main\n'],
      ['leaky/key.txt', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n'],
    ]);
    const report = await checkDist(wheel);
    const got = report.findings.map((f) => `${f.rule}@${f.member}`);
    t.true(got.includes('leak-pypirc@leaky/.pypirc'));
    t.is(got.filter((g) => g.startsWith('leak-git')).length, 1, 'one finding for the whole .git tree');
    t.true(got.includes('leak-ssh-private-key@leaky/key.txt'));
    // A member that climbs out of the target directory: the zip reader refuses the archive and names it.
    const evil = makeWheel(dir, 'evil', '1.0', [['../evil.py', '']]);
    const err = await t.throwsAsync(checkDist(evil));
    t.regex(err!.message, /\.\.\/evil\.py/);
    const sdist = makeTarGz(dir, 'leaky-2.0.tar.gz', [
      [
        'leaky-2.0/PKG-INFO',
        metadataText(
          {
            'Metadata-Version': '2.1',
            Name: 'leaky',
            Version: '1.9',
            'Description-Content-Type': 'text/plain',
          },
          'x',
        ),
      ],
      ['leaky-2.0/.env', 'SECRET=1'],
    ]);
    const s = await checkDist(sdist);
    t.true(
      s.findings.some(
        (f) =>
          f.rule === 'filename-version' && /says version '2\.0' but the metadata says '1\.9'/.test(f.message),
      ),
    );
    t.true(s.findings.some((f) => f.rule === 'leak-dotenv' && f.member === 'leaky-2.0/.env'));
  },
);

withPython('metadata 2.4: License-File entries must be in the archive', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const fields = {
    'Metadata-Version': '2.4',
    'License-Expression': 'MIT',
    'License-File': ['LICENSE', 'NOTICE'],
  };
  const wheel = makeWheel(dir, 'lic', '1.0', [['lic-1.0.dist-info/licenses/LICENSE', 'MIT']], fields);
  const report = await checkDist(wheel);
  const lf = report.findings.filter((f) => f.rule === 'metadata-license-file');
  t.is(lf.length, 1);
  t.regex(lf[0]!.message, /'NOTICE' is not in the archive/);
});

withPython(
  'CLI: exit 0 clean, 1 on failing findings, --strict fails warnings, 2 unreadable, --json',
  async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const clean = await runCli(['check', path.join(PY, 'flit_sample-0.3.0-py3-none-any.whl')]);
    t.is(clean.code, 0, clean.stderr);
    t.regex(clean.stdout, /PASSED/);
    const warnOnly = makeWheel(dir, 'nodesc', '1.0', [], { 'Description-Content-Type': 'text/plain' });
    const { execFileSync } = await import('node:child_process');
    // Drop the description: rewrite METADATA without a body.
    execFileSync('/usr/bin/python3', [
      '-c',
      `import zipfile,sys
src=sys.argv[1];z=zipfile.ZipFile(src);items=[(i,z.read(i)) for i in z.namelist()];z.close()
z=zipfile.ZipFile(src,'w')
for n,d in items: z.writestr(n, d.split(b'\\n\\n')[0]+b'\\n' if n.endswith('METADATA') else d)
z.close()`,
      warnOnly,
    ]);
    const lenient = await runCli(['check', warnOnly]);
    t.is(lenient.code, 0, lenient.stdout);
    t.regex(lenient.stdout, /PASSED with warnings/);
    t.regex(lenient.stdout, /warning \[metadata-description\]/);
    const strict = await runCli(['check', '--strict', warnOnly]);
    t.is(strict.code, 1);
    t.regex(strict.stdout, /FAILED/);
    const leaky = makeWheel(dir, 'leaky', '1.0', [['leaky/.netrc', 'machine x login y password z']]);
    const failing = await runCli(['check', '--json', leaky, path.join(PY, 'flit_sample-0.3.0.tar.gz')]);
    t.is(failing.code, 1);
    const json = JSON.parse(failing.stdout);
    t.is(json.results.length, 2);
    t.is(json.results[0].status, 'failed');
    t.is(json.results[0].findings[0].member, 'leaky/.netrc');
    t.is(json.results[1].status, 'passed');
    const unreadable = await runCli(['check', path.join(PY, 'make.sh')]);
    t.is(unreadable.code, 2);
    t.regex(unreadable.stdout, /make\.sh: UNREADABLE/);
  },
);

test('CLI: check dist/* after sign dist/* --manifest skips the .asc files and the SHA256SUMS', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const { copyFile, writeFile } = await import('node:fs/promises');
  const names = ['distseal_sample-1.0.0-py3-none-any.whl', 'distseal-sample-1.0.0.tar.gz'];
  for (const n of names) {
    await copyFile(path.join(PY, n), path.join(dir, n));
    await writeFile(path.join(dir, `${n}.asc`), '-----BEGIN PGP SIGNATURE-----\n');
  }
  await writeFile(path.join(dir, 'SHA256SUMS'), '');
  await writeFile(path.join(dir, 'SHA256SUMS.asc'), '');
  const all = [...names, ...names.map((n) => `${n}.asc`), 'SHA256SUMS', 'SHA256SUMS.asc'];
  const r = await runCli(['--json', 'check', ...all.map((n) => path.join(dir, n))]);
  t.is(r.code, 0, r.stdout + r.stderr);
  const json = JSON.parse(r.stdout);
  t.is(json.results.length, 2);
  t.true(json.results.every((x: { status: string }) => x.status === 'passed'));
});
