import http from 'node:http';
import test from 'ava';
import { fetchBytes } from '../../src/core/download/fetch.js';
import { openUrl } from '../../src/core/download/open-url.js';
import { globToRegExp, parseRequirement, selectFiles } from '../../src/core/download/select.js';
import { parseSimpleHtml, parseSimpleJson, projectUrl } from '../../src/core/download/simple-index.js';
import { listenLocal } from '../helpers/local-server.js';

const PAGE = 'https://idx.example/simple/foo-bar/';

test('PEP 503 HTML: relative and absolute links, hash fragments, data-gpg-sig, entities, <base>', (t) => {
  const html = `<!DOCTYPE html><html><head><base href="https://cdn.example/p/"></head><body>
    <a href="Foo_Bar-1.0-py3-none-any.whl#sha256=ABCDEF01" data-gpg-sig="true" data-requires-python="&gt;=3.8">Foo_Bar-1.0-py3-none-any.whl</a>
    <a href='/x/foo-bar-1.0.tar.gz#md5=00ff' data-gpg-sig=false data-yanked="">foo-bar-1.0.tar.gz</a>
    <A HREF="https://other.example/foo_bar-1.0.zip">foo_bar-1.0.zip</A>
  </body></html>`;
  const files = parseSimpleHtml(html, PAGE);
  t.deepEqual(
    files.map((f) => [f.filename, f.url, f.hashes, f.gpgSig, f.yanked]),
    [
      [
        'Foo_Bar-1.0-py3-none-any.whl',
        'https://cdn.example/p/Foo_Bar-1.0-py3-none-any.whl',
        { sha256: 'abcdef01' },
        true,
        false,
      ],
      ['foo-bar-1.0.tar.gz', 'https://cdn.example/x/foo-bar-1.0.tar.gz', { md5: '00ff' }, false, true],
      ['foo_bar-1.0.zip', 'https://other.example/foo_bar-1.0.zip', {}, undefined, false],
    ],
  );
});

test('PEP 691 JSON: hashes, gpg-sig, size; a major version other than 1 is refused', (t) => {
  const doc = {
    meta: { 'api-version': '1.1' },
    name: 'foo-bar',
    files: [
      {
        filename: 'foo_bar-1.0.tar.gz',
        url: '../../f/foo_bar-1.0.tar.gz',
        hashes: { sha256: 'AA', bogus: 'zz' },
        'gpg-sig': false,
        size: 12,
      },
    ],
  };
  const [f] = parseSimpleJson(JSON.stringify(doc), PAGE);
  t.deepEqual(f, {
    filename: 'foo_bar-1.0.tar.gz',
    url: 'https://idx.example/f/foo_bar-1.0.tar.gz',
    hashes: { sha256: 'aa' },
    gpgSig: false,
    size: 12,
    yanked: false,
  });
  t.throws(() => parseSimpleJson(JSON.stringify({ ...doc, meta: { 'api-version': '2.0' } }), PAGE), {
    message: /unsupported api-version/,
  });
  t.throws(() => parseSimpleJson('{"meta"', PAGE), { message: /invalid JSON/ });
  t.is(projectUrl('https://idx.example/simple', 'Foo.Bar'), 'https://idx.example/simple/foo-bar/');
});

test('requirements, globs and file selection: only the project and version asked for, no path tricks', (t) => {
  const req = parseRequirement('Foo.Bar==1.0.0');
  t.deepEqual(req, { text: 'Foo.Bar==1.0.0', name: 'foo-bar', version: '1' });
  t.throws(() => parseRequirement('foo>=1'), { message: /NAME==VERSION/ });
  t.throws(() => parseRequirement('foo'), { message: /NAME==VERSION/ });
  t.true(globToRegExp('*-py3-*.whl').test('foo-1.0-py3-none-any.whl'));
  t.false(globToRegExp('*.whl').test('foo-1.0.tar.gz'));
  t.true(globToRegExp('foo-[0-9].?.tar.gz').test('foo-1.0.tar.gz'));
  const f = (filename: string) => ({ filename, url: `https://x/${filename}`, hashes: {}, yanked: false });
  const files = [
    f('foo_bar-1.0-py3-none-any.whl'),
    f('foo_bar-1.0.0.tar.gz'),
    f('foo_bar-1.0.1.tar.gz'),
    f('other-1.0.tar.gz'),
    f('../foo_bar-1.0.tar.gz'),
    f('.foo_bar-1.0.tar.gz'),
    f('foo_bar-1.0-py3-none-any.whl'),
  ];
  t.deepEqual(
    selectFiles(files, req).map((x) => x.filename),
    ['foo_bar-1.0-py3-none-any.whl', 'foo_bar-1.0.0.tar.gz'],
  );
  t.deepEqual(
    selectFiles(files, req, { onlyWheels: true }).map((x) => x.filename),
    ['foo_bar-1.0-py3-none-any.whl'],
  );
  t.deepEqual(
    selectFiles(files, req, { globs: ['*.tar.gz'] }).map((x) => x.filename),
    ['foo_bar-1.0.0.tar.gz'],
  );
});

test('fetch: redirect limit, http(s) only, a body over the limit is refused, not cut', async (t) => {
  const server = http.createServer((req, res) => {
    if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    if (req.url === '/big') return void res.end(Buffer.alloc(2000, 'a'));
    if (req.url === '/ok') return void res.end('fine');
    res.writeHead(404).end();
  });
  const local = await listenLocal(server);
  t.teardown(local.close);
  await t.throwsAsync(openUrl(`${local.origin}/loop`, { maxRedirects: 3 }), {
    message: /Too many redirects/,
  });
  await t.throwsAsync(fetchBytes(`${local.origin}/big`, 1000, { retries: 0 }), {
    message: /more than 1000 bytes/,
  });
  t.is((await fetchBytes(`${local.origin}/ok`, 1000)).body?.toString(), 'fine');
  t.is((await fetchBytes(`${local.origin}/nope`, 1000)).body, undefined);
  await t.throwsAsync(openUrl('ftp://example.org/x'), { message: /only http and https/ });
  await t.throwsAsync(openUrl(`${local.origin}/ok`, { httpsOnly: true }), { message: /only https/ });
});
