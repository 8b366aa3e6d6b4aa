import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { uploadToAnaconda } from '../../src/core/upload/conda/anaconda.js';
import { FakeAnaconda } from '../helpers/fake-anaconda.js';
import { FIXTURES, tempDir } from '../helpers/cli.js';

const CONDA = path.join(FIXTURES, 'conda', 'distseal-demo-1.0.0-py_0.conda');
const BZ2 = path.join(FIXTURES, 'conda', 'distseal-demo-1.0.0-py_0.tar.bz2');
const fast = { baseDelayMs: 1, maxDelayMs: 2 };

async function withServer(
  options: ConstructorParameters<typeof FakeAnaconda>[0],
  fn: (s: FakeAnaconda) => Promise<void>,
): Promise<void> {
  const server = await new FakeAnaconda({ tokens: { good: 'alice' }, ...options }).start();
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

test('uploads a .conda with the full anaconda.org sequence, in order', async (t) => {
  await withServer({}, async (s) => {
    const report = await uploadToAnaconda({
      files: [CONDA],
      apiUrl: s.url,
      token: 'good',
      labels: ['dev'],
      retry: fast,
    });
    t.is(report.owner, 'alice');
    t.is(report.results[0]!.status, 'uploaded');
    t.deepEqual(s.sequence(), [
      'HEAD /',
      'GET /user',
      'GET /dist/alice/distseal-demo/1.0.0/noarch/distseal-demo-1.0.0-py_0.conda',
      'GET /package/alice/distseal-demo',
      'POST /package/alice/distseal-demo',
      'GET /release/alice/distseal-demo/1.0.0',
      'POST /release/alice/distseal-demo/1.0.0',
      'POST /stage/alice/distseal-demo/1.0.0/noarch/distseal-demo-1.0.0-py_0.conda',
      'POST /s3-upload',
      'POST /commit/alice/distseal-demo/1.0.0/noarch/distseal-demo-1.0.0-py_0.conda',
    ]);
    for (const r of s.requests.filter((r) => r.path !== '/s3-upload' && r.path !== '/'))
      t.is(r.authorization, 'token good');
    t.is(
      s.requests.find((r) => r.path === '/s3-upload')!.authorization,
      undefined,
      'the token never goes to storage',
    );
    const dist = s.dists.get('alice/distseal-demo/1.0.0/noarch/distseal-demo-1.0.0-py_0.conda')!;
    t.deepEqual(dist.labels, ['dev']);
    t.is(dist.attrs.subdir, 'noarch');
    t.is(dist.size, report.results[0]!.size);
  });
});

test('an .asc beside the package goes to <name>-signatures as type file', async (t) => {
  const { dir, cleanup } = await tempDir();
  try {
    const file = path.join(dir, path.basename(CONDA));
    await copyFile(CONDA, file);
    await writeFile(`${file}.asc`, '-----BEGIN PGP SIGNATURE-----\n\nfake\n-----END PGP SIGNATURE-----\n');
    await withServer({}, async (s) => {
      const report = await uploadToAnaconda({ files: [file], apiUrl: s.url, token: 'good', retry: fast });
      t.deepEqual(
        report.results.map((r) => [r.kind, r.package, r.status]),
        [
          ['conda', 'distseal-demo', 'uploaded'],
          ['signature', 'distseal-demo-signatures', 'uploaded'],
        ],
      );
      const sig = s.dists.get('alice/distseal-demo-signatures/1.0.0/distseal-demo-1.0.0-py_0.conda.asc')!;
      t.is(sig.type, 'file');
      t.deepEqual([...s.packages.get('alice/distseal-demo-signatures')!.types], ['file']);
      t.regex(
        report.results[1]!.url!,
        /\/download\/alice\/distseal-demo-signatures\/1\.0\.0\/distseal-demo-1\.0\.0-py_0\.conda\.asc$/,
      );
    });
  } finally {
    await cleanup();
  }
});

test('an existing file: fail by default (exit-1 error), skip with skip-existing, replace with force', async (t) => {
  await withServer({}, async (s) => {
    await uploadToAnaconda({ files: [BZ2], apiUrl: s.url, token: 'good', retry: fast });
    const error = await t.throwsAsync(
      uploadToAnaconda({ files: [BZ2], apiUrl: s.url, token: 'good', retry: fast }),
    );
    t.is((error as { code?: string }).code, 'E_EXISTS');
    t.regex(error!.message, /already exists/);
    const skipped = await uploadToAnaconda({
      files: [BZ2],
      apiUrl: s.url,
      token: 'good',
      existing: 'skip',
      retry: fast,
    });
    t.is(skipped.results[0]!.status, 'skipped');
    const same = await uploadToAnaconda({
      files: [BZ2],
      apiUrl: s.url,
      token: 'good',
      existing: 'force',
      retry: fast,
    });
    t.is(same.results[0]!.status, 'skipped', '--force with identical bytes changes nothing');
    t.false(s.sequence().some((x) => x.startsWith('DELETE')));
    s.dists.get('alice/distseal-demo/1.0.0/noarch/distseal-demo-1.0.0-py_0.tar.bz2')!.sha256 = 'f'.repeat(64); // the server's copy differs
    const warnings: string[] = [];
    const logger = {
      info: () => undefined,
      debug: () => undefined,
      warn: (m: string) => void warnings.push(m),
    };
    await uploadToAnaconda({
      files: [BZ2],
      apiUrl: s.url,
      token: 'good',
      existing: 'skip',
      retry: fast,
      logger,
    });
    t.regex(warnings.join('\n'), /the file on the server is different/);
    const forced = await uploadToAnaconda({
      files: [BZ2],
      apiUrl: s.url,
      token: 'good',
      existing: 'force',
      retry: fast,
    });
    t.is(forced.results[0]!.status, 'replaced');
    t.true(
      s
        .sequence()
        .includes('GET /download/alice/distseal-demo/1.0.0/noarch/distseal-demo-1.0.0-py_0.tar.bz2'),
      'the old file is kept before deleting',
    );
    t.is(s.dists.size, 1);
  });
});

test('409 from stage (no pre-check hit) is treated as existing', async (t) => {
  await withServer({}, async (s) => {
    await uploadToAnaconda({ files: [CONDA], apiUrl: s.url, token: 'good', retry: fast });
    // Hide the dist from the pre-check only: the server still has it, so /stage answers 409.
    const realGet = s.dists.get.bind(s.dists);
    let hidden = true;
    s.dists.get = (key: string) => (hidden ? ((hidden = false), undefined) : realGet(key));
    const report = await uploadToAnaconda({
      files: [CONDA],
      apiUrl: s.url,
      token: 'good',
      existing: 'skip',
      retry: fast,
    });
    t.is(report.results[0]!.status, 'skipped');
    t.is(s.requests.filter((r) => r.path.startsWith('/stage/')).at(-1)!.status, 409);
  });
});

test('an expired token and a token without api:write are explained in plain words', async (t) => {
  await withServer(
    { tokens: { old: 'alice', ro: 'alice' }, expiredTokens: ['old'], readOnlyTokens: ['ro'] },
    async (s) => {
      const expired = await t.throwsAsync(
        uploadToAnaconda({ files: [CONDA], apiUrl: s.url, token: 'old', retry: fast }),
      );
      t.is(expired!.message, 'Your anaconda.org token has expired.');
      t.regex((expired as { hint?: string }).hint!, /api:read api:write/);
      const ro = await t.throwsAsync(
        uploadToAnaconda({ files: [CONDA], apiUrl: s.url, token: 'ro', retry: fast }),
      );
      t.regex(ro!.message, /not allowed to upload/);
      t.is(s.dists.size, 0);
      t.is(s.packages.size, 0);
    },
  );
});

test('a dropped S3 POST is re-staged and the upload completes; 503s are retried', async (t) => {
  await withServer({ dropS3: 1, fail503: { '/package/': 1, '/commit/': 1 } }, async (s) => {
    const report = await uploadToAnaconda({ files: [CONDA], apiUrl: s.url, token: 'good', retry: fast });
    t.is(report.results[0]!.status, 'uploaded');
    t.is(s.sequence().filter((x) => x.startsWith('POST /stage/')).length, 2);
    t.is(s.dists.size, 1);
  });
});

test('a commit whose answer is lost is retried, and the refused retry is recognised as done', async (t) => {
  await withServer({ dropCommitAnswer: 1 }, async (s) => {
    const report = await uploadToAnaconda({ files: [CONDA], apiUrl: s.url, token: 'good', retry: fast });
    t.is(report.results[0]!.status, 'uploaded');
    t.is(s.requests.filter((r) => r.path.startsWith('/commit/')).length, 2);
    t.is(s.requests.filter((r) => r.path.startsWith('/commit/')).at(-1)!.status, 404);
    t.is(s.dists.size, 1);
    t.is(s.packages.size, 1, 'nothing was cleaned up by mistake');
  });
});

test('an upload that keeps failing cleans up the package and release it created', async (t) => {
  await withServer({ dropS3: 10 }, async (s) => {
    const error = await t.throwsAsync(
      uploadToAnaconda({ files: [CONDA], apiUrl: s.url, token: 'good', retry: { ...fast, retries: 1 } }),
    );
    t.is((error as { code?: string }).code, 'E_NETWORK');
    t.is(s.packages.size, 0);
    t.is(s.releases.size, 0);
    t.true(s.sequence().includes('DELETE /release/alice/distseal-demo/1.0.0'));
  });
});

test('--force whose new upload fails puts the old file back', async (t) => {
  await withServer({}, async (s) => {
    await uploadToAnaconda({ files: [CONDA], apiUrl: s.url, token: 'good', retry: fast });
    const stored = s.dists.get('alice/distseal-demo/1.0.0/noarch/distseal-demo-1.0.0-py_0.conda')!;
    const before = stored.sha256;
    stored.sha256 = 'e'.repeat(64); // the server reports other bytes, so --force really replaces
    s.options.dropS3 = 2; // the new upload's two attempts die; the restore goes through
    await t.throwsAsync(
      uploadToAnaconda({
        files: [CONDA],
        apiUrl: s.url,
        token: 'good',
        existing: 'force',
        retry: { ...fast, retries: 1 },
      }),
    );
    const after = s.dists.get('alice/distseal-demo/1.0.0/noarch/distseal-demo-1.0.0-py_0.conda');
    t.truthy(after, 'the old file is on the server again');
    t.is(after!.sha256, before);
  });
});

test('dry run reads, validates and pre-checks but changes nothing', async (t) => {
  await withServer({}, async (s) => {
    const report = await uploadToAnaconda({
      files: [CONDA],
      apiUrl: s.url,
      token: 'good',
      dryRun: true,
      retry: fast,
    });
    t.is(report.results[0]!.status, 'would-upload');
    t.false(s.sequence().some((x) => x.startsWith('POST')));
  });
});

test('the fake storage is strict: a wrong Content-MD5 is refused as InvalidDigest and explained', async (t) => {
  const { postToS3 } = await import('../../src/core/upload/conda/s3.js');
  const { prepareArtifacts } = await import('../../src/core/upload/conda/artifacts.js');
  const { silentLogger } = await import('../../src/core/logger.js');
  await withServer({}, async (s) => {
    await uploadToAnaconda({ files: [CONDA], apiUrl: s.url, token: 'good', dryRun: true, retry: fast });
    const [artifact] = await prepareArtifacts([CONDA], silentLogger);
    // Stage by hand to get a presigned form, then send the file with a wrong MD5.
    const headers = { authorization: 'token good', 'content-type': 'application/json' };
    const { httpRequest } = await import('../../src/core/net/http.js');
    for (const p of ['/package/alice/distseal-demo', '/release/alice/distseal-demo/1.0.0']) {
      await httpRequest({
        method: 'POST',
        url: `${s.url}${p}`,
        headers,
        body: () =>
          JSON.stringify(
            p.startsWith('/package')
              ? { public: true, publish: false, public_attrs: { summary: 's', package_types: ['conda'] } }
              : { requirements: [], announce: null },
          ),
      });
    }
    const staged = await httpRequest({
      method: 'POST',
      url: `${s.url}/stage/alice/distseal-demo/1.0.0/noarch/${path.basename(CONDA)}`,
      headers,
      body: () =>
        JSON.stringify({
          distribution_type: 'conda',
          sha256: artifact!.digests.sha256,
          channels: [],
          attrs: { subdir: 'noarch' },
        }),
    });
    const stage = JSON.parse(staged.body);
    const wrong = {
      ...artifact!,
      digests: { ...artifact!.digests, md5Base64: Buffer.alloc(16).toString('base64') },
    };
    const e = await t.throwsAsync(postToS3(stage.post_url, stage.form_data, wrong, silentLogger));
    t.regex(e!.message, /MD5 checksum did not match/);
    t.is(s.requests.at(-1)!.status, 400);
  });
});
