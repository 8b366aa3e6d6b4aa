import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import test from 'ava';
import { Output } from '../../src/cli/output.js';
import { cli, copies, homeWithKey, PUBLIC_KEY, TINY } from '../channel/helpers.js';
import { FIXTURES, tempDir } from '../helpers/cli.js';
import { listenLocal } from '../helpers/local-server.js';
import { startIndexServer } from '../helpers/pypi-server.js';

/** Issue 15 item 16: output glitches as a new user saw them. */

function sink(tty: boolean): Writable & { isTTY: boolean; text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return Object.assign(w, { isTTY: tty, columns: 100, text: () => text });
}

test('a progress bar line is ended before the next message or result', (t) => {
  const stderr = sink(true);
  const stdout = sink(true);
  const out = new Output({ stdout, stderr, json: false, verbose: false, quiet: false });
  out.progress({ id: 'a', label: 'hashing big.whl', done: 136 << 20, total: 200 << 20 });
  out.logger.info('Uploading big.whl');
  t.regex(stderr.text(), /%\nUploading big\.whl\n$/);
  out.progress({ id: 'b', label: 'hashing other.whl', done: 1, total: 2 });
  out.result('done');
  t.regex(stderr.text(), /50%\n$/);
  t.is(stdout.text(), 'done\n');
});

test('an upload refused with 403 does not say "Uploading X: done" first', async (t) => {
  const server = await startIndexServer();
  t.teardown(() => server.close());
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const wheel = path.join(FIXTURES, 'python', 'distseal_sample-1.0.0-py3-none-any.whl');
  const r = await cli(
    path.join(dir, 'home'),
    ['upload', 'pypi', '--repository-url', server.uploadUrl, '-u', '__token__', wheel],
    { env: { HOME: dir, TWINE_PASSWORD: 'pypi-wrong' } },
  );
  t.is(r.code, 1);
  t.regex(r.stderr, /403/);
  t.notRegex(r.stderr, /Uploading \S+: done/);
});

test('channel add says each file once (stdout), and verify --channel URL names no temp file', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const home = await homeWithKey(dir);
  const channel = path.join(dir, 'channel');
  const added = await cli(home, ['channel', 'add', channel, TINY]);
  t.is(added.code, 0, added.stderr);
  t.regex(added.stdout, /tinylib-0\.1-h0_1\.conda/);
  t.notRegex(added.stderr, /Added: /);
  const server = http.createServer(async (req, res) => {
    const file = path.join(channel, decodeURIComponent(req.url!.split('?')[0]!));
    const ok =
      file.startsWith(channel) &&
      (await stat(file).then(
        (s) => s.isFile(),
        () => false,
      ));
    if (!ok) return void res.writeHead(404).end('not found');
    res.writeHead(200);
    createReadStream(file).pipe(res);
  });
  const { origin, close } = await listenLocal(server);
  t.teardown(close);
  const [download] = await copies(path.join(dir, 'downloads'), [TINY]);
  const r = await cli(home, [
    '--json',
    'verify',
    '--channel',
    `${origin}/`,
    download!,
    '--keyring',
    PUBLIC_KEY,
  ]);
  t.is(r.code, 0, r.stdout + r.stderr);
  const json = JSON.parse(r.stdout);
  t.is(json.results[0].signature.signatureFile, `${origin}/linux-64/tinylib-0.1-h0_1.conda.asc`);
  t.notRegex(r.stdout, /"[^"]*\/\d+-tinylib[^"]*"/, 'no temp copy of the signature is named');
  const text = await cli(home, ['verify', '--channel', `${origin}/`, download!, '--keyring', PUBLIC_KEY]);
  t.regex(text.stdout, /VERIFIED by tinylib-0\.1-h0_1\.conda\.asc/);
});
