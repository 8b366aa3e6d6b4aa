import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Keychain, PASSPHRASE_SERVICE } from '../../src/core/secrets/keychain.js';
import { KEYS_EXAMPLE, runCli, tempDir } from '../helpers/cli.js';
import { peerTest } from '../helpers/peers.js';
import { run } from '../keys/gpg.js';
import { EXAMPLE_FPR, EXAMPLE_PASSPHRASE } from '../keys/helpers.js';

/** These run against a real Secret Service: .ci/run wraps the tests in scripts/with-secret-service.sh. */
const secretService = {
  ok: process.env.DISTSEAL_SECRET_SERVICE === '1',
  why: 'no Secret Service session (run under scripts/with-secret-service.sh)',
};

peerTest(['secret-tool'], secretService)(
  'Keychain: store, look up and delete a secret in the real Secret Service',
  async (t) => {
    const keychain = new Keychain();
    const account = `distseal-test-${process.pid}-${Date.now()}`;
    t.teardown(() =>
      keychain.delete(PASSPHRASE_SERVICE, account).then(
        () => undefined,
        () => undefined,
      ),
    );
    await keychain.set(PASSPHRASE_SERVICE, account, 'round trip secret');
    t.is(await keychain.get(PASSPHRASE_SERVICE, account), 'round trip secret');
    // Stored the way keytar stores it, so other keytar users (and secret-tool) see the same item.
    const lookup = await run('secret-tool', ['lookup', 'service', PASSPHRASE_SERVICE, 'account', account]);
    t.is(lookup.stdout, 'round trip secret');
    t.true(await keychain.delete(PASSPHRASE_SERVICE, account));
    t.is(await keychain.get(PASSPHRASE_SERVICE, account), null);
    t.false(await keychain.delete(PASSPHRASE_SERVICE, account));
  },
);

peerTest(['secret-tool'], secretService)(
  'keys remember / list / unlock from the keychain / passwd updates it / forget',
  async (t) => {
    const { dir, cleanup } = await tempDir();
    t.teardown(async () => {
      await run('secret-tool', ['clear', 'service', PASSPHRASE_SERVICE, 'account', EXAMPLE_FPR]);
      await cleanup();
    });
    const home = path.join(dir, 'home');
    const cli = (args: string[]) => runCli(['--home', home, ...args]);
    t.is((await cli(['keys', 'import', path.join(KEYS_EXAMPLE, 'example-secret.asc')])).code, 0);
    const pw = path.join(dir, 'pw');
    await fs.writeFile(pw, `${EXAMPLE_PASSPHRASE}\n`);
    const wrong = path.join(dir, 'wrong');
    await fs.writeFile(wrong, 'not it\n');
    const refused = await cli(['keys', 'remember', EXAMPLE_FPR, '--passphrase-file', wrong]);
    t.is(refused.code, 2, 'a wrong passphrase is never stored');
    t.is(
      (await run('secret-tool', ['lookup', 'service', PASSPHRASE_SERVICE, 'account', EXAMPLE_FPR])).stdout,
      '',
    );

    const remember = await cli(['keys', 'remember', EXAMPLE_FPR, '--passphrase-file', pw]);
    t.is(remember.code, 0, remember.stderr);
    t.false(remember.stdout.includes(EXAMPLE_PASSPHRASE));
    t.is(
      (await run('secret-tool', ['lookup', 'service', PASSPHRASE_SERVICE, 'account', EXAMPLE_FPR])).stdout,
      EXAMPLE_PASSPHRASE,
    );
    const list = JSON.parse((await cli(['keys', 'list', '--json'])).stdout) as {
      results: Array<{ passphraseInKeychain: boolean }>;
    };
    t.true(list.results[0]!.passphraseInKeychain);

    // No file, no variable, no terminal: the keychain supplies the passphrase.
    const next = path.join(dir, 'next');
    await fs.writeFile(next, 'the next passphrase\n');
    const passwd = await cli(['keys', 'passwd', EXAMPLE_FPR, '--new-passphrase-file', next, '--verbose']);
    t.is(passwd.code, 0, passwd.stderr);
    t.regex(passwd.stderr, /from the OS keychain/);
    t.regex(passwd.stdout, /keychain entry was updated/);
    t.is(
      (await run('secret-tool', ['lookup', 'service', PASSPHRASE_SERVICE, 'account', EXAMPLE_FPR])).stdout,
      'the next passphrase',
    );
    t.false(`${passwd.stdout}${passwd.stderr}`.includes('the next passphrase'), 'never printed');

    const forget = await cli(['keys', 'forget', EXAMPLE_FPR, '--json']);
    t.like(JSON.parse(forget.stdout), { ok: true, fingerprint: EXAMPLE_FPR, removed: true });
    t.is(JSON.parse(forget.stdout).schema, 'distseal/keys-forget@1');
    t.is(
      (await run('secret-tool', ['lookup', 'service', PASSPHRASE_SERVICE, 'account', EXAMPLE_FPR])).stdout,
      '',
    );
    const again = await cli(['keys', 'forget', EXAMPLE_FPR]);
    t.regex(again.stdout, /held no passphrase/);
    const locked = await cli(['keys', 'passwd', EXAMPLE_FPR, '--new-passphrase-file', pw]);
    t.is(locked.code, 2, 'after forget the keychain no longer unlocks it');
  },
);
