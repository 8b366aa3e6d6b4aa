import test from 'ava';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { publishToGithub } from '../../src/core/upload/github/index.js';
import { tempDir } from '../helpers/cli.js';
import { FakeGithub } from '../helpers/fake-github.js';
import { startProxy } from '../net/proxy-server.js';

// publishToGithub with `proxy`: the API calls, the asset upload, and the download that hashes an
// existing asset GitHub lists without a digest, all go through the proxy.
test('publishToGithub sends every call, and hashes a digest-less asset, through the proxy', async (t) => {
  const gh = await new FakeGithub({ noDigests: true }).start();
  const proxy = await startProxy();
  const { dir, cleanup } = await tempDir();
  t.teardown(async () => {
    await proxy.close();
    await gh.stop();
    await cleanup();
  });
  const file = path.join(dir, 'notes.txt');
  const data = Buffer.from('release notes\n');
  await writeFile(file, data);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const publish = () =>
    publishToGithub({
      apiUrl: gh.url,
      token: 'gh-test-token',
      owner: 'me',
      repo: 'proj',
      tag: 'v1.0.0',
      files: [{ file, name: 'notes.txt', size: data.length, sha256 }],
      proxy: { http: proxy.origin },
    });
  const first = await publish();
  t.deepEqual(
    first.assets.map((a) => a.status),
    ['uploaded'],
  );
  const seen = () => proxy.seen.map((s) => `${s.method} ${s.url.slice(gh.url.length)}`);
  t.true(seen().includes('GET /repos/me/proj/releases?per_page=100&page=1'), JSON.stringify(seen()));
  t.true(
    seen().includes('POST /uploads/repos/me/proj/releases/100/assets?name=notes.txt'),
    JSON.stringify(seen()),
  );

  // Again: the asset is there without a digest, so its bytes are fetched and hashed to skip it.
  const before = proxy.seen.length;
  const second = await publish();
  t.deepEqual(
    second.assets.map((a) => a.status),
    ['skipped'],
  );
  const again = seen().slice(before);
  t.true(again.includes('GET /repos/me/proj/releases/assets/101'), JSON.stringify(again));
  t.true(again.includes('GET /download/101'), JSON.stringify(again));
});
