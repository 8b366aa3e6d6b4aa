import { createReadStream, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { errnoCode, InputError, InterruptedError, UsageError } from '../core/errors.js';
import { chompSecret } from '../core/secrets/resolve.js';
import type { Context } from './context.js';

/** The passphrase flags every key-using command accepts (values never on argv). */
export interface PassphraseFlags {
  passphraseFile?: string;
  passphraseFd?: number;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Read a secret from `--X-file FILE` or `--X-fd N` (0 = stdin), one trailing newline removed.
 * Undefined when neither flag is given. An unreadable or empty file is an InputError naming it.
 */
export async function readSecretFlag(
  ctx: Context,
  file: string | undefined,
  fd: number | undefined,
  flag: string,
): Promise<string | undefined> {
  if (file !== undefined && fd !== undefined)
    throw new UsageError(`Give either --${flag}-file or --${flag}-fd, not both.`);
  let text: string | undefined;
  if (file !== undefined) {
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      throw new InputError(
        'E_PASSPHRASE_FILE',
        `Cannot read --${flag}-file ${file}: ${errnoCode(error) === 'ENOENT' ? 'no such file' : (errnoCode(error) ?? (error as Error).message)}.`,
        {
          subject: file,
          hint: 'Check the path and its permissions (it should be readable only by you: chmod 600).',
        },
      );
    }
    if (chompSecret(text) === '')
      throw new InputError('E_PASSPHRASE_FILE', `--${flag}-file ${file} is empty.`, {
        subject: file,
        hint: 'Put the passphrase on the first line of the file.',
      });
  } else if (fd !== undefined) {
    if (!Number.isInteger(fd) || fd < 0)
      throw new UsageError(`--${flag}-fd needs a file descriptor number (0 = stdin), not "${fd}".`);
    try {
      text =
        fd === 0 ? await readAll(ctx.stdin) : await readAll(createReadStream('', { fd, autoClose: true }));
    } catch (error) {
      throw new UsageError(
        `Cannot read --${flag}-fd ${fd}: ${errnoCode(error) === 'EBADF' ? 'that file descriptor is not open' : (error as Error).message}.`,
      );
    }
    if (chompSecret(text) === '') throw new UsageError(`--${flag}-fd ${fd} gave an empty passphrase.`);
  }
  if (text === undefined) return undefined;
  // Only the first line counts, so a file may carry a trailing comment or newline (gpg does the same).
  const value = chompSecret(text.split(/\r?\n/)[0] ?? '');
  return value;
}

/** True for the error @inquirer/prompts throws on Ctrl-C / a closed terminal. */
export function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

/** Ask for a hidden value on the terminal (stderr), mapping Ctrl-C to InterruptedError (exit 130). */
export async function promptHidden(
  ctx: Context,
  message: string,
  validate?: (value: string) => true | string,
): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  try {
    const value = await password(
      { message, mask: '*', ...(validate ? { validate } : {}) },
      { input: ctx.stdin as never, output: ctx.stderr as never },
    );
    return value;
  } catch (error) {
    if (isPromptExit(error)) throw new InterruptedError('Cancelled; nothing was changed.');
    throw error;
  }
}

/** Ask for a new passphrase twice until both agree (and it is not empty). */
export async function promptNewPassphrase(ctx: Context, what: string): Promise<string> {
  for (;;) {
    const first = await promptHidden(ctx, `New passphrase for ${what}:`, (v) =>
      v.length > 0 ? true : 'An empty passphrase is not allowed here (use --no-passphrase).',
    );
    const second = await promptHidden(ctx, 'Repeat the passphrase:');
    if (first === second) return first;
    ctx.out.err('The two passphrases differ; please enter them again.');
  }
}

/**
 * The passphrase for a NEW key (generate) or a new protection (passwd): the flag file/fd, then
 * `envName`, then a prompt twice when interactive. `none` (from --no-passphrase) gives '' and a warning.
 */
export async function resolveNewPassphrase(
  ctx: Context,
  options: {
    file?: string;
    fd?: number;
    flag: string;
    none?: boolean;
    value?: string;
    what: string;
    envNames?: string[];
  },
): Promise<string> {
  if (options.none) {
    if (options.file !== undefined || options.fd !== undefined)
      throw new UsageError(`--no-passphrase contradicts --${options.flag}-file/--${options.flag}-fd.`);
    ctx.logger.warn(
      `${options.what} will have no passphrase: anyone who can read its file can sign with it. Protect it later with \`distseal keys passwd\`.`,
    );
    return '';
  }
  if (options.value !== undefined && options.value !== '') {
    return options.value;
  }
  const fromFlag = await readSecretFlag(ctx, options.file, options.fd, options.flag);
  if (fromFlag !== undefined) return fromFlag;
  const envNames = options.envNames ?? [];
  for (const envName of envNames) {
    const value = ctx.env[envName];
    if (value) {
      ctx.logger.debug(`Using the passphrase from ${envName}.`);
      return value;
    }
  }
  if (ctx.interactive) return promptNewPassphrase(ctx, options.what);
  const noFlag =
    options.flag === 'passphrase' ? '--no-passphrase' : '--no-passphrase (remove the protection)';
  const which = options.flag === 'passphrase' ? 'No passphrase' : 'No NEW passphrase';
  throw new UsageError(`${which} was given for ${options.what}.`, {
    hint: `Supply it with one of: --${options.flag}-file FILE, --${options.flag}-fd N${envNames.length ? `, ${envNames.join(', ')}` : ''}, a prompt (run in a terminal); or ${noFlag} for an unprotected key.`,
  });
}
