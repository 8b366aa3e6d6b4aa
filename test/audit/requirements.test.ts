import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { parseRequirement, pinnedVersion } from '../../src/core/audit/pep508.js';
import { readRequirements } from '../../src/core/audit/requirements.js';
import { readSitePackages } from '../../src/core/audit/site-packages.js';
import { runCli, tempDir } from '../helpers/cli.js';

async function files(dir: string, entries: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(entries)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
}

test('PEP 508 requirements: names, extras, specifiers, markers, URLs', (t) => {
  t.like(parseRequirement('Requests[socks, security] (>=2.0, <3) ; python_version < "3.8"'), {
    name: 'Requests',
    key: 'requests',
    extras: ['socks', 'security'],
    specifier: '>=2.0,<3',
    marker: 'python_version < "3.8"',
  });
  t.like(parseRequirement('pkg @ https://example.org/pkg-1.0.tar.gz ; sys_platform == "linux"'), {
    url: 'https://example.org/pkg-1.0.tar.gz',
    marker: 'sys_platform == "linux"',
  });
  t.is(typeof parseRequirement('requests >= two'), 'string');
  t.is(typeof parseRequirement('>=1.0'), 'string');
  t.is(pinnedVersion('==2.19.0'), '2.19.0');
  t.is(pinnedVersion('===1.0'), '1.0');
  t.is(pinnedVersion('==2.*'), undefined);
  t.is(pinnedVersion('>=2,<3'), undefined);
});

test('-r and -c includes are followed relative to the including file; cycles once; hashes ignored', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  await files(dir, {
    'requirements.txt': [
      '# top',
      'requests==2.19.0 \\',
      '    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000',
      '-r sub/more.txt',
      '-c constraints.txt',
      'urllib3  # pinned by the constraints file',
      '-e git+https://example.org/x.git#egg=x',
      'git+https://example.org/y.git@v1#egg=y',
      './local/pkg',
      'flask>=1.0',
      'pkg @ https://example.org/pkg.whl',
      '--index-url https://pypi.org/simple',
      'Jinja2===2.10 ; python_version >= "3"',
    ].join('\n'),
    'sub/more.txt': 'PyYAML==5.3\n-r ../requirements.txt\n',
    'constraints.txt': 'urllib3==1.24.1\nnever-required==1.0\n',
  });
  const r = await readRequirements(path.join(dir, 'requirements.txt'), { displayBase: dir });
  t.deepEqual(
    r.pins.map((p) => [p.name, p.version, p.source]),
    [
      ['requests', '2.19.0', 'requirements.txt:2'],
      ['PyYAML', '5.3', path.join('sub', 'more.txt') + ':1'],
      ['Jinja2', '2.10', 'requirements.txt:13'],
      ['urllib3', '1.24.1', 'requirements.txt:6 (pinned by constraints.txt:1)'],
    ],
  );
  t.is(r.pins[2]!.marker, 'python_version >= "3"');
  t.deepEqual(
    r.notAudited.map((n) => n.source),
    [
      'requirements.txt:7',
      'requirements.txt:8',
      'requirements.txt:9',
      'requirements.txt:11',
      'requirements.txt:10',
    ],
  );
  t.true(r.notAudited.every((n) => n.reason.length > 0));
});

test('a line that cannot be parsed is exit 2 naming file:line; a missing include names its -r line', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  await files(dir, {
    'req.txt': 'requests==2.19.0\n\nflask >= one\n',
    'opt.txt': '--frobnicate\n',
    'inc.txt': 'six==1.0\n-r nowhere.txt\n',
  });
  await t.throwsAsync(readRequirements(path.join(dir, 'req.txt'), { displayBase: dir }), {
    code: 'E_REQUIREMENT',
    message: /^req\.txt:3: /,
  });
  await t.throwsAsync(readRequirements(path.join(dir, 'opt.txt'), { displayBase: dir }), {
    message: /opt\.txt:1: "--frobnicate" is not an option/,
  });
  await t.throwsAsync(readRequirements(path.join(dir, 'inc.txt'), { displayBase: dir }), {
    code: 'E_REQUIREMENTS_FILE',
    message: /^inc\.txt:2: .*nowhere\.txt does not exist/,
  });
  const cli = await runCli(['audit', '--no-code', '-r', 'req.txt'], { cwd: dir });
  t.is(cli.code, 2);
  t.regex(cli.stderr, /req\.txt:3: "flask >= one" cannot be parsed/);
  const missing = await runCli(['audit', '--no-code', '-r', 'absent.txt'], { cwd: dir });
  t.is(missing.code, 2);
  t.regex(missing.stderr, /absent\.txt does not exist/);
});

test('a requirements file: pip-audit shaped JSON, not-audited lines listed, exit 4', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  await files(dir, { 'requirements.txt': 'requests==2.19.0\nsix==1.16.0\n-e ./here\n' });
  const cli = await runCli(['audit', '-r', 'requirements.txt', '--json'], { cwd: dir });
  t.is(cli.code, 4, cli.stderr);
  const report = JSON.parse(cli.stdout);
  t.is(report.schema, 'distseal/audit@1');
  t.false(report.ok);
  t.deepEqual(
    report.dependencies.map((d: { name: string; version: string }) => `${d.name}==${d.version}`),
    ['requests==2.19.0', 'six==1.16.0'],
  );
  const v = report.dependencies[0].vulns[0];
  t.deepEqual(Object.keys(v).slice(0, 4), ['id', 'fix_versions', 'aliases', 'description']);
  t.is(v.id, 'PYSEC-2018-28');
  t.deepEqual(v.fix_versions, ['2.20.0']);
  t.deepEqual(report.dependencies[1].vulns, []);
  t.deepEqual(
    report.not_audited.map((n: { subject: string }) => n.subject),
    ['./here'],
  );
  t.like(report.database, {
    date: '2024-10-10',
    commit: '3ccb612573e2511ab5cad7dafecd838605c80cda',
    credit: 'PyPA Advisory Database (CC-BY 4.0)',
    stale: true,
  });
  t.deepEqual(report.code, []);
  const clean = await runCli(['audit', '-r', 'requirements.txt', '--fail-on', 'critical'], { cwd: dir });
  t.is(clean.code, 0, 'PyPA advisories without a rating count as high, below critical');
  t.regex(clean.stdout, /Advisory data: PyPA Advisory Database \(CC-BY 4\.0\), 2024-10-10/);
  t.regex(
    clean.stderr,
    /warning: The advisory data is from 2024-10-10 \(\d+ days old\); run `distseal audit --update-db`/,
  );
});

test('an installed environment: dist-info and egg-info metadata, no Python needed', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const meta = (name: string, version: string) =>
    `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: x\n\nlong text\n`;
  await files(dir, {
    'site/requests-2.19.0.dist-info/METADATA': meta('requests', '2.19.0'),
    'site/requests-2.19.0.dist-info/RECORD': '',
    'site/PyYAML-5.3.egg-info/PKG-INFO': meta('PyYAML', '5.3'),
    'site/six-1.16.0.egg-info': meta('six', '1.16.0'),
    'site/broken-1.0.dist-info/RECORD': '',
    'site/requests/__init__.py': '',
  });
  const r = await readSitePackages(path.join(dir, 'site'), { displayBase: dir });
  t.deepEqual(
    r.pins.map((p) => `${p.name}==${p.version}`),
    ['PyYAML==5.3', 'requests==2.19.0', 'six==1.16.0'],
  );
  t.deepEqual(
    r.notAudited.map((n) => n.subject),
    ['broken-1.0.dist-info'],
  );
  const cli = await runCli(['audit', '--path', 'site', '--json'], { cwd: dir });
  t.is(cli.code, 4, cli.stderr);
  const report = JSON.parse(cli.stdout);
  const pyyaml = report.dependencies.find((d: { name: string }) => d.name === 'PyYAML');
  t.deepEqual(
    pyyaml.vulns.map((v: { id: string }) => v.id),
    ['PYSEC-2020-96', 'PYSEC-2021-142'],
  );
  t.is(pyyaml.source, path.join('site', 'PyYAML-5.3.egg-info', 'PKG-INFO'));
  const missing = await runCli(['audit', '--path', 'nowhere'], { cwd: dir });
  t.is(missing.code, 2);
  t.regex(missing.stderr, /nowhere does not exist/);
});
