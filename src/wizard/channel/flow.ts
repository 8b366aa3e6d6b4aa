import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Action } from '../action.js';
import type { WizardDeps } from '../deps.js';
import { describeKey } from '../keys/choose-key.js';
import { absolute, existing, words } from '../paths.js';
import { chooseSigningKey, unlockFor, withKeychainStep, withUnlock } from '../signing.js';
import { validatePath } from '../validate.js';

/** A channel directory to write: any path that is not an existing non-directory. */
function channelDir(cwd: string) {
  return async (value: string): Promise<true | string> => {
    const basic = validatePath(value);
    if (basic !== true) return basic;
    const st = await stat(path.resolve(cwd, value.trim())).catch(() => undefined);
    return st && !st.isDirectory() ? `${value.trim()} is a file, not a directory.` : true;
  };
}

/** conda packages only: `channel add` refuses anything else. */
function condaPackages(cwd: string) {
  const files = existing(cwd, 'file', true);
  return async (value: string): Promise<true | string> => {
    const verdict = await files(value);
    if (verdict !== true) return verdict;
    const other = words(value).find((w) => !/\.(conda|tar\.bz2)$/.test(w));
    return other ? `${other} is not a conda package (.conda or .tar.bz2).` : true;
  };
}

/** A channel to verify: an existing directory, or an http(s) URL. */
function channelSource(cwd: string) {
  const dir = existing(cwd, 'directory');
  return (value: string) => (/^https?:\/\/\S+$/i.test(value.trim()) ? true : dir(value));
}

/**
 * The Channel entry: add conda packages to a signed file channel (`channel add DIR FILE...
 * --key FPR`, after one confirmation and the passphrase), or verify a channel (`channel verify
 * DIR|URL`).
 */
export async function channelFlow(deps: WizardDeps): Promise<Action | undefined> {
  const p = deps.prompter;
  const cwd = deps.ctx.cwd;
  const what = await p.select<'add' | 'verify'>({
    id: 'channel.what',
    message: 'Channel:',
    choices: [
      { value: 'add', name: 'Add packages: place, sign, index and sign the index' },
      { value: 'verify', name: 'Verify a channel: every index, record and package signature' },
    ],
  });
  if (what === 'verify') {
    const source = (
      await p.input({
        id: 'channel.source',
        message: 'Channel directory or URL:',
        validate: channelSource(cwd),
      })
    ).trim();
    const value = /^https?:\/\//i.test(source) ? source : path.resolve(cwd, source);
    return {
      leaf: 'channel-verify',
      plan: { command: ['channel', 'verify'], positionals: [{ name: 'channel', value }], flags: {} },
    };
  }
  const dir = path.resolve(
    cwd,
    (
      await p.input({
        id: 'channel.dir',
        message: 'Channel directory (created when missing):',
        validate: channelDir(cwd),
      })
    ).trim(),
  );
  const files = absolute(
    cwd,
    words(
      await p.input({
        id: 'channel.files',
        message: 'conda packages (separated by spaces):',
        validate: condaPackages(cwd),
      }),
    ),
  );
  const key = await chooseSigningKey(deps, 'channel.key');
  const go = await p.confirm({
    id: 'channel.confirm',
    message: `Add ${files.length} package${files.length === 1 ? '' : 's'} to ${dir}, signed by ${describeKey(key)}?`,
    default: true,
  });
  if (!go) return undefined;
  const unlock = await unlockFor(deps, key);
  const action = withUnlock(
    {
      leaf: 'channel-add',
      plan: {
        command: ['channel', 'add'],
        positionals: [{ name: 'channel', value: dir }, ...files.map((value) => ({ name: 'files', value }))],
        flags: { key: key.fingerprint },
      },
    },
    unlock,
  );
  return withKeychainStep(action, key, unlock);
}
