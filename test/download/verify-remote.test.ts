import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import * as openpgp from 'openpgp';
import { runCli, tempDir } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';
import { signBytes, startIndexServer } from './index-server.js';
import { NO_DBUS, WHEEL, sampleFiles, trustedHome } from './helpers.js';

test('verify URL: fetches URL and URL.asc, keeps the file only with --output and only when verified', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const maintainer = await testKey('ed25519', 'Maintainer');
  const home = await trustedHome(path.join(dir, 'home'), [{ publicKey: maintainer.publicKey }]);
  const [wheel] = await sampleFiles();
  const server = await startIndexServer({
    p: [wheel!, { filename: 'bad-1.0.tar.gz', data: Buffer.from('changed'), asc: wheel!.asc }],
  });
  t.teardown(server.close);
  const cli = (args: string[]) => runCli(['--home', home, 'verify', ...args], { env: NO_DBUS, cwd: dir });
  const url = `${server.origin}/files/${WHEEL}`;

  const plain = await cli([url]);
  t.is(plain.code, 0, plain.stderr + plain.stdout);
  t.regex(plain.stdout, /VERIFIED/);
  t.regex(plain.stdout, /Nothing was kept/);
  t.deepEqual((await readdir(dir)).sort(), ['home'], 'nothing left behind without --output');

  const kept = await cli([url, '--output', 'out/w.whl', '--json']);
  t.is(kept.code, 0, kept.stderr);
  t.deepEqual(await readFile(path.join(dir, 'out', 'w.whl')), wheel!.data);
  t.deepEqual(await readdir(path.join(dir, 'out')), ['w.whl']);

  const bad = await cli([`${server.origin}/files/bad-1.0.tar.gz`, '--output', 'out/bad.tar.gz']);
  t.is(bad.code, 3);
  t.deepEqual(await readdir(path.join(dir, 'out')), ['w.whl'], 'a file that does not verify is not kept');

  // --signature names the signature (a URL or a local file).
  await writeFile(path.join(dir, 'w.asc'), wheel!.asc!);
  const viaLocal = await cli([`${server.origin}/files/bad-1.0.tar.gz`, '--signature', 'w.asc']);
  t.is(viaLocal.code, 3);
  const missing = await cli([`${server.origin}/files/${WHEEL}`, '--signature', `${server.origin}/nope.asc`]);
  t.is(missing.code, 3);
  t.regex(missing.stdout, /no signature at .*nope\.asc/);
});

test('verify DIR: every signed file in the tree, a summary table, --require-all fails unsigned files', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const maintainer = await testKey('ed25519', 'Maintainer');
  const home = await trustedHome(path.join(dir, 'home'), [{ publicKey: maintainer.publicKey }]);
  const tree = path.join(dir, 'mirror');
  await mkdir(path.join(tree, 'a', 'b'), { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < 12; i += 1) {
    const f = path.join(tree, i % 2 ? 'a' : path.join('a', 'b'), `file-${i}.txt`);
    const data = Buffer.from(`content ${i}\n`);
    await writeFile(f, data);
    await writeFile(`${f}.asc`, await signBytes(data, maintainer.privateKey));
    files.push(f);
  }
  const cli = (args: string[]) => runCli(['--home', home, 'verify', ...args], { env: NO_DBUS, cwd: dir });
  const ok = await cli(['mirror', '--json']);
  t.is(ok.code, 0, ok.stderr + ok.stdout);
  const report = JSON.parse(ok.stdout) as {
    counts: Record<string, number>;
    entries: Array<{ file: string }>;
  };
  t.deepEqual(report.counts, { verified: 12, failed: 0, unsigned: 0 });

  await writeFile(path.join(tree, 'README'), 'no signature here\n');
  const lenient = await cli(['mirror']);
  t.is(lenient.code, 0, lenient.stdout);
  t.regex(lenient.stdout, /README\s+UNSIGNED/);
  t.regex(lenient.stdout, /12 verified, 0 failed, 1 unsigned \(of 13 files\)/);
  const strict = await cli(['mirror', '--require-all']);
  t.is(strict.code, 3);
  t.regex(strict.stdout, /README\s+FAILED\s+.*has no README\.asc or \.sig beside it/);

  await writeFile(files[3]!, 'tampered\n');
  const tampered = await cli(['mirror']);
  t.is(tampered.code, 3);
  t.regex(tampered.stdout, /file-3\.txt\s+FAILED/);
  t.regex(tampered.stdout, /11 verified, 1 failed, 1 unsigned/);
});

test('verify DIR and verify URL honour --binary-only (a text-mode signature is refused)', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const maintainer = await testKey('ed25519', 'Maintainer');
  const home = await trustedHome(path.join(dir, 'home'), [{ publicKey: maintainer.publicKey }]);
  const tree = path.join(dir, 'tree');
  await mkdir(tree);
  const text = 'line one\nline two\n';
  await writeFile(path.join(tree, 'notes.txt'), text);
  const asc = (await openpgp.sign({
    message: await openpgp.createMessage({ text }),
    signingKeys: maintainer.privateKey,
    detached: true,
  })) as string;
  await writeFile(path.join(tree, 'notes.txt.asc'), asc);
  const cli = (args: string[]) => runCli(['--home', home, 'verify', ...args], { env: NO_DBUS, cwd: dir });
  const lenient = await cli(['tree']);
  const strict = await cli(['tree', '--binary-only']);
  t.is(strict.code, 3, strict.stdout);
  t.is(lenient.code, 0, lenient.stdout);
  const server = await startIndexServer({ p: [{ filename: 'notes.txt', data: Buffer.from(text), asc }] });
  t.teardown(server.close);
  const url = `${server.origin}/files/notes.txt`;
  t.is((await cli([url])).code, 0);
  t.is((await cli([url, '--binary-only'])).code, 3);
});
