import test from 'ava';
import { checkRequiresDist } from '../../src/core/audit/specifiers.js';
import { runCli } from '../helpers/cli.js';
import { bundled, WHEEL } from './helpers.js';

test('a specifier admitting only affected versions is an error; also fixed ones a warning with a floor', async (t) => {
  const db = await bundled();
  const { findings, notAudited } = checkRequiresDist(db, 'x.whl', [
    'requests<2.20',
    'requests==2.19.0',
    'requests>=2.0',
    'jinja2>=2.0',
    'requests>=2.32.0',
    'six',
    'pkg @ https://example.org/pkg.whl',
    'pyyaml (==5.3) ; python_version < "3.8"',
  ]);
  const by = (req: string) => findings.find((f) => f.requirement === req);
  t.like(by('requests<2.20'), { level: 'error', severity: 'high', name: 'requests' });
  t.true(by('requests<2.20')!.advisories.includes('PYSEC-2018-28'));
  t.like(by('requests==2.19.0'), { level: 'error' });
  t.deepEqual(by('requests==2.19.0')!.advisories, ['PYSEC-2018-28', 'PYSEC-2023-74']);
  t.like(by('requests>=2.0'), { level: 'warning', severity: 'low' });
  t.regex(by('requests>=2.0')!.suggested_floor!, /^>=2\.3\d\./); // past PYSEC-2023-74's fix (2.31.0)
  t.like(by('jinja2>=2.0'), { level: 'warning' });
  t.is(by('requests>=2.32.0'), undefined);
  t.is(by('six'), undefined);
  t.like(by('pyyaml (==5.3) ; python_version < "3.8"'), { level: 'error', marker: 'python_version < "3.8"' });
  t.deepEqual(
    notAudited.map((n) => n.subject),
    ['pkg @ https://example.org/pkg.whl'],
  );
});

test('a real wheel whose Requires-Dist forces a vulnerable requests: error in the report, exit 4', async (t) => {
  const cli = await runCli(['audit', '--no-code', WHEEL, '--json']);
  t.is(cli.code, 4, cli.stderr);
  const report = JSON.parse(cli.stdout);
  const errors = report.specifiers
    .filter((s: { level: string }) => s.level === 'error')
    .map((s: { name: string }) => s.name);
  t.deepEqual(errors.sort(), ['pyyaml', 'requests']);
  const jinja = report.specifiers.find((s: { name: string }) => s.name === 'jinja2');
  t.is(jinja.level, 'warning');
  t.is(jinja.suggested_floor, '>=2.11.3');
  t.deepEqual(
    report.dependencies.map((d: { name: string; version: string }) => [d.name, d.version]),
    [['insecure-sample', '0.1.0']],
  );
  const text = await runCli(['audit', '--no-code', WHEEL]);
  t.regex(text.stdout, /ERROR {3}.*requests \(<2\.20\)/);
  t.regex(text.stdout, /only where python_version < "3\.8"/);
  t.regex(text.stdout, /consider jinja2>=2\.11\.3/);
});
