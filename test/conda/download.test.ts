import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import test from 'ava';
import { downloadToFile } from '../../src/core/net/download.js';
import { tempDir } from '../helpers/cli.js';
import { listenLocal } from '../helpers/local-server.js';

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  return { server, port: (await listenLocal(server)).port };
}

test('a redirect to another host drops the Authorization header (the token never reaches storage)', async (t) => {
  const seen: Array<string | undefined> = [];
  const storage = await listen((req, res) => {
    seen.push(req.headers.authorization);
    res.end('payload');
  });
  const api = await listen((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(302, { location: `http://localhost:${storage.port}/object` }).end();
  });
  const { dir, cleanup } = await tempDir();
  try {
    const dest = path.join(dir, 'x');
    const status = await downloadToFile(`http://127.0.0.1:${api.port}/download/a/b/1/x`, dest, {
      headers: { authorization: 'token SECRET' },
    });
    t.is(status, 200);
    t.is(await readFile(dest, 'utf8'), 'payload');
    t.deepEqual(seen, ['token SECRET', undefined]);
  } finally {
    api.server.close();
    storage.server.close();
    await cleanup();
  }
});
