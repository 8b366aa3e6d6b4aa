import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { uploadToPypi } from '../../src/core/upload/pypi/upload.js';
import { meansAlreadyExists } from '../../src/core/upload/pypi/responses.js';
import {
  compareExisting,
  parseSimplePage,
  simpleIndexCandidates,
} from '../../src/core/upload/pypi/precheck.js';
import type { Logger } from '../../src/core/logger.js';
import { peerTest } from '../helpers/peers.js';
import { startIndexServer, TEST_TOKEN } from '../helpers/pypi-server.js';
import { FIXTURES, tempDir } from '../helpers/cli.js';

const PY = path.join(FIXTURES, 'python');
/** Crafted dists are made with Debian's python3 (test/helpers/bad-dists.ts). */
const python = peerTest(['/usr/bin/python3']);
const WHEEL = path.join(PY, 'distseal_sample-1.0.0-py3-none-any.whl');
const creds = { username: { value: '__token__', source: 't' }, password: { value: TEST_TOKEN, source: 't' } };

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = {
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
  };
  return { lines, logger };
}

test('PyPI: the signature is not sent, with one warning pointing to .asc files and SHA256SUMS', async (t) => {
  const server = await startIndexServer();
  const { dir, cleanup } = await tempDir();
  t.teardown(async () => {
    await server.close();
    await cleanup();
  });
  const wheel = path.join(dir, path.basename(WHEEL));
  const sdist = path.join(dir, 'flit_sample-0.3.0.tar.gz');
  await copyFile(WHEEL, wheel);
  await copyFile(path.join(PY, 'flit_sample-0.3.0.tar.gz'), sdist);
  const fakeSig = '-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n';
  await writeFile(`${wheel}.asc`, fakeSig);
  await writeFile(`${sdist}.asc`, fakeSig);
  const { lines, logger } = recordingLogger();
  // A PyPI repository, pointed at the local server (isPyPI decides, not the host).
  const results = await uploadToPypi({
    dists: [wheel, sdist],
    signatures: new Map([
      [wheel, `${wheel}.asc`],
      [sdist, `${sdist}.asc`],
    ]),
    repository: { url: server.uploadUrl, isPyPI: true },
    credentials: creds,
    retryBaseMs: 1,
    logger,
  });
  t.deepEqual(
    results.map((r) => [r.status, r.signature]),
    [
      ['uploaded', 'not-sent'],
      ['uploaded', 'not-sent'],
    ],
  );
  t.false(server.uploads.some((u) => u.parts.some((p) => p.name === 'gpg_signature')));
  const warnings = lines.filter((l) => l.startsWith('warn:') && /signature/i.test(l));
  t.is(warnings.length, 1);
  t.regex(warnings[0]!, /May 2023.*SHA256SUMS/s);
});

test('--skip-existing on PyPI asks the JSON API first and does not send a file that is there', async (t) => {
  const server = await startIndexServer();
  t.teardown(() => server.close());
  const base = {
    repository: { url: server.uploadUrl, isPyPI: true },
    credentials: creds,
    retryBaseMs: 1,
    jsonApi: `${server.url}pypi/`,
  };
  await uploadToPypi({ ...base, dists: [WHEEL] });
  t.is(server.uploads.length, 1);
  const results = await uploadToPypi({
    ...base,
    dists: [WHEEL, path.join(PY, 'distseal-sample-1.0.0.tar.gz')],
    skipExisting: true,
  });
  t.deepEqual(
    results.map((r) => r.status),
    ['skipped', 'uploaded'],
  );
  t.regex(results[0]!.reason!, /JSON API/);
  t.is(server.uploads.length, 2, 'only the sdist was sent');
});

test('a file that changes during the upload is detected', async (t) => {
  const server = await startIndexServer();
  const { dir, cleanup } = await tempDir();
  t.teardown(async () => {
    await server.close();
    await cleanup();
  });
  const wheel = path.join(dir, path.basename(WHEEL));
  await copyFile(WHEEL, wheel);
  const original = await readFile(wheel);
  const logger: Logger = {
    info: (m) => {
      // Right after hashing, as the upload starts: flip one byte, same size.
      if (m.startsWith('Uploading')) {
        const changed = Buffer.from(original);
        changed[100] = changed[100]! ^ 0xff;
        require('node:fs').writeFileSync(wheel, changed);
      }
    },
    warn: () => undefined,
    debug: () => undefined,
  };
  const results = await uploadToPypi({
    dists: [wheel],
    repository: { url: server.uploadUrl, isPyPI: false },
    credentials: creds,
    retryBaseMs: 1,
    logger,
  });
  t.is(results[0]!.status, 'failed');
  t.is(results[0]!.error!.code, 'E_FILE_CHANGED');
  t.regex(results[0]!.reason!, /changed while it was being uploaded/);
});

const require = (await import('node:module')).createRequire(import.meta.url);

test('skip-existing quirks: 409, 400 already exists, vendor messages; not other refusals', (t) => {
  const r = (status: number, statusText: string, body = '') => ({ status, statusText, headers: {}, body });
  t.true(meansAlreadyExists(r(409, 'Conflict')));
  t.true(meansAlreadyExists(r(400, "File already exists ('x.whl', with blake2_256 hash 'ab')")));
  t.true(meansAlreadyExists(r(400, 'Bad Request', 'Repository does not allow updating assets: pypi-hosted')));
  t.true(meansAlreadyExists(r(400, 'Bad Request', 'Validation failed: File name has already been taken')));
  t.true(meansAlreadyExists(r(403, 'Forbidden', 'Not enough permissions to overwrite artifact')));
  t.false(meansAlreadyExists(r(403, 'Invalid or non-existent authentication information.')));
  t.false(
    meansAlreadyExists(
      r(400, 'The digest supplied does not match a digest calculated from the uploaded file.'),
    ),
  );
  t.false(meansAlreadyExists(r(500, 'already exists')));
});

test('signatures are sent to other indexes and stored by the server as <file>.asc', async (t) => {
  const server = await startIndexServer();
  t.teardown(() => server.close());
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const wheel = path.join(dir, path.basename(WHEEL));
  await copyFile(WHEEL, wheel);
  await writeFile(`${wheel}.asc`, '-----BEGIN PGP SIGNATURE-----\n\nxyz\n-----END PGP SIGNATURE-----\n');
  const results = await uploadToPypi({
    dists: [wheel],
    signatures: new Map([[wheel, `${wheel}.asc`]]),
    repository: { url: server.uploadUrl, isPyPI: false },
    credentials: creds,
  });
  t.is(results[0]!.signature, 'sent');
  t.is(
    await readFile(path.join(server.dir, 'packages', `${path.basename(WHEEL)}.asc`), 'utf8'),
    await readFile(`${wheel}.asc`, 'utf8'),
  );
});

test('attestations are sent as one JSON array text field', async (t) => {
  const server = await startIndexServer();
  t.teardown(() => server.close());
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const att = path.join(dir, `${path.basename(WHEEL)}.publish.attestation`);
  await writeFile(att, JSON.stringify({ version: 1, envelope: { statement: 'e30=', signature: 'c2ln' } }));
  await uploadToPypi({
    dists: [WHEEL],
    attestations: new Map([[WHEEL, [att]]]),
    repository: { url: server.uploadUrl, isPyPI: false },
    credentials: creds,
  });
  const part = server.uploads[0]!.parts.find((p) => p.name === 'attestations')!;
  t.deepEqual(JSON.parse(part.value!), [{ version: 1, envelope: { statement: 'e30=', signature: 'c2ln' } }]);
  t.is(server.uploads[0]!.parts.at(-1)!.name, 'content');
});

python(
  'an unsupported Metadata-Version or a name that disagrees with the filename is refused before anything is sent',
  async (t) => {
    const server = await startIndexServer();
    const { dir, cleanup } = await tempDir();
    t.teardown(async () => {
      await server.close();
      await cleanup();
    });
    const { makeWheel } = await import('../helpers/bad-dists.js');
    const future = makeWheel(dir, 'future', '1.0', [], { 'Metadata-Version': '3.0' });
    const err = await t.throwsAsync(
      uploadToPypi({
        dists: [WHEEL, future],
        repository: { url: server.uploadUrl, isPyPI: false },
        credentials: creds,
      }),
    );
    t.is((err as { code?: string }).code, 'E_METADATA');
    t.regex(
      err!.message,
      /future-1\.0-py3-none-any\.whl has invalid metadata .*Metadata-Version 3\.0 is not supported/,
    );
    t.is(server.uploads.length, 0, 'not even the good wheel went out');
  },
);

test('simple page digests: candidates per index, links parsed, comparisons say same/different/not-compared', (t) => {
  t.deepEqual(simpleIndexCandidates('http://127.0.0.1:8080/legacy/'), ['http://127.0.0.1:8080/simple/']);
  t.deepEqual(simpleIndexCandidates('https://h.example/root/dev/'), [
    'https://h.example/root/dev/simple/',
    'https://h.example/root/dev/+simple/',
  ]);
  t.deepEqual(simpleIndexCandidates('https://upload.pypi.org/legacy/'), ['https://pypi.org/simple/']);
  const hex = 'ab'.repeat(32);
  const page = parseSimplePage(
    `<a href="/p/x-1.0.tar.gz#sha256=${hex.toUpperCase()}">x-1.0.tar.gz</a><a href='/p/x-1.0.zip'>x-1.0.zip</a>`,
  );
  t.is(page.get('x-1.0.tar.gz'), hex);
  t.true(page.has('x-1.0.zip'));
  t.is(page.get('x-1.0.zip'), undefined);
  t.is(compareExisting({ present: true, sha256: hex }, hex), 'same');
  t.is(compareExisting({ present: true, sha256: hex }, 'cd'.repeat(32)), 'different');
  t.is(compareExisting({ present: true }, hex), 'not-compared');
  t.is(compareExisting(undefined, hex), 'not-compared');
});

test('--skip-existing via the JSON API: a different file is "different", its signature "not-sent", with a warning', async (t) => {
  const server = await startIndexServer();
  const { dir, cleanup } = await tempDir();
  t.teardown(async () => {
    await server.close();
    await cleanup();
  });
  const base = {
    repository: { url: server.uploadUrl, isPyPI: false },
    credentials: creds,
    retryBaseMs: 1,
    jsonApi: `${server.url}pypi/`,
  };
  await uploadToPypi({ ...base, dists: [WHEEL] });
  const changed = path.join(dir, path.basename(WHEEL));
  await copyFile(WHEEL, changed);
  const { execFileSync } = await import('node:child_process');
  execFileSync('/usr/bin/python3', [
    '-c',
    'import zipfile,sys;z=zipfile.ZipFile(sys.argv[1],"a");z.writestr("extra.txt","x");z.close()',
    changed,
  ]);
  const asc = `${changed}.asc`;
  await writeFile(asc, '-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n');
  const { lines, logger } = recordingLogger();
  const [r] = await uploadToPypi({
    ...base,
    dists: [changed],
    signatures: new Map([[changed, asc]]),
    skipExisting: true,
    logger,
  });
  t.is(r!.status, 'skipped');
  t.is(r!.existing, 'different');
  t.is(r!.signature, 'not-sent');
  t.true(lines.some((l) => l.startsWith('warn:') && /DIFFERENT file/.test(l)));
});
