import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { uploadToPrefix } from '../../src/core/upload/conda/prefix.js';
import { FakePrefix } from '../helpers/fake-prefix.js';
import { FIXTURES, tempDir } from '../helpers/cli.js';

const CONDA = path.join(FIXTURES, 'conda', 'distseal-demo-1.0.0-py_0.conda');
const fast = { baseDelayMs: 1, maxDelayMs: 2 };

test('prefix.dev: 503s are retried with a fresh form; the part headers carry name, size and sha256', async (t) => {
  const s = await new FakePrefix({ keys: ['k'], channels: ['c'], fail503: 2 }).start();
  try {
    const report = await uploadToPrefix({
      files: [CONDA],
      serverUrl: s.url,
      channel: 'c',
      apiKey: 'k',
      retry: fast,
    });
    t.is(report.results[0]!.status, 'uploaded');
    t.deepEqual(
      s.requests.map((r) => r.status),
      [503, 503, 200],
    );
    const part = s.requests[2]!.part!;
    t.is(part.headers['content-type'], 'application/octet-stream');
    t.is(part.headers['x-file-sha256'], report.results[0]!.sha256);
    t.is(part.headers['content-length'], String(report.results[0]!.size));
    t.is(s.files.get('c')!.get('distseal-demo-1.0.0-py_0.conda'), report.results[0]!.sha256);
  } finally {
    await s.stop();
  }
});

test('prefix.dev: an .asc is not uploaded (conda packages only) and says so; dry run sends nothing', async (t) => {
  const { dir, cleanup } = await tempDir();
  const s = await new FakePrefix({ keys: ['k'], channels: ['c'] }).start();
  try {
    const file = path.join(dir, path.basename(CONDA));
    await copyFile(CONDA, file);
    await writeFile(`${file}.asc`, 'sig');
    const warnings: string[] = [];
    const logger = {
      info: () => undefined,
      debug: () => undefined,
      warn: (m: string) => void warnings.push(m),
    };
    const dry = await uploadToPrefix({
      files: [file],
      serverUrl: s.url,
      channel: 'c',
      apiKey: 'k',
      dryRun: true,
      logger,
    });
    t.deepEqual(
      dry.results.map((r) => [r.kind, r.status]),
      [
        ['conda', 'would-upload'],
        ['signature', 'skipped'],
      ],
    );
    t.is(s.requests.length, 0);
    t.regex(warnings.join('\n'), /conda packages only/);
    const missing = await t.throwsAsync(
      uploadToPrefix({ files: [file], serverUrl: s.url, channel: 'nope', apiKey: 'k', retry: fast }),
    );
    t.regex(missing!.message, /no channel/);
  } finally {
    await s.stop();
    await cleanup();
  }
});
