import type { Argv } from 'yargs';
import type * as openpgp from 'openpgp';
import {
  checkFingerprint,
  fetchPublishedKeys,
  pickFingerprint,
  type KeySource,
} from '../../../core/download/key-fetch.js';
import { InterruptedError, UsageError } from '../../../core/errors.js';
import type { KeyStore } from '../../../core/keys/store.js';
import { addSource, readSources, sourcesPath, writeSources } from '../../../core/trust/sources.js';
import type { Context } from '../../context.js';
import { fetchOptionsFrom, networkOptions } from '../download-options.js';
import { confirmOnTerminal } from '../keys/shared.js';

/** `trust add --wkd EMAIL | --keyserver URL | --url URL [--fingerprint FPR]`. */
export function remoteKeyOptions(y: Argv): Argv {
  return networkOptions(y)
    .option('wkd', { type: 'string', describe: "Fetch the key from the address's Web Key Directory (https)" })
    .option('keyserver', {
      type: 'string',
      describe: 'Fetch the key by --fingerprint from a VKS keyserver (keys.openpgp.org)',
    })
    .option('url', { type: 'string', describe: "Fetch the key (or a project's KEYS file) from this URL" })
    .option('fingerprint', {
      type: 'string',
      describe: 'The primary fingerprint the fetched key must have, else it is refused',
    })
    .example(
      '$0 trust add --wkd release@example.org --fingerprint FPR --for example',
      'from WKD, checked, pinned',
    )
    .example('$0 trust add --keyserver https://keys.openpgp.org --fingerprint FPR', 'from a keyserver');
}

export interface RemoteKey {
  data: Uint8Array;
  source: string;
  record: KeySource;
}

function describeKey(key: openpgp.PublicKey): string[] {
  return [`  ${key.getFingerprint().toUpperCase()}`, ...key.getUserIDs().map((u) => `    ${u}`)];
}

/** The source named by the flags, or undefined when the key comes from a KEYFILE. */
export function remoteSourceOf(argv: Record<string, any>): KeySource | undefined {
  const given = (['wkd', 'keyserver', 'url'] as const).filter((f) => argv[f] !== undefined);
  if (given.length === 0) {
    if (argv.fingerprint) throw new UsageError('--fingerprint goes with --wkd, --keyserver or --url.');
    return undefined;
  }
  if (given.length > 1)
    throw new UsageError(`Fetch from one place at a time (--${given.join(', --')} were given).`);
  if (argv.keyfile) throw new UsageError(`Give either KEYFILE or --${given[0]}, not both.`);
  if (argv.wkd !== undefined) return { kind: 'wkd', email: String(argv.wkd) };
  if (argv.keyserver !== undefined) {
    if (!argv.fingerprint)
      throw new UsageError('--keyserver needs --fingerprint FPR (keyservers are asked by fingerprint).');
    return { kind: 'keyserver', url: String(argv.keyserver) };
  }
  return { kind: 'url', url: String(argv.url) };
}

/**
 * Fetch the key(s) for `trust add`. With --fingerprint only that key is kept (another key is
 * refused, exit 3); without it a person at a terminal is shown what was found and asked, and
 * a script is refused (exit 2): nothing is trusted by accident.
 */
export async function fetchForTrust(
  source: KeySource,
  argv: Record<string, any>,
  ctx: Context,
): Promise<RemoteKey> {
  const fingerprint = argv.fingerprint ? checkFingerprint(String(argv.fingerprint)) : undefined;
  const fetched = await fetchPublishedKeys(source, { ...(await fetchOptionsFrom(argv, ctx)), fingerprint });
  let keys: openpgp.PublicKey[];
  if (fingerprint) keys = [pickFingerprint(fetched, fingerprint)];
  else {
    const found = fetched.keys.flatMap(describeKey);
    if (!ctx.interactive)
      throw new UsageError(
        `${fetched.url} offers ${fetched.keys.length} key(s); without --fingerprint none is trusted:\n${found.join('\n')}`,
        {
          hint: 'Check the fingerprint with its owner through a channel you trust, then add --fingerprint FPR.',
        },
      );
    ctx.out.err(`${fetched.url} offers:\n${found.join('\n')}`);
    const ok = await confirmOnTerminal(
      ctx,
      `Trust ${fetched.keys.length === 1 ? 'this key' : `these ${fetched.keys.length} keys`}? Say yes only if the fingerprint matches what its owner told you.`,
    );
    if (!ok) throw new InterruptedError('Not trusted; nothing was changed.');
    keys = fetched.keys;
  }
  const armored = keys.map((k) => k.armor()).join('\n');
  return { data: new TextEncoder().encode(armored), source: fetched.url, record: source };
}

/** Record where the keys came from (inside the trust-add transaction: the home is locked). */
export async function recordSources(
  store: KeyStore,
  fingerprints: string[],
  record: KeySource,
  now = new Date(),
): Promise<void> {
  const file = sourcesPath(store.path('trusted'));
  let doc = await readSources(file);
  for (const fpr of fingerprints) doc = addSource(doc, fpr, record, now);
  await writeSources(file, doc);
}
