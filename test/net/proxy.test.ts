import { promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { proxyFromEnv } from '../../src/cli/context.js';
import { fetchBytes } from '../../src/core/download/fetch.js';
import { downloadToFile } from '../../src/core/net/download.js';
import { fetchDigest } from '../../src/core/net/fetch-digest.js';
import { httpRequest } from '../../src/core/net/http.js';
import { bypassProxy, proxyFor } from '../../src/core/net/proxy.js';
import { listenLocal, type LocalServer } from '../helpers/local-server.js';
import { peerTest } from '../helpers/peers.js';
import { startProxy } from './proxy-server.js';
import { makeTestCert } from '../helpers/test-cert.js';

/** A plain target server: answers every request with what it saw. */
async function startTarget(t: { teardown(fn: () => Promise<void>): void }): Promise<LocalServer> {
  const server = http.createServer((req, res) => {
    res.end(
      JSON.stringify({ path: req.url, host: req.headers.host, auth: req.headers.authorization ?? null }),
    );
  });
  const local = await listenLocal(server);
  t.teardown(local.close);
  return local;
}

test('NO_PROXY: lists, suffixes, leading dots, *, ports, IPs, CIDR ranges, IPv6, case', (t) => {
  const cases: Array<[string, number, string, boolean]> = [
    ['pypi.org', 443, 'pypi.org', true],
    ['upload.pypi.org', 443, 'pypi.org', true],
    ['upload.pypi.org', 443, '.pypi.org', true],
    ['upload.pypi.org', 443, '*.pypi.org', true],
    ['notpypi.org', 443, 'pypi.org', false],
    ['pypi.org.evil.example', 443, 'pypi.org', false],
    ['PyPI.Org', 443, 'pypi.ORG', true],
    ['anything.example', 443, '*', true],
    ['a.example', 443, 'x.example, a.example ,y.example', true],
    ['a.example', 443, 'x.example a.example', true],
    ['a.example', 443, 'a.example:8443', false],
    ['a.example', 8443, 'a.example:8443', true],
    ['10.1.2.3', 443, '10.0.0.0/8', true],
    ['11.1.2.3', 443, '10.0.0.0/8', false],
    ['127.0.0.1', 80, '127.0.0.1', true],
    ['127.0.0.2', 80, '127.0.0.1', false],
    ['127.0.0.1', 80, 'localhost', false],
    ['[::1]', 443, '::1', true],
    ['[::1]', 443, '[::1]:443', true],
    ['[::1]', 443, '[::1]:80', false],
    ['[fd00::5]', 443, 'fd00::/8', true],
    ['host.example.', 443, 'host.example', true],
    ['a.example', 443, '', false],
    ['a.example', 443, ',, ,', false],
  ];
  for (const [host, port, list, expected] of cases)
    t.is(bypassProxy(host, port, list), expected, `${host}:${port} with NO_PROXY="${list}"`);
});

test('the proxy is chosen by scheme; a proxy URL without scheme is http; other schemes are refused', (t) => {
  const config = { http: 'proxy.example:3128', https: 'http://u:p%40ss@secure-proxy.example:8080' };
  t.like(proxyFor(new URL('http://files.example/x'), config), { hostname: 'proxy.example', port: 3128 });
  const route = proxyFor(new URL('https://upload.pypi.org/legacy/'), config);
  t.like(route, { hostname: 'secure-proxy.example', port: 8080 });
  t.is(route?.authorization, `Basic ${Buffer.from('u:p@ss').toString('base64')}`);
  t.is(proxyFor(new URL('https://x.example/'), { http: 'http://p:1' }), undefined, 'no https proxy: direct');
  const error = t.throws(() =>
    proxyFor(new URL('https://x.example/'), { https: 'socks5://user:hunter2@p:1080' }),
  );
  t.is((error as { code?: string }).code, 'E_PROXY');
  t.false(error!.message.includes('hunter2'), 'the proxy password is not shown');
});

test('the CLI reads proxies as urllib does: lower case wins, even empty; ALL_PROXY fills in; httpoxy', (t) => {
  t.deepEqual(proxyFromEnv({ HTTPS_PROXY: 'http://up:1', https_proxy: 'http://low:1', NO_PROXY: 'a' }), {
    https: 'http://low:1',
    noProxy: 'a',
  });
  t.deepEqual(
    proxyFromEnv({ HTTPS_PROXY: 'http://up:1', https_proxy: '' }),
    {},
    'empty lower case turns it off',
  );
  t.deepEqual(proxyFromEnv({ ALL_PROXY: 'http://all:1', HTTP_PROXY: 'http://h:1' }), {
    http: 'http://h:1',
    https: 'http://all:1',
  });
  t.deepEqual(proxyFromEnv({ HTTP_PROXY: 'http://from-a-header:1', REQUEST_METHOD: 'GET' }), {});
  t.deepEqual(proxyFromEnv({ http_proxy: 'http://mine:1', REQUEST_METHOD: 'GET' }), {
    http: 'http://mine:1',
  });
});

test('http through the proxy: the absolute URL goes to the proxy, never the URL credentials', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy();
  t.teardown(proxy.close);
  const response = await httpRequest({
    method: 'GET',
    url: `http://user:pw@127.0.0.1:${target.port}/simple/x/?a=1`,
    proxy: { http: proxy.origin },
  });
  t.is(response.status, 200);
  const seenByTarget = JSON.parse(response.body) as { path: string; host: string; auth: string };
  t.is(seenByTarget.path, '/simple/x/?a=1');
  t.is(seenByTarget.host, `127.0.0.1:${target.port}`);
  t.is(seenByTarget.auth, `Basic ${Buffer.from('user:pw').toString('base64')}`);
  t.deepEqual(proxy.seen, [
    { method: 'GET', url: `http://127.0.0.1:${target.port}/simple/x/?a=1`, authorization: undefined },
  ]);
});

test('NO_PROXY sends the request directly; the proxy sees nothing', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy();
  t.teardown(proxy.close);
  const response = await httpRequest({
    method: 'GET',
    url: `${target.origin}/direct`,
    proxy: { http: proxy.origin, noProxy: 'example.org,127.0.0.1' },
  });
  t.is(response.status, 200);
  t.deepEqual(proxy.seen, []);
  await httpRequest({
    method: 'GET',
    url: `${target.origin}/other-port`,
    proxy: { http: proxy.origin, noProxy: `127.0.0.1:${target.port + 1}` },
  });
  t.is(proxy.seen.length, 1, 'a NO_PROXY entry for another port does not apply');
});

test('proxy credentials go as Proxy-Authorization; a refusal is E_PROXY without the password', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy('alice:s3cr@t');
  t.teardown(proxy.close);
  const ok = await httpRequest({
    method: 'GET',
    url: `${target.origin}/ok`,
    proxy: { http: `http://alice:s3cr%40t@127.0.0.1:${proxy.port}` },
  });
  t.is(ok.status, 200);
  t.is(proxy.seen[0]!.authorization, `Basic ${Buffer.from('alice:s3cr@t').toString('base64')}`);
  t.is(
    (JSON.parse(ok.body) as { auth: string | null }).auth,
    null,
    'the target never sees the proxy credentials',
  );
  const refused = await httpRequest({
    method: 'GET',
    url: `${target.origin}/x`,
    proxy: { http: proxy.origin },
  });
  t.is(refused.status, 407, 'a plain-http refusal is the response itself');
});

test('a proxy that is down: E_PROXY naming the proxy (masked), not the target', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy();
  await proxy.close();
  const error = await t.throwsAsync(
    httpRequest({
      method: 'GET',
      url: `https://127.0.0.1:${target.port}/`,
      proxy: { https: `http://bob:hunter2@127.0.0.1:${proxy.port}` },
    }),
  );
  t.is((error as { code?: string }).code, 'E_PROXY');
  t.regex(error!.message, /Cannot reach the proxy http:\/\/bob:\*\*\*\*\*\*\*\*@127\.0\.0\.1/);
  t.false(`${error!.message} ${(error as { hint?: string }).hint}`.includes('hunter2'));
});

test('downloads go through the proxy too', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy();
  t.teardown(proxy.close);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'distseal-proxy-dl-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const dest = path.join(dir, 'out');
  t.is(await downloadToFile(`${target.origin}/repodata.json`, dest, { proxy: { http: proxy.origin } }), 200);
  t.regex(await fs.readFile(dest, 'utf8'), /"path":"\/repodata\.json"/);
  t.is(proxy.seen[0]!.url, `${target.origin}/repodata.json`);
});

test('consumer fetches (download, key fetch, verify URL) go through the proxy too', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy();
  t.teardown(proxy.close);
  const got = await fetchBytes(`${target.origin}/simple/pkg/`, 1024, { proxy: { http: proxy.origin } });
  t.is(got.status, 200);
  t.is(proxy.seen[0]!.url, `${target.origin}/simple/pkg/`);
});

test('read-backs of what was published (release, GitHub assets) go through the proxy too', async (t) => {
  const target = await startTarget(t);
  const proxy = await startProxy();
  t.teardown(proxy.close);
  const got = await fetchDigest(`${target.origin}/files/a.whl`, {
    maxBytes: 1024,
    keepBody: true,
    proxy: { http: proxy.origin },
  });
  t.is(got.status, 200);
  t.regex(got.body!.toString(), /"path":"\/files\/a\.whl"/);
  t.is(proxy.seen[0]!.url, `${target.origin}/files/a.whl`);
});

test('a read-back that trickles is cut off at its deadline, not only when idle', async (t) => {
  const server = http.createServer((_req, res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write('x'), 20);
    res.on('close', () => clearInterval(timer));
  });
  const local = await listenLocal(server);
  t.teardown(local.close);
  const started = Date.now();
  const error = await t.throwsAsync(
    fetchDigest(`${local.origin}/slow`, { maxBytes: 1 << 20, timeoutMs: 5000, deadlineMs: 300 }),
  );
  t.regex(error!.message, /deadline/);
  t.true(Date.now() - started < 4000);
});

peerTest(['openssl'])(
  'https through a CONNECT tunnel: TLS to the target is checked end to end',
  async (t) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'distseal-proxy-tls-'));
    t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
    const files = makeTestCert(dir);
    const [cert, key] = [await fs.readFile(files.cert), await fs.readFile(files.key)];
    const server = https.createServer({ cert, key }, (req, res) => res.end(`secure ${req.url}`));
    const target = await listenLocal(server as unknown as http.Server);
    t.teardown(target.close);
    const proxy = await startProxy('carol:pw');
    t.teardown(proxy.close);
    const url = `https://127.0.0.1:${target.port}/legacy/`;
    const via = { https: `http://carol:pw@127.0.0.1:${proxy.port}` };
    const response = await httpRequest({ method: 'POST', url, body: () => 'x=1', ca: cert, proxy: via });
    t.is(response.status, 200);
    t.is(response.body, 'secure /legacy/');
    t.deepEqual(proxy.seen, [
      {
        method: 'CONNECT',
        url: `127.0.0.1:${target.port}`,
        authorization: `Basic ${Buffer.from('carol:pw').toString('base64')}`,
      },
    ]);
    // Without the CA the certificate is refused inside the tunnel, as it would be directly.
    const untrusted = await t.throwsAsync(httpRequest({ method: 'GET', url, proxy: via }));
    t.is((untrusted as { code?: string }).code, 'E_TLS');
    // Wrong proxy credentials: the tunnel is refused with 407, explained, password not shown.
    const refused = await t.throwsAsync(
      httpRequest({
        method: 'GET',
        url,
        ca: cert,
        proxy: { https: `http://carol:wrong-pw@127.0.0.1:${proxy.port}` },
      }),
    );
    t.is((refused as { code?: string }).code, 'E_PROXY');
    t.regex(refused!.message, /refused the tunnel to 127\.0\.0\.1:\d+: 407/);
    t.false(refused!.message.includes('wrong-pw'));
  },
);
