/**
 * Issue 10 G: server text reaches messages without control characters or escape sequences,
 * and an HTTP attempt has a total deadline besides the idle timeout.
 */
import net, { type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import test from 'ava';
import { httpRequest } from '../../src/core/net/http.js';
import { serverText, stripControls } from '../../src/core/safe-text.js';
import { Output } from '../../src/cli/output.js';
import { serveRoutes } from './endless-server.js';

test('stripControls removes CSI, OSC, other escapes, C0 (but tab and newline) and C1', (t) => {
  t.is(stripControls('\x1b[31mred\x1b[0m'), 'red');
  t.is(stripControls('a\x1b]0;window title\x07b'), 'ab');
  t.is(stripControls('a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b'), 'alinkb');
  t.is(stripControls('secret\rfake'), 'secretfake');
  t.is(stripControls('tab\there\nline'), 'tab\there\nline');
  t.is(stripControls('c1\u009b31mx\u0085y'), 'c131mxy');
  t.is(stripControls('\x1bPq#0;data\x1b\\after'), 'after');
  t.is(serverText(`  bad\x1b[2J\n gateway ${'x'.repeat(20)}`, 20), 'bad gateway xxxxxxxx...');
});

test('a status line with escape sequences arrives stripped', async (t) => {
  // node:http refuses to send such a status line, so answer with raw bytes.
  const server = net.createServer((socket) => {
    socket.once('data', () =>
      socket.end(
        'HTTP/1.1 502 Bad \x1b]0;owned\x07Gateway\x1b[8m hidden\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbad',
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const r = await httpRequest({ method: 'GET', url: `http://127.0.0.1:${port}/x` });
  t.is(r.status, 502);
  t.is(r.statusText, 'Bad Gateway hidden');
});

test('the CLI output strips control characters from every message', (t) => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = new Output({ stdout, stderr, json: false, verbose: false, quiet: false });
  out.err('upload failed: \x1b]0;pwned\x07server said \x1b[31mno\x1b[0m\r');
  out.result('name \x1b[2Jok');
  t.is(String(stderr.read()), 'upload failed: server said no\n');
  t.is(String(stdout.read()), 'name ok\n');
  const json = new Output({ stdout, stderr, json: true, verbose: false, quiet: false });
  json.result('', { message: 'a\x1b[31mb' });
  t.regex(String(stdout.read()), /a\\u001b\[31mb/, 'JSON escapes controls itself');
});

test('a server trickling a byte every 100 ms is cut off at the deadline, not held by the idle timer', async (t) => {
  const server = await serveRoutes({ '/slow': 'trickle' });
  t.teardown(() => server.close());
  const started = Date.now();
  const e = await t.throwsAsync(
    httpRequest({ method: 'GET', url: `${server.origin}/slow`, timeoutMs: 10_000, deadlineMs: 800 }),
  );
  const took = Date.now() - started;
  t.regex(e!.message, /deadline/);
  t.true(took < 5000, `took ${took} ms`);
  t.true(server.sent() < 60);
});
