/**
 * Conformance with the reference uploader: Debian's twine 4.0.2 and distseal upload the same
 * real wheel and sdist to the recording index; their forms must agree except for the documented
 * differences (specs/pypi-upload.md §1 "twine 4.0.2 differences"): twine 4.0.2 sends empty
 * fields, md5_digest, pkginfo's `provides_extras`, the raw `keywords` string, and an empty
 * `pyversion` for sdists, where distseal sends what twine 6+ sends.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { peerTest } from '../helpers/peers.js';
import { startIndexServer, TEST_TOKEN, type RecordedUpload } from '../helpers/pypi-server.js';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';

const run = promisify(execFile);
const PY = path.join(FIXTURES, 'python');
const DISTS = [
  path.join(PY, 'distseal_sample-1.0.0-py3-none-any.whl'),
  path.join(PY, 'distseal-sample-1.0.0.tar.gz'),
  path.join(PY, 'flit_sample-0.3.0-py3-none-any.whl'),
];

/** twine 4.0.2's form turned into what twine 6+ would send, per the documented differences. */
function asTwine6(upload: RecordedUpload): string[] {
  const filetype = upload.parts.find((p) => p.name === 'filetype')?.value;
  const out: string[] = [];
  for (const p of upload.parts) {
    if (p.name === 'content') continue;
    let { name, value } = p as { name: string; value: string };
    if (value === '' && !(name === 'pyversion' && filetype === 'sdist')) continue; // empty fields: absent in 6+
    if (name === 'md5_digest') continue; // removed in twine 6.2
    if (name === 'provides_extras') name = 'provides_extra'; // pkginfo's name; Warehouse ignores it
    if (name === 'keywords')
      value = value
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean)
        .join(', ');
    if (name === 'pyversion' && filetype === 'sdist') value = 'source'; // 6.1+ sends `source`
    out.push(`${name}=${JSON.stringify(value)}`);
  }
  return out.sort();
}

function ours(upload: RecordedUpload): string[] {
  return upload.parts
    .filter((p) => p.name !== 'content')
    .map((p) => `${p.name}=${JSON.stringify(p.value)}`)
    .sort();
}

peerTest(['twine'])(
  'twine 4.0.2 and distseal send the same form, but for the documented differences',
  async (t) => {
    const twineServer = await startIndexServer();
    const ourServer = await startIndexServer();
    const { dir, cleanup } = await tempDir();
    t.teardown(async () => {
      await twineServer.close();
      await ourServer.close();
      await cleanup();
    });
    // No keyring lookups for twine (the password is given), a throwaway HOME for both.
    await run(
      'twine',
      [
        'upload',
        '--repository-url',
        twineServer.uploadUrl,
        '-u',
        '__token__',
        '-p',
        TEST_TOKEN,
        '--non-interactive',
        '--disable-progress-bar',
        ...DISTS,
      ],
      {
        env: { ...process.env, HOME: dir, PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring' },
      },
    );
    const r = await runCli(
      [
        '--home',
        path.join(dir, 'home'),
        'upload',
        'pypi',
        '--repository-url',
        ourServer.uploadUrl,
        '-u',
        '__token__',
        ...DISTS,
      ],
      { env: { HOME: dir, TWINE_PASSWORD: TEST_TOKEN } },
    );
    t.is(r.code, 0, r.stderr);
    t.is(twineServer.uploads.length, 3);
    t.is(ourServer.uploads.length, 3);
    for (let i = 0; i < 3; i += 1) {
      const theirs = twineServer.uploads[i]!;
      const mine = ourServer.uploads[i]!;
      t.is(theirs.status, 200, theirs.message);
      t.is(mine.status, 200, mine.message);
      t.deepEqual(
        ours(mine),
        asTwine6(theirs),
        `fields of ${mine.parts.find((p) => p.name === 'content')!.filename}`,
      );
      // Same file part: last, same filename, same content type; text parts carry no Content-Type.
      for (const u of [theirs, mine]) {
        const last = u.parts.at(-1)!;
        t.is(last.name, 'content');
        t.is(last.contentType, 'application/octet-stream');
        t.true(u.parts.filter((p) => p.name !== 'content').every((p) => p.contentType === undefined));
      }
      t.is(mine.parts.at(-1)!.filename, theirs.parts.at(-1)!.filename);
      // Repeated fields keep their order (classifiers, requires_dist).
      for (const name of ['classifiers', 'requires_dist']) {
        t.deepEqual(
          mine.parts.filter((p) => p.name === name).map((p) => p.value),
          theirs.parts.filter((p) => p.name === name).map((p) => p.value),
        );
      }
    }
    // Both upload wheels before sdists.
    const order = (u: RecordedUpload[]) => u.map((x) => x.parts.find((p) => p.name === 'filetype')!.value);
    t.deepEqual(order(ourServer.uploads), ['bdist_wheel', 'bdist_wheel', 'sdist']);
  },
);
