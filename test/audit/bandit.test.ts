import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { banditArgs } from '../../src/core/audit/bandit.js';
import { banditConfigFromPyproject, mapResult, scanDistCode } from '../../src/core/audit/code-scan.js';
import { extractPythonSources } from '../../src/core/audit/extract.js';
import { audit } from '../../src/core/audit/run.js';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { SDIST, WHEEL } from './helpers.js';

const withBandit = peerTest(['bandit']);
const key = (f: { location: string; test_id: string; severity: string; confidence: string; line: number }) =>
  `${f.location} ${f.test_id} ${f.severity}/${f.confidence}`;

/** Run Bandit by hand on a tree the way a user would, and map its filenames like distseal does. */
function banditByHand(tree: string, config?: string): string[] {
  const run = spawnSync('bandit', banditArgs(tree, { config }), { encoding: 'utf8' });
  t_assertRan(run.status, run.stderr);
  const report = JSON.parse(run.stdout) as { results: Parameters<typeof mapResult>[2][] };
  return report.results.map((r) => key(mapResult('x', tree, r))).sort();
}

function t_assertRan(status: number | null, stderr: string): void {
  if (status !== 0 && status !== 1) throw new Error(`bandit by hand failed (${status}): ${stderr}`);
}

withBandit(
  'distseal reports for a real sdist exactly what Bandit reports by hand on the same extracted tree',
  async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    for (const dist of [SDIST, WHEEL, path.join(FIXTURES, 'python', 'distseal-sample-1.0.0.tar.gz')]) {
      const tree = path.join(dir, path.basename(dist));
      await mkdir(tree);
      const sources = await extractPythonSources(dist, tree);
      let config: string | undefined;
      const yaml = sources.pyproject ? banditConfigFromPyproject(sources.pyproject.text) : undefined;
      if (yaml) {
        config = path.join(dir, `${path.basename(dist)}.yaml`);
        await writeFile(config, yaml);
      }
      const byHand = banditByHand(tree, config);
      const report = await audit({ dists: [{ file: dist, name: 'x' }], deps: false });
      t.deepEqual(report.code.map(key).sort(), byHand, path.basename(dist));
    }
  },
);

withBandit(
  'the sdist: findings at paths inside the dist, [tool.bandit] skips honoured, # nosec honoured',
  async (t) => {
    const cli = await runCli(['audit', '--no-deps', SDIST, WHEEL, '--json']);
    t.is(cli.code, 4, cli.stderr);
    const report = JSON.parse(cli.stdout);
    const sdist = report.code.filter((c: { dist: string }) => c.dist === SDIST);
    const wheel = report.code.filter((c: { dist: string }) => c.dist === WHEEL);
    const shell = sdist.find((c: { test_id: string }) => c.test_id === 'B602');
    t.like(shell, {
      location: 'insecure-sample-0.1.0/src/insecure_sample/__init__.py:8',
      severity: 'high',
      confidence: 'high',
      test_name: 'subprocess_popen_with_shell_equals_true',
    });
    t.regex(shell.code, /shell=True/);
    t.false(
      sdist.some((c: { test_id: string }) => c.test_id === 'B101'),
      'the sdist skips B101 by its own [tool.bandit]',
    );
    t.true(
      wheel.some(
        (c: { test_id: string; location: string }) =>
          c.test_id === 'B101' && c.location === 'insecure_sample/__init__.py:7',
      ),
      'the wheel has no pyproject.toml',
    );
    t.false(
      report.code.some(
        (c: { line: number; member: string }) => c.member.endsWith('__init__.py') && c.line === 12,
      ),
      'pickle.loads is marked # nosec',
    );
    const quiet = await runCli(['audit', '--no-deps', SDIST, '--severity', 'high', '--json']);
    t.deepEqual(
      JSON.parse(quiet.stdout).code.map((c: { test_id: string }) => c.test_id),
      ['B602'],
    );
    const passing = await runCli(['audit', '--no-deps', SDIST, '--fail-on', 'critical']);
    t.is(passing.code, 0, 'Bandit findings are at most high');
    t.regex(
      passing.stdout,
      /HIGH\/HIGH +B602 subprocess_popen_with_shell_equals_true +.*-0\.1\.0\/src\/insecure_sample\/__init__\.py:8/,
    );
  },
);

withBandit('every temp directory is removed after the scan', async (t) => {
  const dirs: string[] = [];
  await audit({
    dists: [
      { file: SDIST, name: 's' },
      { file: WHEEL, name: 'w' },
    ],
    deps: false,
    onTempDir: (d) => dirs.push(d),
  });
  t.is(dirs.length, 2);
  t.true(dirs.every((d) => !existsSync(d)));
});

/** A stand-in Bandit: answers --version, then does what `body` says. */
async function fakeBandit(dir: string, body: string): Promise<string> {
  const file = path.join(dir, 'fake-bandit');
  await writeFile(
    file,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "bandit 0.0-fake"; exit 0; fi\n${body}\n`,
  );
  await chmod(file, 0o755);
  return file;
}

test('a Bandit that hangs is stopped at --bandit-timeout, reported (exit 1), and its temp dir removed', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const bandit = await fakeBandit(dir, 'sleep 300');
  const tmp = path.join(dir, 'tmp');
  await mkdir(tmp);
  const started = Date.now();
  const cli = await runCli(['audit', '--no-deps', WHEEL, '--bandit', bandit, '--bandit-timeout', '1'], {
    env: { TMPDIR: tmp },
  });
  t.is(cli.code, 1);
  t.true(Date.now() - started < 55_000);
  t.regex(cli.stderr, /Bandit did not finish within 1 s and was stopped/);
  t.regex(cli.stderr, /--bandit-timeout/);
  t.deepEqual(await readdir(tmp), []);
});

test('a Bandit that crashes is exit 1 with its last words; one that prints garbage too', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const crash = await fakeBandit(dir, 'echo "Traceback: boom" >&2; exit 2');
  const cli = await runCli(['audit', '--no-deps', WHEEL, '--bandit', crash]);
  t.is(cli.code, 1);
  t.regex(cli.stderr, /Bandit failed \(exit 2\)/);
  t.regex(cli.stderr, /Traceback: boom/);
  const garbage = path.join(dir, 'g');
  await mkdir(garbage);
  const liar = await fakeBandit(garbage, 'echo "{not json"; exit 1');
  const second = await runCli(['audit', '--no-deps', WHEEL, '--bandit', liar]);
  t.is(second.code, 1);
  t.regex(second.stderr, /without a JSON report/);
});

test('Bandit missing: exit 2 naming how to install it; --no-code needs no Bandit', async (t) => {
  const cli = await runCli(['audit', WHEEL, '--bandit', '/nonexistent/bandit']);
  t.is(cli.code, 2);
  t.regex(cli.stderr, /Bandit \(\/nonexistent\/bandit\) is not installed/);
  t.regex(cli.stderr, /pipx install bandit/);
  t.regex(cli.stderr, /apt install bandit/);
  t.regex(cli.stderr, /--no-code/);
  const notOnPath = await runCli(['audit', WHEEL], { env: { PATH: '/nonexistent' } });
  t.is(notOnPath.code, 2, notOnPath.stderr);
  t.regex(notOnPath.stderr, /Bandit \(bandit\) is not installed/);
  const noCode = await runCli([
    'audit',
    WHEEL,
    '--bandit',
    '/nonexistent/bandit',
    '--no-code',
    '--fail-on',
    'none',
  ]);
  t.is(noCode.code, 0, noCode.stderr);
});

test('extraction writes only regular .py files inside the target, never through unsafe names', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const { makeTarGz } = await import('../helpers/bad-dists.js');
  const sdist = makeTarGz(dir, 'evil-1.0.tar.gz', [
    ['evil-1.0/PKG-INFO', 'Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n'],
    ['evil-1.0/ok.py', 'import os\n'],
    ['evil-1.0/../../escape.py', 'x = 1\n'],
    ['evil-1.0/README', 'not python'],
  ]);
  const tree = path.join(dir, 'tree');
  await mkdir(tree);
  const out = await extractPythonSources(sdist, tree);
  t.deepEqual(out.files, ['evil-1.0/ok.py']);
  t.deepEqual(
    out.skipped.map((s) => s.member),
    ['evil-1.0/../../escape.py'],
  );
  t.false(existsSync(path.join(dir, 'escape.py')));
  t.false(existsSync(path.join(path.dirname(dir), 'escape.py')));
  await t.throwsAsync(scanDistCode(path.join(dir, 'nope.whl'), 'nope.whl', { bandit: 'bandit' }));
});

test('an unreadable dist is exit 2 naming it: missing, a directory, not an archive', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  await writeFile(path.join(dir, 'junk-1.0-py3-none-any.whl'), 'this is not a zip');
  await mkdir(path.join(dir, 'dir-1.0.tar.gz'));
  for (const name of ['missing-1.0.tar.gz', 'junk-1.0-py3-none-any.whl', 'dir-1.0.tar.gz', 'notes.txt']) {
    const cli = await runCli(['audit', '--no-code', name], { cwd: dir });
    t.is(cli.code, 2, `${name}: ${cli.stderr}`);
    t.true(cli.stderr.includes(name), cli.stderr);
  }
});

withBandit(
  'a file Bandit cannot parse is reported with its path inside the dist, the rest still scanned',
  async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const { makeTarGz } = await import('../helpers/bad-dists.js');
    const sdist = makeTarGz(dir, 'broken-1.0.tar.gz', [
      ['broken-1.0/PKG-INFO', 'Metadata-Version: 2.1\nName: broken\nVersion: 1.0\n'],
      ['broken-1.0/bad.py', 'def f(:\n'],
      ['broken-1.0/good.py', 'import subprocess\nsubprocess.call("ls", shell=True)\n'],
    ]);
    const report = await audit({ dists: [{ file: sdist, name: 'broken-1.0.tar.gz' }], deps: false });
    t.deepEqual(
      report.code_errors.map((e) => [e.dist, e.member]),
      [['broken-1.0.tar.gz', 'broken-1.0/bad.py']],
    );
    t.true(report.code.some((c) => c.location === 'broken-1.0/good.py:2' && c.test_id === 'B602'));
  },
);
