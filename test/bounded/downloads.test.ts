/**
 * Issue 10 F: every download and key input is capped while it is read. An endless repodata.json
 * or .asc from a channel server is cut off at its limit (a failed check, exit 3), and
 * `trust add /dev/zero` stops at the key-file limit (exit 2).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { verifyChannel } from '../../src/core/channel/verify.js';
import { MAX_KEY_FILE_BYTES, MAX_SIGNATURE_BYTES, parseByteSize } from '../../src/core/limits.js';
import { downloadToFile } from '../../src/core/net/download.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { exampleKeys } from '../channel/example-key.js';
import { PUBLIC_KEY } from '../channel/helpers.js';
import { serveRoutes } from './endless-server.js';

const EMPTY_REPODATA = JSON.stringify({
  info: { subdir: 'noarch' },
  packages: {},
  'packages.conda': {},
  repodata_version: 1,
});

test('an endless repodata.json is cut off at the repodata limit, and the check fails', async (t) => {
  const server = await serveRoutes({ '/noarch/repodata.json': 'endless' });
  t.teardown(() => server.close());
  const { publicKeys } = await exampleKeys();
  const report = await verifyChannel({
    channel: server.origin,
    keys: publicKeys,
    maxRepodataBytes: 2 * 1024 * 1024,
  });
  t.false(report.verified);
  const entry = report.entries.find((e) => e.path === 'noarch/repodata.json')!;
  t.is(entry.problems[0]?.code, 'E_DOWNLOAD_TOO_LARGE');
  t.regex(entry.problems[0]!.message, /more than 2097152 bytes.*--max-repodata-size/);
  t.true(server.sent() < 64 * 1024 * 1024, `the server got to send ${server.sent()} bytes`);
});

test('an endless repodata.json.asc is cut off at the signature limit (1 MiB)', async (t) => {
  const server = await serveRoutes({
    '/noarch/repodata.json': EMPTY_REPODATA,
    '/noarch/repodata.json.asc': 'endless',
  });
  t.teardown(() => server.close());
  const { publicKeys } = await exampleKeys();
  const report = await verifyChannel({ channel: server.origin, keys: publicKeys });
  t.false(report.verified);
  const problem = report.entries[0]!.problems[0]!;
  t.is(problem.code, 'E_DOWNLOAD_TOO_LARGE');
  t.true(problem.message.includes(`more than ${MAX_SIGNATURE_BYTES} bytes`), problem.message);
});

test('channel verify URL: the endless server is cut off (exit 3); --max-repodata-size is checked', async (t) => {
  const server = await serveRoutes({ '/noarch/repodata.json': 'endless' });
  t.teardown(() => server.close());
  const home = await mkdtemp(path.join(os.tmpdir(), 'distseal-home-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const args = ['--home', home, 'channel', 'verify', server.origin, '--keyring', PUBLIC_KEY];
  const r = await runCli([...args, '--max-repodata-size', '1M'], { timeoutMs: 60_000 });
  t.is(r.code, 3, r.stdout + r.stderr);
  t.regex(r.stdout, /more than 1048576 bytes/);
  const bad = await runCli([...args, '--max-repodata-size', 'lots']);
  t.is(bad.code, 2, bad.stderr);
  t.regex(bad.stderr, /--max-repodata-size lots is not a size/);
});

test('downloadToFile: a body over maxBytes is cut off and deleted; a trickle hits the deadline', async (t) => {
  const server = await serveRoutes({ '/big': 'endless', '/slow': 'trickle' });
  t.teardown(() => server.close());
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const dest = path.join(dir, 'out');
  const big = await t.throwsAsync(downloadToFile(`${server.origin}/big`, dest, { maxBytes: 100_000 }));
  t.is((big as { code?: string }).code, 'E_DOWNLOAD_TOO_LARGE');
  await t.throwsAsync(stat(dest), undefined, 'the partial file is gone');
  const started = Date.now();
  const slow = await t.throwsAsync(downloadToFile(`${server.origin}/slow`, dest, { deadlineMs: 700 }));
  t.is((slow as { code?: string }).code, 'E_HTTP_TIMEOUT');
  t.regex(slow!.message, /took longer than 1 s|longer than 0 s|cut off/);
  t.true(Date.now() - started < 5000);
});

test('trust add /dev/zero stops at the key-file limit (exit 2), and so does an oversized stdin', async (t) => {
  const home = await mkdtemp(path.join(os.tmpdir(), 'distseal-home-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const started = Date.now();
  const r = await runCli(['--home', home, 'trust', 'add', '/dev/zero'], { timeoutMs: 30_000 });
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, new RegExp(`/dev/zero is larger than ${MAX_KEY_FILE_BYTES} bytes`));
  t.true(Date.now() - started < 15_000);
  const key = await readFile(PUBLIC_KEY);
  const padded = Buffer.concat([key, Buffer.alloc(MAX_KEY_FILE_BYTES, 0x0a)]);
  const s = await runCli(['--home', home, 'trust', 'add', '-'], { input: padded });
  t.is(s.code, 2, s.stderr);
  t.regex(s.stderr, /standard input is larger than/);
  const ok = await runCli(['--home', home, 'trust', 'add', '-'], { input: key });
  t.is(ok.code, 0, ok.stderr);
});

test('sizes on the command line', (t) => {
  t.is(parseByteSize('1M'), 1024 * 1024);
  t.is(parseByteSize('512MiB'), 512 * 1024 * 1024);
  t.is(parseByteSize('2g'), 2 * 1024 ** 3);
  t.is(parseByteSize('1000'), 1000);
  t.is(parseByteSize('lots'), undefined);
  t.is(parseByteSize('0'), undefined);
});
