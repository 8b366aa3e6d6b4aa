import test from 'ava';
import http from 'node:http';
import { listIndexFiles, parseTarget, readUrlFor } from '../../src/core/release/index.js';
import { listenLocal } from '../helpers/local-server.js';

test('--to values: every target form, and refusals that say what is expected', (t) => {
  t.like(parseTarget('pypi'), { kind: 'pypi', name: 'pypi' });
  t.like(parseTarget('https://idx.example/legacy/'), { kind: 'pypi', url: 'https://idx.example/legacy/' });
  t.like(parseTarget('anaconda'), { kind: 'anaconda', owner: undefined });
  t.like(parseTarget('anaconda:myorg'), { kind: 'anaconda', owner: 'myorg' });
  t.like(parseTarget('prefix:chan'), { kind: 'prefix', channel: 'chan' });
  t.like(parseTarget('channel:./c'), { kind: 'channel', dir: './c' });
  t.like(parseTarget('github:me/proj'), { kind: 'github', owner: 'me', repo: 'proj' });
  t.like(parseTarget('dir:out'), { kind: 'dir', dir: 'out' });
  t.throws(() => parseTarget('github:me'), { message: /github:OWNER\/REPO/ });
  t.throws(() => parseTarget('ftp:x'), { message: /not a target/ });
  t.throws(() => parseTarget('prefix:'), { message: /prefix:my-channel/ });
});

test('the read URL of known index layouts', (t) => {
  t.is(readUrlFor('https://upload.pypi.org/legacy/'), 'https://pypi.org/simple/');
  t.is(readUrlFor('https://test.pypi.org/legacy/'), 'https://test.pypi.org/simple/');
  t.is(readUrlFor('http://127.0.0.1:8080/legacy/'), 'http://127.0.0.1:8080/simple/');
  t.is(readUrlFor('http://pypiserver:8080/'), 'http://pypiserver:8080/simple/');
  t.is(readUrlFor('https://devpi.example/alice/dev/'), 'https://devpi.example/alice/dev/+simple/');
  t.is(
    readUrlFor('https://nexus.example/repository/pypi-internal/'),
    'https://nexus.example/repository/pypi-internal/simple/',
  );
  t.is(readUrlFor('https://odd.example/a/b/c/upload'), undefined);
});

test('PEP 691 JSON is asked for and read; the PEP 503 page is the fallback; 404 is an empty project', async (t) => {
  const sha = 'a'.repeat(64);
  const server = http.createServer((req, res) => {
    const json = String(req.headers.accept).startsWith('application/vnd.pypi.simple.v1+json');
    if (req.url === '/json/demo/' && json) {
      res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' });
      res.end(
        JSON.stringify({
          meta: { 'api-version': '1.1' },
          files: [
            {
              filename: 'demo-1.0.tar.gz',
              url: '../../files/demo-1.0.tar.gz',
              hashes: { sha256: sha },
              size: 12,
              'gpg-sig': true,
            },
          ],
        }),
      );
      return;
    }
    if (req.url === '/html/demo/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<a href="/f/demo-1.0.tar.gz#sha256=${sha}" data-gpg-sig="false">demo-1.0.tar.gz</a>`);
      return;
    }
    res.writeHead(404);
    res.end();
  });
  const s = await listenLocal(server);
  t.teardown(s.close);
  const fromJson = await listIndexFiles(`${s.origin}/json/`, 'Demo');
  t.deepEqual(fromJson, [
    {
      filename: 'demo-1.0.tar.gz',
      url: `${s.origin}/files/demo-1.0.tar.gz`,
      sha256: sha,
      size: 12,
      hasSignature: true,
    },
  ]);
  const fromHtml = await listIndexFiles(`${s.origin}/html/`, 'demo');
  t.deepEqual(fromHtml, [
    { filename: 'demo-1.0.tar.gz', url: `${s.origin}/f/demo-1.0.tar.gz`, sha256: sha, hasSignature: false },
  ]);
  t.deepEqual(await listIndexFiles(`${s.origin}/none/`, 'demo'), []);
});

test('prefix: read back from repo.prefix.dev for prefix.dev itself, --prefix-repo-url else, unknown otherwise', async (t) => {
  const { resolveTargets } = await import('../../src/cli/commands/release-targets.js');
  const { memoryContext } = await import('../wizard/scripted.js');
  const { ctx } = memoryContext();
  const plan = { files: [], groups: [] };
  const readUrl = async (argv: Record<string, unknown>) => {
    const [target] = await resolveTargets(ctx, { to: ['prefix:chan'], ...argv }, plan);
    return target!.kind === 'prefix' ? target!.readUrl : 'not a prefix target';
  };
  t.is(await readUrl({}), 'https://repo.prefix.dev');
  t.is(await readUrl({ prefixUrl: 'https://conda.example' }), undefined);
  t.is(
    await readUrl({ prefixUrl: 'https://conda.example', prefixRepoUrl: 'https://repo.example/' }),
    'https://repo.example',
  );
});
