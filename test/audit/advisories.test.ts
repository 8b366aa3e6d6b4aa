import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { ageInDays, decodeCompact, vulnsFor } from '../../src/core/audit/database.js';
import { fixVersions, isAffected } from '../../src/core/audit/match.js';
import { advisoriesFromOsv } from '../../src/core/audit/osv.js';
import { readOsvDirectory } from '../../src/core/audit/osv-files.js';
import { loadDatabase } from '../../src/core/audit/sources.js';
import { REQUIRE_PEERS } from '../helpers/peers.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { BUNDLED, bundled, HAVE_SNAPSHOT, osv, SNAPSHOT } from './helpers.js';

/** Run a program without blocking the other tests in this file (the machine may be busy). */
const run = promisify(execFile);

const ids = (vulns: Array<{ id: string }>) => vulns.map((v) => v.id);

test('the shipped data answers the known cases of the snapshot (specs/audit.md)', async (t) => {
  const db = await bundled();
  t.is(db.meta.date, '2024-10-10');
  t.is(db.meta.commit, '3ccb612573e2511ab5cad7dafecd838605c80cda');
  t.is(db.meta.credit, 'PyPA Advisory Database (CC-BY 4.0)');
  t.deepEqual(ids(vulnsFor(db, 'requests', '2.19.0')), ['PYSEC-2018-28', 'PYSEC-2023-74']);
  t.deepEqual(ids(vulnsFor(db, 'Jinja2', '2.10')), ['PYSEC-2019-217', 'PYSEC-2021-66']);
  t.deepEqual(ids(vulnsFor(db, 'PyYAML', '5.3')), ['PYSEC-2020-96', 'PYSEC-2021-142']);
  t.deepEqual(ids(vulnsFor(db, 'py_yaml'.replace('_', ''), '5.3')), ['PYSEC-2020-96', 'PYSEC-2021-142']);
  t.deepEqual(vulnsFor(db, 'requests', '2.32.3'), []);
  const r = vulnsFor(db, 'requests', '2.19.0')[0]!;
  t.deepEqual(r.fix_versions, ['2.20.0']);
  t.true(r.aliases.includes('CVE-2018-18074') && r.aliases.includes('GHSA-x84v-xcm2-53pg'));
  t.is(r.severity, 'high'); // PyPA records carry no rating: unknown counts as high
});

test('withdrawn advisories are skipped; last_affected closes after the version', async (t) => {
  const db = await bundled();
  t.false((db.packages.get('redis') ?? []).some((a) => a.id === 'PYSEC-2023-73'));
  const py = db.packages.get('py')!.find((a) => a.id === 'PYSEC-2022-42969')!;
  t.true(isAffected('1.11.0', py));
  t.true(isAffected('1.10.0', py));
  t.false(isAffected('1.11.1', py));
  t.false(isAffected('2.0', py));
});

test('ranges follow PEP 440 order, not string order; versions lists match exactly', (t) => {
  const [a] = advisoriesFromOsv(osv('PYSEC-1', 'demo', [{ introduced: '1.9' }, { fixed: '1.10' }])).values();
  t.true(isAffected('1.9.5', a!));
  t.false(isAffected('1.10', a!)); // "1.10" < "1.9" as strings, > as versions
  t.false(isAffected('1.8', a!));
  t.true(isAffected('1.10rc1', a!)); // a pre-release of the fix is still before it
  t.deepEqual(fixVersions(a!), ['1.10']);
  const [b] = advisoriesFromOsv({
    ...osv('PYSEC-2', 'demo', []),
    affected: [{ package: { name: 'Demo', ecosystem: 'PyPI' }, versions: ['0.5'] }],
  }).values();
  t.true(isAffected('0.5', b!));
  t.true(isAffected('0.5.0', b!)); // PEP 440 equal
  t.false(isAffected('0.6', b!));
  t.deepEqual(
    advisoriesFromOsv({
      ...osv('X', 'demo', [{ introduced: '0' }]),
      affected: [{ package: { name: 'demo', ecosystem: 'npm' } }],
    }).size,
    0,
  );
  const git = advisoriesFromOsv({
    ...osv('G', 'demo', []),
    affected: [
      {
        package: { name: 'demo', ecosystem: 'PyPI' },
        ranges: [{ type: 'GIT', events: [{ introduced: '0' }] }],
      },
    ],
  });
  t.false(isAffected('1.0', git.get('demo')!)); // GIT ranges name commits, not releases
});

test('a PYSEC and its GHSA twin become one finding with both ids, PYSEC first', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  await mkdir(path.join(dir, 'vulns', 'demo'), { recursive: true });
  await writeFile(
    path.join(dir, 'vulns', 'demo', 'PYSEC-2026-1.yaml'),
    [
      'id: PYSEC-2026-1',
      "modified: '2026-11-20T00:00:00Z'",
      'details: Bad thing.',
      'aliases: [CVE-2026-1]',
      'affected:',
      '- package: {name: Demo_Pkg, ecosystem: PyPI}',
      '  ranges:',
      '  - type: ECOSYSTEM',
      "    events: [{introduced: '0'}, {fixed: '1.2'}]",
    ].join('\n'),
  );
  await writeFile(
    path.join(dir, 'vulns', 'demo', 'GHSA-aaaa.json'),
    JSON.stringify({
      ...osv('GHSA-aaaa', 'demo.pkg', [{ introduced: '1.0' }, { fixed: '1.3' }]),
      aliases: ['CVE-2026-1'],
      database_specific: { severity: 'CRITICAL' },
    }),
  );
  await writeFile(
    path.join(dir, 'vulns', 'demo', 'PYSEC-2026-2.yaml'),
    [
      'id: PYSEC-2026-2',
      "modified: '2026-11-21T00:00:00Z'",
      "withdrawn: '2026-11-22T00:00:00Z'",
      'affected:',
      '- package: {name: demo-pkg, ecosystem: PyPI}',
      '  ranges:',
      '  - type: ECOSYSTEM',
      "    events: [{introduced: '0'}]",
    ].join('\n'),
  );
  const db = await readOsvDirectory(dir);
  t.is(db.meta.date, '2026-11-21');
  const vulns = vulnsFor(db, 'DEMO-pkg', '1.1');
  t.is(vulns.length, 1);
  t.is(vulns[0]!.id, 'PYSEC-2026-1');
  t.deepEqual(vulns[0]!.aliases, ['CVE-2026-1', 'GHSA-aaaa']);
  t.deepEqual(vulns[0]!.fix_versions, ['1.2', '1.3']);
  t.is(vulns[0]!.severity, 'critical');
  t.deepEqual(ids(vulnsFor(db, 'demo-pkg', '0.5')), ['PYSEC-2026-1']);
  t.deepEqual(vulnsFor(db, 'demo-pkg', '1.3'), []);
});

test("a directory of the real snapshot's YAML records reads like the compact file", async (t) => {
  if (!HAVE_SNAPSHOT) {
    if (REQUIRE_PEERS) t.fail(`${SNAPSHOT} is missing (CI keeps shared/ beside the clone)`);
    else t.pass('snapshot not present here');
    return;
  }
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  t.timeout(300_000);
  await run('tar', ['xzf', SNAPSHOT, '-C', dir]);
  const fromDir = await loadDatabase({ db: path.join(dir, 'vulns') });
  const compact = await bundled();
  t.is(fromDir.packages.size, compact.packages.size);
  for (const [name, version] of [
    ['requests', '2.19.0'],
    ['jinja2', '2.10'],
    ['pyyaml', '5.3'],
    ['django', '3.2.0'],
    ['tensorflow', '2.4.0'],
  ] as const) {
    t.deepEqual(vulnsFor(fromDir, name, version), vulnsFor(compact, name, version), `${name} ${version}`);
  }
});

test('the committed data file is what the build script makes from the snapshot', async (t) => {
  if (!HAVE_SNAPSHOT) {
    if (REQUIRE_PEERS) t.fail(`${SNAPSHOT} is missing (CI keeps shared/ beside the clone)`);
    else t.pass('snapshot not present here');
    return;
  }
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const out = path.join(dir, 'advisories.json.gz');
  t.timeout(300_000);
  await run(process.execPath, [path.join(ROOT, 'scripts', 'build-advisory-db.mjs'), SNAPSHOT, out]);
  t.true(
    (await readFile(out)).equals(await readFile(BUNDLED)),
    'rebuild data/advisories.json.gz with scripts/build-advisory-db.mjs',
  );
});

test('damaged data is an operational error naming the file, never an empty database', async (t) => {
  t.throws(() => decodeCompact(Buffer.from('not gzip'), 'x.json.gz', 'x'), {
    code: 'E_ADVISORY_DATA',
    message: /x\.json\.gz/,
  });
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  await writeFile(path.join(dir, 'bad.yaml'), 'id: [unclosed');
  await t.throwsAsync(loadDatabase({ db: dir }), { code: 'E_ADVISORY_DATA', message: /bad\.yaml/ });
  await t.throwsAsync(loadDatabase({ db: path.join(dir, 'missing') }), { code: 'E_ADVISORY_DATA' });
  const empty = path.join(dir, 'empty');
  await mkdir(empty);
  await t.throwsAsync(loadDatabase({ db: empty }), { code: 'E_ADVISORY_DATA', message: /no OSV records/ });
  t.is(ageInDays('2024-10-10', new Date('2026-11-29T12:00:00Z')), 780);
});
