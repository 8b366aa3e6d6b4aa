import { InterruptedError, UsageError } from '../../../core/errors.js';
import { algorithmLabel, type KeyInfo } from '../../../core/keys/info.js';
import { KeyStore } from '../../../core/keys/store.js';
import type { Context } from '../../context.js';
import { isPromptExit } from '../../passphrase-input.js';

/** The store in the context's home (warns about unsafe permissions on open). */
export function openStore(ctx: Context): Promise<KeyStore> {
  return KeyStore.open({ home: ctx.home, logger: ctx.logger });
}

/** The positional key selector (`fpr`), required. */
export function keyArg(argv: Record<string, any>): string {
  const value = argv.fpr ?? argv.key;
  if (typeof value !== 'string' || value.trim() === '')
    throw new UsageError('Name a key: a fingerprint, an e-mail or a user ID.', {
      hint: 'Run `distseal keys list` to see your keys.',
    });
  return value;
}

/**
 * Ask yes/no on the terminal. Ctrl-C is InterruptedError (exit 130, nothing changed).
 * Only called when ctx.interactive; non-interactive callers use --yes.
 */
export async function confirmOnTerminal(ctx: Context, message: string, defaultYes = false): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm(
      { message, default: defaultYes },
      { input: ctx.stdin as never, output: ctx.stderr as never },
    );
  } catch (error) {
    if (isPromptExit(error)) throw new InterruptedError('Cancelled; nothing was changed.');
    throw error;
  }
}

/** Ask for a line of text with a validator; Ctrl-C is InterruptedError. */
export async function promptText(
  ctx: Context,
  message: string,
  validate: (v: string) => true | string,
): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  try {
    return await input({ message, validate }, { input: ctx.stdin as never, output: ctx.stderr as never });
  } catch (error) {
    if (isPromptExit(error)) throw new InterruptedError('Cancelled; nothing was written.');
    throw error;
  }
}

function day(iso: string | null): string {
  return iso ? iso.slice(0, 10) : 'never';
}

/** gpg-like lines for one key: sec/pub line, fingerprint, user IDs, subkeys, passphrase state. */
export function renderKey(info: KeyInfo): string[] {
  const kind = info.hasSecret ? (info.primarySecret === false ? 'sec#' : 'sec') : 'pub';
  const marks = [
    info.revoked ? '[REVOKED]' : '',
    info.expired
      ? `[EXPIRED ${day(info.expires)}]`
      : info.expires
        ? `[expires ${day(info.expires)}]`
        : '[no expiry]',
    info.isDefault ? '(default)' : '',
  ].filter(Boolean);
  const lines = [
    `${kind.padEnd(5)}${algorithmLabel(info)}  ${day(info.created)}  ${marks.join(' ')}`.trimEnd(),
    `     ${info.fingerprint}`,
  ];
  for (const uid of info.userIDs) lines.push(`uid  ${uid}`);
  for (const sub of info.subkeys) {
    const subMarks = [
      sub.usage.length ? `[${sub.usage.join(', ')}]` : '',
      sub.revoked ? '[REVOKED]' : '',
      sub.expires ? `[expires ${day(sub.expires)}]` : '',
    ].filter(Boolean);
    lines.push(
      `${(sub.hasSecret ? 'ssb' : info.hasSecret ? 'ssb#' : 'sub').padEnd(5)}${algorithmLabel(sub)}  ${day(sub.created)}  ${subMarks.join(' ')}  ${sub.fingerprint}`.trimEnd(),
    );
  }
  if (info.hasSecret) {
    const protection = info.passphraseProtected ? 'protected' : 'NONE (unprotected)';
    const keychain =
      info.passphraseInKeychain === undefined
        ? ''
        : info.passphraseInKeychain
          ? ', in the OS keychain'
          : ', not in the keychain';
    lines.push(`     passphrase: ${protection}${info.passphraseProtected ? keychain : ''}`);
  }
  return lines;
}
