import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { resolveCredentials } from '../../src/core/config/credentials.js';
import {
  parseIni,
  pypircRepositories,
  PYPI_UPLOAD_URL,
  TESTPYPI_UPLOAD_URL,
} from '../../src/core/config/pypirc.js';
import { resolveRepository } from '../../src/core/config/repository.js';
import type { DistsealError } from '../../src/core/errors.js';
import { Keychain } from '../../src/core/secrets/keychain.js';
import { tempDir } from '../helpers/cli.js';

test('pypirc: index-servers rules, built-ins, server-login defaults', (t) => {
  const ini = parseIni(
    '[distutils]\nindex-servers =\n  pypi\n  private\n\n[server-login]\nusername: bob\n\n[private]\nrepository = https://example.org/simple/\npassword = p%s\n\n[ignored]\nrepository = https://x/\n',
    'f',
  );
  const repos = pypircRepositories(ini);
  t.is(repos.get('pypi')!.repository, PYPI_UPLOAD_URL);
  t.false(repos.has('testpypi'), 'testpypi only when listed');
  t.false(repos.has('ignored'), 'sections not in index-servers are ignored');
  t.deepEqual(repos.get('private'), {
    repository: 'https://example.org/simple/',
    username: 'bob',
    password: 'p%s',
  });
  const defaults = pypircRepositories(undefined);
  t.is(defaults.get('testpypi')!.repository, TESTPYPI_UPLOAD_URL);
});

test('pypirc: malformed files name the line, never the value', (t) => {
  const err = t.throws(() => parseIni('[a]\nusername = x\nthis line is secret-ish\n', '/tmp/p'));
  t.regex(err!.message, /\/tmp\/p is malformed at line 3/);
  t.false(err!.message.includes('secret-ish'));
  t.throws(() => parseIni('[a]\n[a]\n', 'f'), { message: /appears twice/ });
  t.throws(() => parseIni('key = v\n', 'f'), { message: /before any \[section\]/ });
});

test('repository: --repository-url skips .pypirc, extracts and hides user:pass, forces https for PyPI', async (t) => {
  const r = await resolveRepository({
    repositoryUrl: { value: 'http://alice:s3cret@upload.pypi.org/legacy/', source: '--repository-url' },
    userHome: '/nonexistent',
    cwd: '/',
  });
  t.is(r.url, 'https://upload.pypi.org/legacy/');
  t.is(r.username!.value, 'alice');
  t.is(r.password!.value, 's3cret');
  t.true(r.isPyPI);
  await t.throwsAsync(
    resolveRepository({
      repositoryUrl: { value: 'https://pypi.python.org/pypi', source: 'x' },
      userHome: '/',
      cwd: '/',
    }),
    { message: /no longer accepts uploads/ },
  );
  await t.throwsAsync(
    resolveRepository({ repositoryUrl: { value: 'ftp://host/x', source: 'x' }, userHome: '/', cwd: '/' }),
    { message: /must be http/ },
  );
});

test('repository: default ~/.pypirc may be missing; a named --config-file may not', async (t) => {
  const { dir, cleanup } = await tempDir();
  t.teardown(cleanup);
  const r = await resolveRepository({ userHome: dir, cwd: dir });
  t.is(r.url, PYPI_UPLOAD_URL);
  const err = await t.throwsAsync(resolveRepository({ userHome: dir, cwd: dir, configFile: 'nope.pypirc' }));
  t.is((err as DistsealError).kind, 'input');
  await writeFile(path.join(dir, '.pypirc'), '[distutils]\nindex-servers = corp\n[corp]\nusername = u\n');
  await t.throwsAsync(
    resolveRepository({ userHome: dir, cwd: dir, repository: { value: 'corp', source: '-r' } }),
    { message: /has no 'repository' URL/ },
  );
});

const fakeKeychain = (store: Record<string, string>) =>
  new Keychain(undefined, async () => ({
    getPassword: async (s: string, a: string) => store[`${s}|${a}`] ?? null,
    setPassword: async () => undefined,
    deletePassword: async () => true,
    findCredentials: async () => [],
  }));

test('credentials: flag/env, then .pypirc, then keychain, then prompt; __token__ default on PyPI', async (t) => {
  const repo = {
    url: PYPI_UPLOAD_URL,
    isPyPI: true,
    name: 'pypi',
    password: { value: 'from-rc', source: 'rc' },
    username: { value: 'rc-user', source: 'rc' },
  };
  const a = await resolveCredentials({
    repository: repo,
    password: { value: 'from-env', source: 'TWINE_PASSWORD' },
  });
  t.is(a.username.value, '__token__');
  t.is(a.password.value, 'from-env');
  t.is(a.password.source, 'TWINE_PASSWORD');
  const b = await resolveCredentials({ repository: repo });
  t.is(b.password.value, 'from-rc');
  const c = await resolveCredentials({
    repository: { ...repo, password: undefined },
    keychain: fakeKeychain({ [`${PYPI_UPLOAD_URL}|__token__`]: 'from-keychain' }),
  });
  t.is(c.password.value, 'from-keychain');
  t.regex(c.password.source, /OS keychain/);
  const d = await resolveCredentials({
    repository: { url: 'https://corp/legacy/', isPyPI: false },
    prompts: {
      username: async () => 'typed-user',
      password: async (q) => (q.includes('password') ? 'typed-pw' : 'x'),
    },
  });
  t.deepEqual([d.username.value, d.password.value], ['typed-user', 'typed-pw']);
  const e = await t.throwsAsync(
    resolveCredentials({
      repository: { url: 'https://corp/legacy/', isPyPI: false },
      username: { value: 'u', source: '-u/--username' },
      keychain: fakeKeychain({}),
    }),
  );
  t.regex(e!.message, /No password for https:\/\/corp\/legacy\//);
  t.regex((e as DistsealError).hint!, /-p\/--password, TWINE_PASSWORD, .*OS keychain.*prompt/);
});
