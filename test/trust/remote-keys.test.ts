import { readFile, readdir } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import test from 'ava';
import * as openpgp from 'openpgp';
import { fetchPublishedKeys, pickFingerprint } from '../../src/core/download/key-fetch.js';
import { wkdHash, wkdUrls } from '../../src/core/download/wkd.js';
import { listenLocal } from '../helpers/local-server.js';
import { peerTest } from '../helpers/peers.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { makeTestCert } from '../helpers/test-cert.js';

const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/distseal-test-bus' };

async function newKey(email: string) {
  const { privateKey, publicKey } = await openpgp.generateKey({
    userIDs: [{ name: 'Release', email }],
    format: 'object',
  });
  return { privateKey, publicKey, fpr: publicKey.getFingerprint().toUpperCase() };
}

test('WKD hash and URLs follow the draft (its own example address)', (t) => {
  t.is(wkdHash('Joe.Doe'), 'iy9q119eutrkn8s1mk4r39qejnbu3n5q');
  t.deepEqual(
    wkdUrls('Joe.Doe@Example.ORG').map((u) => u.url),
    [
      'https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
      'https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
    ],
  );
});

async function httpsServer(dir: string, handler: http.RequestListener) {
  const { cert, key } = makeTestCert(dir);
  const server = https.createServer({ cert: await readFile(cert), key: await readFile(key) }, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    ca: await readFile(cert),
    certFile: cert,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

peerTest(['openssl'])(
  'WKD over loopback https: advanced method, direct fallback, another address or key refused, http refused',
  async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const right = await newKey('release@example.org');
    const wrong = await newKey('mallory@example.org');
    const hits: string[] = [];
    let advanced = true;
    let serve = right.publicKey;
    const server = await httpsServer(dir, (req, res) => {
      hits.push(req.url!);
      const isAdvanced = req.url!.startsWith('/adv/');
      if (isAdvanced !== advanced) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(serve.write()));
    });
    t.teardown(server.close);
    const resolver = (domain: string, method: 'advanced' | 'direct') => {
      t.is(domain, 'example.org');
      return method === 'advanced' ? `${server.origin}/adv` : `${server.origin}/dir`;
    };
    const opts = { ca: server.ca, wkdResolver: resolver, retries: 0 };
    const got = await fetchPublishedKeys({ kind: 'wkd', email: 'Release@example.org' }, opts);
    t.is(pickFingerprint(got, right.fpr).getFingerprint().toUpperCase(), right.fpr);
    t.is(hits[0], `/adv/.well-known/openpgpkey/example.org/hu/${wkdHash('release')}?l=Release`);

    advanced = false;
    hits.length = 0;
    await fetchPublishedKeys({ kind: 'wkd', email: 'release@example.org' }, opts);
    t.deepEqual(
      hits.map((h) => h.split('/')[1]),
      ['adv', 'dir'],
      'advanced first, then direct',
    );

    // A key with the right address but not the fingerprint asked for is refused.
    const error = t.throws(() => pickFingerprint(got, wrong.fpr));
    t.regex(error!.message, /refused/);
    // A key for another address is refused outright.
    serve = wrong.publicKey;
    await t.throwsAsync(fetchPublishedKeys({ kind: 'wkd', email: 'release@example.org' }, opts), {
      message: /no key for release@example.org; refused/,
    });
    // Plain http is never used for WKD.
    await t.throwsAsync(
      fetchPublishedKeys(
        { kind: 'wkd', email: 'release@example.org' },
        { ...opts, wkdResolver: () => 'http://127.0.0.1:9' },
      ),
      { message: /only https/ },
    );
  },
);

/** A fake VKS (keys.openpgp.org's API) on loopback http, serving whatever `keys` holds. */
async function fakeVks(keys: Map<string, openpgp.PublicKey>) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url!);
    const m = /^\/vks\/v1\/by-fingerprint\/([0-9A-F]+)$/.exec(req.url!);
    const key = m ? keys.get(m[1]!) : undefined;
    if (!key) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/pgp-keys' }).end(key.armor());
  });
  return { ...(await listenLocal(server)), hits };
}

test('trust add --keyserver: the key must have --fingerprint; the source is recorded; refresh merges, never swaps', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = path.join(dir, 'home');
  const cli = (args: string[]) => runCli(['--home', home, 'trust', ...args], { env: NO_DBUS });
  const maint = await newKey('release@example.org');
  const other = await newKey('other@example.org');
  const served = new Map<string, openpgp.PublicKey>([[maint.fpr, maint.publicKey]]);
  const vks = await fakeVks(served);
  t.teardown(vks.close);

  const noFpr = await cli(['add', '--keyserver', vks.origin]);
  t.is(noFpr.code, 2);
  t.regex(noFpr.stderr, /needs --fingerprint/);

  // The keyserver answers the lookup for maint with another key: refused, nothing trusted.
  served.set(maint.fpr, other.publicKey);
  const swapped = await cli(['add', '--keyserver', vks.origin, '--fingerprint', maint.fpr, '--retries', '0']);
  t.is(swapped.code, 3, swapped.stderr);
  t.regex(swapped.stderr, new RegExp(`answered with ${other.fpr}, not ${maint.fpr}; refused`));
  t.deepEqual(await readdir(path.join(home, 'trusted')).catch(() => []), []);

  served.set(maint.fpr, maint.publicKey);
  const ok = await cli([
    'add',
    '--keyserver',
    vks.origin,
    '--fingerprint',
    maint.fpr.toLowerCase(),
    '--for',
    'example',
    '--json',
  ]);
  t.is(ok.code, 0, ok.stderr);
  t.true(vks.hits.includes(`/vks/v1/by-fingerprint/${maint.fpr}`));
  const sources = JSON.parse(await readFile(path.join(home, 'trusted', 'sources.json'), 'utf8')) as {
    keys: Record<string, Array<{ kind: string; url: string }>>;
  };
  t.deepEqual(
    sources.keys[maint.fpr]!.map((s) => [s.kind, s.url]),
    [['keyserver', vks.origin]],
  );

  // The maintainer adds a subkey and later revokes the key; refresh merges both.
  const withSubkey = await maint.privateKey.addSubkey({ sign: true });
  served.set(maint.fpr, withSubkey.toPublic());
  const r1 = await cli(['refresh', '--json']);
  t.is(r1.code, 0, r1.stderr);
  const res1 = JSON.parse(r1.stdout) as { results: Array<{ status: string; changes: string[] }> };
  t.is(res1.results[0]!.status, 'updated');
  t.true(res1.results[0]!.changes.some((c) => c.startsWith('new subkey')));

  const revoked = await openpgp.revokeKey({ key: withSubkey, format: 'object' });
  served.set(maint.fpr, revoked.publicKey);
  const r2 = await cli(['refresh', maint.fpr]);
  t.is(r2.code, 0, r2.stderr);
  t.regex(r2.stdout, /now revoked/);

  // Now the server answers with another key: nothing is swapped in, and refresh says it failed.
  served.set(maint.fpr, other.publicKey);
  const before = await readFile(path.join(home, 'trusted', `${maint.fpr}.asc`), 'utf8');
  const r3 = await cli(['refresh', '--retries', '0']);
  t.is(r3.code, 1);
  t.regex(r3.stdout, /FAILED, kept as it was/);
  t.is(await readFile(path.join(home, 'trusted', `${maint.fpr}.asc`), 'utf8'), before);
  t.false((await readdir(path.join(home, 'trusted'))).includes(`${other.fpr}.asc`));

  // trust remove forgets where the key came from too: re-adding it by file starts with no source.
  const removed = await cli(['remove', maint.fpr]);
  t.is(removed.code, 0, removed.stderr);
  const after = JSON.parse(await readFile(path.join(home, 'trusted', 'sources.json'), 'utf8')) as {
    keys: Record<string, unknown>;
  };
  t.is(after.keys[maint.fpr], undefined);
});

peerTest(['openssl'])(
  'trust add --url over https with --cert: a KEYS file with several keys, --fingerprint picks one; a script without it is refused',
  async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const a = await newKey('a@example.org');
    const b = await newKey('b@example.org');
    const server = await httpsServer(dir, (_req, res) =>
      res.end(`${a.publicKey.armor()}\n${b.publicKey.armor()}`),
    );
    t.teardown(server.close);
    const home = path.join(dir, 'home');
    const cli = (args: string[]) => runCli(['--home', home, 'trust', ...args], { env: NO_DBUS });
    const url = `${server.origin}/KEYS`;

    const untrustedCa = await cli(['add', '--url', url, '--fingerprint', b.fpr, '--retries', '0']);
    t.is(untrustedCa.code, 1);
    t.regex(untrustedCa.stderr, /--cert FILE/);

    const script = await cli(['add', '--url', url, '--cert', server.certFile]);
    t.is(script.code, 2);
    t.true(script.stderr.includes(a.fpr) && script.stderr.includes(b.fpr), 'shows what it found');
    t.regex(script.stderr, /without --fingerprint none is trusted/);

    const ok = await cli(['add', '--url', url, '--cert', server.certFile, '--fingerprint', b.fpr]);
    t.is(ok.code, 0, ok.stderr);
    t.deepEqual((await readdir(path.join(home, 'trusted'))).sort(), [`${b.fpr}.asc`, 'sources.json']);
    // NODE_EXTRA_CA_CERTS works as well as --cert.
    const viaEnv = await runCli(['--home', home, 'trust', 'add', '--url', url, '--fingerprint', a.fpr], {
      env: { ...NO_DBUS, NODE_EXTRA_CA_CERTS: server.certFile },
    });
    t.is(viaEnv.code, 0, viaEnv.stderr);
  },
);
