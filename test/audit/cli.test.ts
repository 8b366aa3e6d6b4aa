import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { ignoresFromPyproject, ignoreSet, parseIgnoreFlag } from '../../src/core/audit/ignores.js';
import { indexJson, writeConda } from '../conda/make.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { SDIST, WHEEL } from './helpers.js';

const withBandit = peerTest(['bandit']);

test('ignores: flag and pyproject forms, reasons, expiry', (t) => {
  t.deepEqual(parseIgnoreFlag('PYSEC-2018-28'), {
    id: 'PYSEC-2018-28',
    reason: 'given with --ignore',
    source: '--ignore',
  });
  t.deepEqual(parseIgnoreFlag('B602:2027-01-31:reviewed: shell is a constant'), {
    id: 'B602',
    reason: 'reviewed: shell is a constant',
    expires: '2027-01-31',
    source: '--ignore',
  });
  t.throws(() => parseIgnoreFlag('B602:31/01/2027'), { code: 'E_IGNORE' });
  t.throws(() => parseIgnoreFlag(''), { code: 'E_IGNORE' });
  const toml =
    '[tool.distseal.audit]\nignore = [\n' +
    '  { id = "CVE-2018-18074", reason = "no redirects", expires = 2026-01-01 },\n' +
    '  { id = "B101", reason = "tests" },\n]\n';
  const list = ignoresFromPyproject(toml, 'pyproject.toml');
  t.deepEqual(
    list.map((i) => [i.id, i.expires]),
    [
      ['CVE-2018-18074', '2026-01-01'],
      ['B101', undefined],
    ],
  );
  const set = ignoreSet(list, '2026-11-29');
  t.deepEqual(
    set.expired.map((e) => e.id),
    ['CVE-2018-18074'],
  );
  t.is(set.match(['PYSEC-2018-28', 'CVE-2018-18074']), undefined);
  t.regex(set.match(['b101'])!, /^tests \(pyproject\.toml\)$/);
  t.is(
    ignoreSet(list, '2026-01-01').match(['CVE-2018-18074']),
    'no redirects (pyproject.toml, until 2026-01-01)',
  );
  t.throws(() => ignoresFromPyproject('[tool.distseal.audit]\nignore = [{ id = "X" }]\n', 'p.toml'), {
    message: /has no reason/,
  });
  t.throws(() => ignoresFromPyproject('[tool.distseal.audit\n', 'p.toml'), { code: 'E_PYPROJECT' });
});

test('an advisory ignored by an alias no longer fails; an expired ignore does, and says so', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  await writeFile(path.join(dir, 'req.txt'), 'requests==2.19.0\n');
  const both = [
    '--ignore',
    'CVE-2018-18074::we never follow redirects',
    '--ignore',
    'GHSA-j8r2-6x86-q33q:2099-12-31:no proxies',
  ];
  const ok = await runCli(['audit', '-r', 'req.txt', ...both, '--json'], { cwd: dir });
  t.is(ok.code, 0, ok.stderr);
  const report = JSON.parse(ok.stdout);
  t.true(report.ok);
  t.deepEqual(
    report.dependencies[0].vulns.map((v: { id: string; ignored: string }) => [v.id, v.ignored]),
    [
      ['PYSEC-2018-28', 'we never follow redirects (--ignore)'],
      ['PYSEC-2023-74', 'no proxies (--ignore, until 2099-12-31)'],
    ],
  );
  const expired = await runCli(
    ['audit', '-r', 'req.txt', '--ignore', 'CVE-2018-18074:2020-01-01:old', '--ignore', 'PYSEC-2023-74'],
    { cwd: dir },
  );
  t.is(expired.code, 4);
  t.regex(
    expired.stderr,
    /The ignore of CVE-2018-18074 expired on 2020-01-01 \("old"\); it no longer ignores anything/,
  );
  t.regex(expired.stdout, /PYSEC-2023-74 .*\[ignored: given with --ignore/);
  await writeFile(
    path.join(dir, 'pyproject.toml'),
    '[tool.distseal.audit]\nignore = [\n { id = "PYSEC-2018-28", reason = "r1" },\n' +
      ' { id = "PYSEC-2023-74", reason = "r2", expires = "2099-01-01" },\n]\n',
  );
  const project = await runCli(['audit', '-r', 'req.txt'], { cwd: dir });
  t.is(project.code, 0, project.stdout + project.stderr);
  await writeFile(
    path.join(dir, 'pyproject.toml'),
    '[tool.distseal.audit]\nignore = [{ id = "PYSEC-2018-28" }]\n',
  );
  const noReason = await runCli(['audit', '-r', 'req.txt'], { cwd: dir });
  t.is(noReason.code, 2);
  t.regex(
    noReason.stderr,
    /pyproject\.toml: \[tool\.distseal\.audit\] ignore\[0\] \(PYSEC-2018-28\) has no reason/,
  );
});

withBandit(
  'SARIF 2.1.0 covers both halves with rule ids and paths inside the dist; ignored results are suppressed',
  async (t) => {
    const cli = await runCli([
      'audit',
      SDIST,
      WHEEL,
      '--format',
      'sarif',
      '--ignore',
      'B404::imports are fine',
    ]);
    t.is(cli.code, 4, cli.stderr);
    const sarif = JSON.parse(cli.stdout);
    t.is(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
    t.true(ruleIds.includes('B602'));
    t.true(ruleIds.includes('PYSEC-2018-28'));
    for (const r of run.results) t.true(ruleIds.includes(r.ruleId), r.ruleId);
    const shell = run.results.find((r: { ruleId: string }) => r.ruleId === 'B602');
    t.deepEqual(shell.locations[0].physicalLocation, {
      artifactLocation: { uri: 'insecure-sample-0.1.0/src/insecure_sample/__init__.py' },
      region: { startLine: 8 },
    });
    t.is(shell.level, 'error');
    const imports = run.results.filter((r: { ruleId: string }) => r.ruleId === 'B404');
    t.true(
      imports.length > 0 && imports.every((r: { suppressions?: unknown[] }) => r.suppressions?.length === 1),
    );
    t.is(run.properties.database.date, '2024-10-10');
  },
);

test('conda packages: their depends are listed as not audited; nothing to audit is exit 2', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const stem = 'pkg-1.0-h0_0';
  await writeConda(path.join(dir, `${stem}.conda`), stem, [
    { name: 'info/index.json', data: indexJson({ depends: ['python >=3.8', 'requests 2.19.*'] }) },
  ]);
  const cli = await runCli(['audit', '--no-code', `${stem}.conda`, '--json'], { cwd: dir });
  t.is(cli.code, 0, cli.stderr);
  const report = JSON.parse(cli.stdout);
  t.deepEqual(
    report.not_audited.map((n: { subject: string; reason: string }) => [n.subject, n.reason]),
    [
      ['pkg 1.0', 'a conda package (no conda advisory source)'],
      ['python >=3.8', 'a conda dependency (no conda advisory source)'],
      ['requests 2.19.*', 'a conda dependency (no conda advisory source)'],
    ],
  );
  const none = await runCli(['audit']);
  t.is(none.code, 2);
  t.regex(none.stderr, /Name what to audit/);
  const both = await runCli(['audit', WHEEL, '--no-code', '--no-deps']);
  t.is(both.code, 2);
});

withBandit(
  'conda packages: the Python files they carry are scanned, at their paths inside the package',
  async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const stem = 'shelly-1.0-py_0';
    const code = 'import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n';
    await writeConda(
      path.join(dir, `${stem}.conda`),
      stem,
      [{ name: 'info/index.json', data: indexJson({ name: 'shelly' }) }],
      [
        { name: 'site-packages/shelly/__init__.py', data: code },
        { name: 'share/doc.txt', data: 'not python' },
      ],
    );
    const cli = await runCli(['audit', '--no-deps', `${stem}.conda`, '--json'], { cwd: dir });
    t.is(cli.code, 4, cli.stderr);
    const report = JSON.parse(cli.stdout);
    const shell = report.code.find((c: { test_id: string }) => c.test_id === 'B602');
    t.like(shell, { dist: `${stem}.conda`, location: 'site-packages/shelly/__init__.py:5' });
  },
);
