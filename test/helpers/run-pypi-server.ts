/**
 * Run the local test index by hand (the README demo uses it):
 *   node dist/test/helpers/run-pypi-server.js [--port 8080] [--dir DIR] [--flavor pypiserver]
 * Prints the upload URL on stdout, takes uploads as `__token__` / `pypi-test-token`, serves a
 * PEP 503 index at /simple/, and stops on Ctrl-C (removing its temp dir unless --dir was given).
 */
import http from 'node:http';
import { startIndexServer, TEST_TOKEN } from './pypi-server.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

const server = await startIndexServer({
  dir: arg('dir'),
  flavor: arg('flavor') === 'pypiserver' ? 'pypiserver' : 'warehouse',
});
const port = arg('port');
let url = server.uploadUrl;
if (port) {
  // A fixed port for demos: forward to the server's ephemeral one.
  const target = new URL(server.url);
  const proxy = http.createServer((req, res) => {
    const up = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.statusMessage, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(Number(port), '127.0.0.1', r));
  url = `http://127.0.0.1:${port}/legacy/`;
}
process.stdout.write(`${url}\n`);
process.stderr.write(
  `local index: upload as __token__ with password ${TEST_TOKEN}; files in ${server.dir}; Ctrl-C to stop\n`,
);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
