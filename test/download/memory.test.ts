import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { createDetachedSignature } from '../../src/core/sign/index.js';
import { listenLocal } from '../helpers/local-server.js';
import { tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';
import { trustedHome } from './helpers.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'memory-child.js');
const MIB = 256;
const LIMIT_MB = 200;

test(`download of a ${MIB} MiB file streams: peak RSS under ${LIMIT_MB} MB, bytes and hash intact`, async (t) => {
  t.timeout(300_000);
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const filename = 'bigpkg-1.0-py3-none-any.whl';
  const big = path.join(dir, filename);
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(big);
    const chunk = Buffer.alloc(1 << 20);
    let i = 0;
    const write = () => {
      while (i < MIB) {
        chunk.writeUInt32BE(i, 0);
        hash.update(chunk);
        i += 1;
        if (!out.write(chunk)) return void out.once('drain', write);
      }
      out.end(resolve);
    };
    out.on('error', reject);
    write();
  });
  const sha256 = hash.digest('hex');
  const key = await testKey('ed25519', 'Maintainer');
  const asc = await createDetachedSignature(big, key.privateKey);
  const home = await trustedHome(path.join(dir, 'home'), [{ publicKey: key.publicKey }]);
  const server = http.createServer((req, res) => {
    if (req.url === '/simple/bigpkg/')
      return void res.end(`<a href="/f/${filename}#sha256=${sha256}" data-gpg-sig="true">${filename}</a>`);
    if (req.url === `/f/${filename}.asc`) return void res.end(asc);
    if (req.url === `/f/${filename}`) {
      res.writeHead(200, { 'content-length': MIB << 20 });
      return void createReadStream(big).pipe(res);
    }
    res.writeHead(404).end();
  });
  const local = await listenLocal(server);
  t.teardown(local.close);
  // The child runs while this process serves, so spawn asynchronously.
  const dest = path.join(dir, 'dest');
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CHILD, `${local.origin}/simple/`, home, dest], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (status: number | null) => resolve({ status, stdout, stderr }));
  });
  t.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    ok: boolean;
    size: number;
    maxRssKiB: number;
  };
  t.true(out.ok);
  t.is(out.size, MIB << 20);
  t.is((await stat(path.join(dest, filename))).size, MIB << 20);
  const mb = out.maxRssKiB / 1024;
  t.log(`peak RSS ${mb.toFixed(0)} MB for a ${MIB} MiB download`);
  t.true(mb < LIMIT_MB, `peak RSS ${mb.toFixed(0)} MB >= ${LIMIT_MB} MB`);
});
