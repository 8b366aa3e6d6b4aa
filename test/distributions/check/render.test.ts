import { spawnSync } from 'node:child_process';
import test from 'ava';
import { checkDist } from '../../../src/core/distributions/check.js';
import { renderDescription, renderTarget } from '../../../src/core/distributions/python/render.js';
import { makeZip, metadataText } from '../../helpers/bad-dists.js';
import { runCli, tempDir } from '../../helpers/cli.js';
import { peerTest } from '../../helpers/peers.js';

/** The description renders as PyPI renders it (issue 15 item 2), judged against twine check itself. */
const BROKEN_RST = 'Title\n=====\n\nSee `the docs`_ for more.\n';
const GOOD_RST = 'Title\n=====\n\nSee `the docs <https://example.org/>`_ for more.\n';

function wheel(dir: string, name: string, body: string, type?: string): string {
  const fields: Record<string, string> = {
    'Metadata-Version': '2.1',
    Name: name,
    Version: '1.0',
    Summary: 's',
  };
  if (type) fields['Description-Content-Type'] = type;
  return makeZip(dir, `${name}-1.0-py3-none-any.whl`, [
    [`${name}-1.0.dist-info/METADATA`, metadataText(fields, body)],
    [`${name}-1.0.dist-info/WHEEL`, 'Wheel-Version: 1.0\n'],
  ]);
}

function hasReadmeRenderer(): boolean {
  for (const py of ['python3', '/usr/bin/python3'])
    if (spawnSync(py, ['-c', 'import readme_renderer.rst']).status === 0) return true;
  return false;
}
const withRenderer = peerTest(['twine'], {
  ok: hasReadmeRenderer(),
  why: 'no Python with readme_renderer (Debian: python3-readme-renderer)',
});

test('content types as twine treats them: rst when none, params passed, plain text not rendered', async (t) => {
  t.deepEqual(renderTarget(undefined), { type: 'text/x-rst', params: {} });
  t.deepEqual(renderTarget('text/markdown; charset=UTF-8; variant=GFM'), {
    type: 'text/markdown',
    params: { variant: 'GFM' },
  });
  t.deepEqual(await renderDescription('`x`_', 'text/plain'), { status: 'plain' });
  const none = await renderDescription(BROKEN_RST, undefined, { pythons: ['/nonexistent/python3'] });
  t.is(none.status, 'not-checked');
  t.regex((none as { reason: string }).reason, /python3-readme-renderer/);
});

test('without readme_renderer the report says the description was not render-checked, and no finding is made up', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const w = wheel(dir, 'broken', BROKEN_RST, 'text/x-rst');
  const report = await checkDist(w, { pythons: ['/nonexistent/python3'] });
  t.is(report.description?.render, 'not-checked');
  t.false(report.findings.some((f) => f.rule === 'description-render'));
});

withRenderer(
  'broken reStructuredText fails like twine check --strict; good rst, markdown and plain pass like it',
  async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const cases = [
      wheel(dir, 'broken', BROKEN_RST, 'text/x-rst'),
      wheel(dir, 'brokennotype', BROKEN_RST),
      wheel(dir, 'goodrst', GOOD_RST, 'text/x-rst'),
      wheel(dir, 'markdown', '# Title\n\nSome *text* and [a link](https://example.org/).\n', 'text/markdown'),
      wheel(dir, 'plain', BROKEN_RST, 'text/plain'),
    ];
    for (const file of cases) {
      const twine = spawnSync('twine', ['check', '--strict', file], { encoding: 'utf8' });
      const ours = await checkDist(file);
      const renderFailed = ours.findings.some((f) => f.rule === 'description-render');
      const twineRenderFailed = /would not be\s+rendered on PyPI/.test(twine.stdout + twine.stderr);
      t.is(renderFailed, twineRenderFailed, `${file}: ${twine.stdout}${twine.stderr}`);
    }
    const cli = await runCli(['check', cases[0]!]);
    t.is(cli.code, 1);
    t.regex(cli.stdout, /\[description-render\].*would not be rendered on PyPI/);
    const good = await checkDist(cases[2]!);
    t.is(good.description?.render, 'rendered');
  },
);
