import { readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { peerTest } from '../helpers/peers.js';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';
import { makeTestCert } from '../helpers/test-cert.js';

peerTest(['openssl'])(
  '--cert trusts a private CA and --client-cert does mutual TLS; without them the TLS failure is explained',
  async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(cleanup);
    const server = makeTestCert(dir, 'server', 'IP:127.0.0.1');
    const client = makeTestCert(dir, 'client', 'DNS:client');
    await writeFile(client.pem, Buffer.concat([await readFile(client.cert), await readFile(client.key)]));
    let clientCN = '';
    const srv = https.createServer(
      {
        cert: await readFile(server.cert),
        key: await readFile(server.key),
        ca: await readFile(client.cert),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        clientCN = String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
        req.resume();
        req.on('end', () => res.end());
      },
    );
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    t.teardown(
      () =>
        new Promise<void>((r) => {
          srv.closeAllConnections();
          srv.close(() => r());
        }),
    );
    const url = `https://127.0.0.1:${(srv.address() as AddressInfo).port}/legacy/`;
    const wheel = path.join(FIXTURES, 'python', 'flit_sample-0.3.0-py3-none-any.whl');
    const env = { HOME: dir, TWINE_USERNAME: 'u', TWINE_PASSWORD: 'p' };
    const base = [
      '--home',
      path.join(dir, 'home'),
      'upload',
      'pypi',
      '--repository-url',
      url,
      '--retries',
      '0',
    ];
    const untrusted = await runCli([...base, wheel], { env });
    t.is(untrusted.code, 1);
    t.regex(untrusted.stderr, /TLS failure/);
    t.regex(untrusted.stderr, /--cert FILE/);
    const ok = await runCli([...base, '--cert', server.cert, '--client-cert', client.pem, wheel], { env });
    t.is(ok.code, 0, ok.stderr);
    t.is(clientCN, 'client');
    // TWINE_CERT works like --cert.
    const viaEnv = await runCli([...base, '--client-cert', client.pem, wheel], {
      env: { ...env, TWINE_CERT: server.cert },
    });
    t.is(viaEnv.code, 0, viaEnv.stderr);
  },
);
