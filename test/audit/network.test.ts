import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import test from 'ava';
import { readCompactFile } from '../../src/core/audit/database.js';
import { queryOsv } from '../../src/core/audit/online.js';
import { DEFAULT_UPDATE_URL } from '../../src/core/audit/update.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { listenLocal } from '../helpers/local-server.js';
import { makeZip } from '../helpers/zip-writer.js';
import { osv } from './helpers.js';

/** An OSV dump like osv.dev's PyPI/all.zip: one JSON record per member. */
function dump(): Buffer {
  return makeZip([
    {
      name: 'PYSEC-2026-10.json',
      data: JSON.stringify({
        ...osv('PYSEC-2026-10', 'requests', [{ introduced: '0' }, { fixed: '2.40.0' }]),
        aliases: ['CVE-2026-10'],
        modified: '2026-11-28T10:00:00Z',
      }),
    },
    {
      name: 'GHSA-xxxx-yyyy-zzzz.json',
      data: JSON.stringify({
        ...osv('GHSA-xxxx-yyyy-zzzz', 'requests', [{ introduced: '0' }, { fixed: '2.40.0' }]),
        aliases: ['CVE-2026-10'],
      }),
    },
    {
      name: 'PYSEC-2026-11.json',
      data: JSON.stringify(osv('PYSEC-2026-11', 'newpkg', [{ introduced: '1.0' }, { fixed: '1.5' }])),
    },
  ]);
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function serve(t: { teardown: (fn: () => Promise<void>) => void }, handler: Handler) {
  const server = await listenLocal(http.createServer(handler));
  t.teardown(server.close);
  return server;
}

test('--update-db fetches an OSV dump, checks it and installs it atomically; later audits use it', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const body = dump();
  const server = await serve(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length });
    res.end(body);
  });
  const home = path.join(dir, 'home');
  const up = await runCli(['--home', home, 'audit', '--update-db', `${server.origin}/PyPI/all.zip`]);
  t.is(up.code, 0, up.stderr);
  t.regex(up.stdout, /Updated the advisory data: 3 advisories for 2 packages, dated 2026-11-28/);
  const db = await readCompactFile(path.join(home, 'advisories.json.gz'));
  t.is(db.meta.date, '2026-11-28');
  await writeFile(path.join(dir, 'req.txt'), 'requests==2.32.3\nnewpkg==1.2\n');
  const cli = await runCli(['--home', home, 'audit', '-r', 'req.txt', '--json'], { cwd: dir });
  t.is(cli.code, 4, cli.stderr);
  const report = JSON.parse(cli.stdout);
  t.deepEqual(
    report.dependencies[0].vulns.map((v: { id: string; aliases: string[] }) => [v.id, v.aliases]),
    [['PYSEC-2026-10', ['CVE-2026-10', 'GHSA-xxxx-yyyy-zzzz']]],
  );
  t.deepEqual(
    report.dependencies[1].vulns.map((v: { id: string }) => v.id),
    ['PYSEC-2026-11'],
  );
  t.is(report.database.date, '2026-11-28');
  t.is(report.database.source, `${server.origin}/PyPI/all.zip`);
});

test('a truncated, broken-off, failed or unparseable download keeps the old data byte for byte', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const good = dump();
  const server = await serve(t, (req, res) => {
    if (req.url === '/good.zip') {
      res.writeHead(200, { 'content-length': good.length });
      res.end(good);
    } else if (req.url === '/truncated.zip') {
      const half = good.subarray(0, Math.floor(good.length / 2)); // served whole: a cut archive
      res.writeHead(200, { 'content-length': half.length });
      res.end(half);
    } else if (req.url === '/broken.zip') {
      res.writeHead(200, { 'content-length': good.length }); // promises more than it sends
      res.write(good.subarray(0, 100));
      setTimeout(() => res.destroy(), 20);
    } else if (req.url === '/junk.zip') {
      const junk = makeZip([{ name: 'PYSEC-1.json', data: '{ not json' }]);
      res.writeHead(200, { 'content-length': junk.length });
      res.end(junk);
    } else {
      res.writeHead(404);
      res.end('no');
    }
  });
  const home = path.join(dir, 'home');
  t.is((await runCli(['--home', home, 'audit', '--update-db', `${server.origin}/good.zip`])).code, 0);
  const before = await readFile(path.join(home, 'advisories.json.gz'));
  for (const [name, pattern] of [
    ['truncated.zip', /not a readable OSV dump|damaged/],
    ['broken.zip', /broke off|Network error|aborted|socket/i],
    ['junk.zip', /cannot be parsed/],
    ['missing.zip', /404/],
  ] as const) {
    const cli = await runCli(['--home', home, 'audit', '--update-db', `${server.origin}/${name}`]);
    t.is(cli.code, 1, `${name}: ${cli.stderr}`);
    t.regex(cli.stderr, pattern, name);
    t.regex(cli.stderr, /not changed/, name);
    t.true((await readFile(path.join(home, 'advisories.json.gz'))).equals(before), name);
  }
});

/** A fake of the OSV API: /v1/querybatch answers ids, /v1/vulns/ID the records. */
function fakeOsv(records: Record<string, unknown>[], seen: unknown[]): Handler {
  return (req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/querybatch') {
        const { queries } = JSON.parse(body) as {
          queries: Array<{ package: { name: string; ecosystem: string }; version: string }>;
        };
        seen.push(...queries);
        const results = queries.map((q) => ({
          vulns: records
            .filter(
              (r) => (r.affected as Array<{ package: { name: string } }>)[0]!.package.name === q.package.name,
            )
            .map((r) => ({ id: r.id, modified: r.modified })),
        }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ results }));
        return;
      }
      const m = /^\/v1\/vulns\/(.+)$/.exec(req.url ?? '');
      const rec = m && records.find((r) => r.id === decodeURIComponent(m[1]!));
      res.writeHead(rec ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(rec ?? { message: 'not found' }));
    });
  };
}

test('--online asks the OSV API (querybatch, then each record) and evaluates the ranges itself', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const seen: unknown[] = [];
  const records = [
    {
      ...osv('PYSEC-2026-20', 'requests', [{ introduced: '2.0' }, { fixed: '2.33.0' }]),
      aliases: ['CVE-2026-20'],
    },
    {
      ...osv('GHSA-2026-20', 'requests', [{ introduced: '2.0' }, { fixed: '2.33.0' }]),
      aliases: ['CVE-2026-20'],
    },
    osv('PYSEC-2026-21', 'requests', [{ introduced: '3.0' }]), // the API says so, the range says no
  ];
  const server = await serve(t, fakeOsv(records, seen));
  const vulns = await queryOsv(
    [
      { name: 'requests', version: '2.32.3' },
      { name: 'six', version: '1.0' },
    ],
    { api: server.origin, retries: 0 },
  );
  t.deepEqual(
    vulns.map((v) => v.map((x) => x.id)),
    [['PYSEC-2026-20'], []],
  );
  t.deepEqual(vulns[0]![0]!.aliases, ['CVE-2026-20', 'GHSA-2026-20']);
  t.deepEqual(seen, [
    { package: { name: 'requests', ecosystem: 'PyPI' }, version: '2.32.3' },
    { package: { name: 'six', ecosystem: 'PyPI' }, version: '1.0' },
  ]);
  await writeFile(path.join(dir, 'req.txt'), 'requests==2.32.3\n');
  const cli = await runCli(['audit', '-r', 'req.txt', '--online', '--osv-api', server.origin, '--json'], {
    cwd: dir,
  });
  t.is(cli.code, 4, cli.stderr);
  const report = JSON.parse(cli.stdout);
  t.deepEqual(
    report.dependencies[0].vulns.map((v: { id: string }) => v.id),
    ['PYSEC-2026-20'],
  );
  t.is(report.database.source, server.origin);
});

test('--online: a server error or a non-JSON answer fails the audit (exit 1), never "no advisories"', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const server = await serve(t, (req, res) => {
    req.resume();
    if (req.url === '/bad/v1/querybatch') {
      res.writeHead(200);
      res.end('<html>maintenance</html>');
    } else {
      res.writeHead(403);
      res.end('forbidden');
    }
  });
  await writeFile(path.join(dir, 'req.txt'), 'requests==2.32.3\n');
  const denied = await runCli(['audit', '-r', 'req.txt', '--online', '--osv-api', server.origin], {
    cwd: dir,
  });
  t.is(denied.code, 1);
  t.regex(denied.stderr, /OSV API answered 403/);
  const junk = await runCli(['audit', '-r', 'req.txt', '--online', '--osv-api', `${server.origin}/bad`], {
    cwd: dir,
  });
  t.is(junk.code, 1);
  t.regex(junk.stderr, /not JSON/);
});

test('--help names the same default download URL the updater uses', async (t) => {
  const help = await runCli(['audit', '--help']);
  t.is(help.code, 0);
  t.true(help.stdout.replace(/\s+/g, '').includes(DEFAULT_UPDATE_URL), help.stdout);
});
