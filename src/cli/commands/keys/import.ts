import type { Argv } from 'yargs';
import { errnoCode, InputError, UsageError } from '../../../core/errors.js';
import { exportFromGpg } from '../../../core/keys/from-gpg.js';
import { readFileBounded, readStreamBounded } from '../../../core/io/bounded-read.js';
import { importKeys, type ImportedKey } from '../../../core/keys/import.js';
import { hasAnySecret } from '../../../core/keys/info.js';
import { readKeysFromBytes } from '../../../core/keys/parse.js';
import { MAX_KEY_FILE_BYTES } from '../../../core/limits.js';
import type { LeafCommand } from '../../command.js';
import type { Context } from '../../context.js';
import { readSecretFlag } from '../../passphrase-input.js';
import { PASSPHRASE_ENV, withPassphraseOptions } from '../../unlock.js';
import { confirmOnTerminal, openStore } from './shared.js';

const KEY_LIMIT = 'the limit for a key file';

/** Read a key file (or stdin for "-"); unreadable files are InputError naming the file (exit 2). */
export async function readInputFile(ctx: Context, file: string): Promise<{ data: Buffer; source: string }> {
  // yargs hands a lone "-" positional over as an empty string.
  // Bounded while reading: `trust add /dev/zero` or an endless pipe stops at the limit.
  if (file === '-' || file === '') {
    const data = await readStreamBounded(ctx.stdin, MAX_KEY_FILE_BYTES, 'standard input', KEY_LIMIT);
    return { data, source: 'standard input' };
  }
  try {
    return { data: await readFileBounded(file, MAX_KEY_FILE_BYTES, KEY_LIMIT), source: file };
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = errnoCode(error);
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (error as Error).message;
    throw new InputError('E_KEY_FILE', `Cannot read ${file}: ${why}.`, {
      subject: file,
      cause: error,
      hint: 'Check the path and its permissions.',
    });
  }
}

/**
 * The gpg habit: `keys import someone-else.asc`. A file with only public keys, none of them yours
 * already, is most likely a key to trust; in a terminal, ask (issue 15 item 10).
 */
async function publicOnlyChoice(
  ctx: Context,
  store: Awaited<ReturnType<typeof openStore>>,
  data: Buffer,
  source: string,
): Promise<'own' | 'trusted'> {
  if (!ctx.interactive) return 'own';
  const keys = await readKeysFromBytes(data, source);
  if (keys.some(hasAnySecret)) return 'own';
  const own = new Set((await store.listOwn()).map((k) => k.fingerprint));
  if (keys.some((k) => own.has(k.getFingerprint().toUpperCase()))) return 'own';
  const who = keys[0]?.getUserIDs()[0] ?? keys[0]?.getFingerprint().toUpperCase();
  const trust = await confirmOnTerminal(
    ctx,
    `${source} holds only a public key (${who}): no secret, so it cannot sign. Add it to the trusted keyring ` +
      'to verify its signatures instead (what `distseal trust add` does)?',
    true,
  );
  return trust ? 'trusted' : 'own';
}

/** One line per imported key, in words. */
export function describeImport(r: ImportedKey): string {
  const what = r.hasSecret ? 'secret key' : 'public key';
  const head =
    r.status === 'new'
      ? `Imported ${what} ${r.fingerprint}`
      : r.status === 'updated'
        ? `Updated ${what} ${r.fingerprint}: ${r.changes.join('; ')}`
        : `Unchanged ${what} ${r.fingerprint} (already present)`;
  return `${head}${r.userIDs[0] ? `  ${r.userIDs[0]}` : ''}${r.madeDefault ? '  (now the default signing key)' : ''}`;
}

export const command: LeafCommand = {
  command: 'import [file]',
  describe:
    'Import your key (secret or public, armored or binary, several keys or armor blocks) from FILE, - (stdin) or gpg',
  builder: (y: Argv) =>
    withPassphraseOptions(
      y
        .positional('file', { type: 'string', describe: 'Key file, or - for standard input' })
        .option('from-gpg', {
          type: 'string',
          describe:
            'Take the key from GnuPG (gpg --export-secret-keys ID, else gpg --export ID; GNUPGHOME honoured)',
        }),
    ),
  async run(argv, ctx) {
    const file = argv.file as string | undefined;
    const fromGpg = argv.fromGpg as string | undefined;
    if ((file === undefined) === (fromGpg === undefined)) {
      throw new UsageError(
        file === undefined
          ? 'Give a key FILE (or - for stdin), or --from-gpg ID.'
          : 'Give either a key FILE or --from-gpg ID, not both.',
      );
    }
    let data: Buffer;
    let source: string;
    if (fromGpg !== undefined) {
      // gpg 2.1+ asks for the passphrase to export a secret key; feed it through loopback when we have one.
      const passphrase =
        (await readSecretFlag(ctx, argv.passphraseFile, argv.passphraseFd, 'passphrase')) ??
        ctx.env[PASSPHRASE_ENV];
      // gpg gets the passphrase through its loopback pipe only: never our secret variables in its environment.
      const gpgEnv = Object.fromEntries(
        Object.entries(ctx.env).filter(([name]) => !/^DISTSEAL_(NEW_)?PASSPHRASE$/.test(name)),
      );
      const exported = await exportFromGpg(fromGpg, {
        env: gpgEnv,
        interactive: ctx.interactive,
        passphrase,
      });
      data = exported.data;
      source = `gpg ${exported.secret ? '--export-secret-keys' : '--export'} ${fromGpg}`;
    } else {
      ({ data, source } = await readInputFile(ctx, file!));
    }
    const store = await openStore(ctx);
    const into = await publicOnlyChoice(ctx, store, data, source);
    const results = await importKeys(store, data, { source, into, logger: ctx.logger });
    const where = into === 'trusted' ? ' (into the trusted keyring)' : '';
    ctx.out.result(
      results.map((r) => `${describeImport(r)}${where}`),
      { into, results: results.map(({ info: _info, ...r }) => r) },
    );
    if (into === 'own' && results.every((r) => !r.hasSecret && r.status === 'new')) {
      ctx.logger.warn(
        `${source} holds no secret key, so it cannot sign; it was stored among YOUR keys. If it is someone ` +
          `else's key, you meant \`distseal trust add ${source}\` (then \`distseal keys delete FPR --yes\`).`,
      );
    }
  },
};
