import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Action } from '../action.js';
import type { WizardDeps } from '../deps.js';
import type { InputQuestion } from '../prompter.js';
import { Q } from '../questions.js';
import { validatePath } from '../validate.js';
import { chooseKey } from './choose-key.js';
import { KEY_ARG } from './simple.js';

/** Extend a path question so it also checks, as typed, that the file can be read. */
function readableFile(q: InputQuestion, cwd: string): InputQuestion {
  return {
    ...q,
    validate: async (v) => {
      const basic = validatePath(v);
      if (basic !== true) return basic;
      const file = path.resolve(cwd, v.trim());
      try {
        if (!(await stat(file)).isFile()) return `${v.trim()} is not a file.`;
        await access(file, constants.R_OK);
        return true;
      } catch {
        return `Cannot read ${v.trim()}: check the path and its permissions.`;
      }
    },
  };
}

/** Import a key from a file, a paste, or the user's GnuPG keyring: `keys import FILE|-|--from-gpg ID`. */
export async function importFlow(deps: WizardDeps): Promise<Action> {
  const p = deps.prompter;
  const source = await p.select(Q.importSource());
  const plan = {
    command: ['keys', 'import'],
    positionals: [] as Action['plan']['positionals'],
    flags: {} as Action['plan']['flags'],
  };
  if (source === 'file') {
    const file = (await p.input(readableFile(Q.importFile(), deps.ctx.cwd))).trim();
    // Absolute, so the printed command works from any directory.
    plan.positionals.push({ name: 'file', value: path.resolve(deps.ctx.cwd, file) });
    return { leaf: 'import', plan };
  }
  if (source === 'paste') {
    const text = await p.paste(Q.importPaste());
    plan.positionals.push({ name: 'file', value: '-' });
    return {
      leaf: 'import',
      plan: {
        ...plan,
        secretHints: ['<', 'KEYFILE'],
        secretNote: 'KEYFILE holds the armored key (standard input).',
      },
      secrets: { stdin: text },
    };
  }
  const id = (await p.input(Q.gpgId())).trim();
  plan.flags['from-gpg'] = id;
  // gpg 2.1+ needs the key's passphrase to export its secret; distseal feeds it to gpg through
  // loopback (the command reads it like any unlocking passphrase). Empty: the key has none, or
  // gpg holds only its public part; a protected secret then fails with gpg's own message.
  const passphrase = await p.password(Q.gpgPassphrase());
  if (passphrase === '') return { leaf: 'import', plan };
  return {
    leaf: 'import',
    plan: {
      ...plan,
      secretHints: ['--passphrase-file', 'FILE'],
      secretNote: 'FILE holds the passphrase of the key in gpg (or set DISTSEAL_PASSPHRASE).',
    },
    secrets: { passphrase },
  };
}

/** Check an output path as typed: empty allowed only for public keys; never overwrite. */
function outputValidator(cwd: string, secret: boolean, binary: boolean) {
  return async (v: string): Promise<true | string> => {
    const value = v.trim();
    if (value === '') {
      if (secret) return 'A secret key goes to a file, not the terminal: enter a file name.';
      if (binary) return 'Binary output goes to a file: enter a file name (or choose ASCII armor).';
      return true;
    }
    const file = path.resolve(cwd, value);
    try {
      await stat(file);
      return `${value} already exists; choose another name (the wizard never overwrites a file).`;
    } catch {
      try {
        if (!(await stat(path.dirname(file))).isDirectory())
          return `${path.dirname(value)} is not a directory.`;
      } catch {
        return `The directory ${path.dirname(value)} does not exist.`;
      }
      return true;
    }
  };
}

/** Export a key: public, secret (confirmed), or the signing subkey only: `keys export FPR ...`. */
export async function exportFlow(deps: WizardDeps): Promise<Action | undefined> {
  const p = deps.prompter;
  const key = await chooseKey(deps, 'Export which key?');
  const kind = key.hasSecret ? await p.select(Q.exportKind()) : 'public';
  const format = await p.select(Q.exportFormat());
  const secret = kind !== 'public';
  const suffix = kind === 'public' ? 'public' : kind === 'secret' ? 'secret' : 'signing-subkey';
  const fallback =
    secret || format === 'binary'
      ? `${key.fingerprint.slice(-16)}-${suffix}.${format === 'armor' ? 'asc' : 'gpg'}`
      : '';
  const question = {
    ...Q.exportTarget(fallback),
    validate: outputValidator(deps.ctx.cwd, secret, format === 'binary'),
  };
  const output = (await p.input(question)).trim();
  if (secret && !(await p.confirm(Q.confirmSecretExport()))) return undefined;
  return {
    leaf: 'export',
    plan: {
      command: ['keys', 'export'],
      positionals: [{ name: KEY_ARG, value: key.fingerprint }],
      flags: {
        secret: kind === 'secret' ? true : undefined,
        'subkeys-only': kind === 'subkeys-only' ? true : undefined,
        binary: format === 'binary' ? true : undefined,
        output: output ? path.resolve(deps.ctx.cwd, output) : undefined,
      },
    },
  };
}
