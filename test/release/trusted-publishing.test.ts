import test from 'ava';
import http from 'node:http';
import { mintTrustedPublishingToken } from '../../src/core/release/index.js';
import { listenLocal } from '../helpers/local-server.js';
import { startProxy } from '../net/proxy-server.js';

/** An index front with the two OIDC endpoints, and the runner's token endpoint, on one loopback server. */
async function oidcServer() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/_/oidc/audience') return json(200, { audience: 'testindex' });
    if (url.pathname === '/gh-oidc') return json(200, { value: 'jwt-from-runner' });
    if (url.pathname === '/_/oidc/mint-token' && req.method === 'POST') {
      req.resume();
      return req.on('end', () => json(200, { success: true, token: 'minted-upload-token' }));
    }
    json(404, { message: 'Not Found' });
  });
  return listenLocal(server);
}

test('the audience, the runner OIDC token and the mint exchange all go through the proxy', async (t) => {
  const server = await oidcServer();
  const proxy = await startProxy();
  t.teardown(async () => {
    await proxy.close();
    await server.close();
  });
  const options = {
    uploadUrl: `${server.origin}/legacy/`,
    requestUrl: `${server.origin}/gh-oidc?api-version=2.0`,
    requestToken: 'runner-request-token',
  };
  const token = await mintTrustedPublishingToken({ ...options, proxy: { http: proxy.origin } });
  t.is(token, 'minted-upload-token');
  t.deepEqual(
    proxy.seen.map((s) => `${s.method} ${s.url}`),
    [
      `GET ${server.origin}/_/oidc/audience`,
      `GET ${server.origin}/gh-oidc?api-version=2.0&audience=testindex`,
      `POST ${server.origin}/_/oidc/mint-token`,
    ],
  );

  // NO_PROXY for the host: the same exchange goes direct.
  const direct = await mintTrustedPublishingToken({
    ...options,
    proxy: { http: proxy.origin, noProxy: '127.0.0.1' },
  });
  t.is(direct, 'minted-upload-token');
  t.is(proxy.seen.length, 3);
});
