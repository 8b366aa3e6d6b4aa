import * as openpgp from 'openpgp';
import { InputError } from '../errors.js';
import { armorChecksum, crc24 } from './armor-crc.js';

/** One armor block found in a text: its header type ("PUBLIC KEY BLOCK") and full text. */
export interface ArmorBlock {
  type: string;
  text: string;
}

const BEGIN_RE = /-----BEGIN PGP ([A-Z0-9 ,/]+)-----/g;

/**
 * Split a text into its armor blocks. openpgp.js reads only the first block of a string holding
 * several (spec openpgp-and-keychain.md section 1), so every block is parsed on its own.
 * A BEGIN line without its END line is reported as truncated armor.
 */
export function splitArmorBlocks(text: string, source: string): ArmorBlock[] {
  const blocks: ArmorBlock[] = [];
  for (const match of text.matchAll(BEGIN_RE)) {
    const type = match[1]!;
    const endLine = `-----END PGP ${type}-----`;
    const end = text.indexOf(endLine, match.index!);
    if (end < 0) {
      throw new InputError(
        'E_KEY_FILE',
        `${source}: the armored "${type}" is truncated (no "${endLine}" line).`,
        {
          subject: source,
          hint: 'The file was cut off while copying or downloading. Export the key again and retry.',
        },
      );
    }
    blocks.push({ type, text: text.slice(match.index!, end + endLine.length) });
  }
  return blocks;
}

/** True when the bytes look like ASCII armor rather than binary OpenPGP packets. */
export function looksArmored(data: Uint8Array): boolean {
  const head = Buffer.from(data.subarray(0, Math.min(data.length, 64 * 1024))).toString('latin1');
  return head.includes('-----BEGIN PGP ');
}

function keyFileError(source: string, what: string, cause?: unknown): InputError {
  return new InputError('E_KEY_FILE', `${source} ${what}`, {
    subject: source,
    cause,
    hint: 'Give an OpenPGP key file: armored (-----BEGIN PGP ... KEY BLOCK-----) or binary, e.g. from `gpg --export` or `distseal keys export`.',
  });
}

/** Parse binary key packets (one or several concatenated keys). */
async function readBinaryKeys(data: Uint8Array, source: string): Promise<openpgp.Key[]> {
  // A binary OpenPGP packet header always has bit 7 set; refuse other bytes early with a clear word.
  if ((data[0]! & 0x80) === 0)
    throw keyFileError(source, 'is not an OpenPGP key (neither armored text nor binary packets).');
  try {
    return await openpgp.readKeys({ binaryKeys: data });
  } catch (error) {
    // A lone signature packet (tag 2; old format 0x88-0x8b, new format 0xc2) is most likely a
    // revocation certificate that was handed to import: point at the command that applies it.
    if ((data[0]! & 0xfc) === 0x88 || data[0] === 0xc2) {
      throw new InputError(
        'E_KEY_FILE',
        `${source} holds a signature (such as a revocation certificate), not a key.`,
        {
          subject: source,
          cause: error,
          hint: 'To apply a revocation certificate to one of your keys, run `distseal keys revoke FPR --certificate FILE`.',
        },
      );
    }
    throw keyFileError(source, `is not a readable OpenPGP key: ${describeOpenpgpError(error)}.`, error);
  }
}

/**
 * Read every key in a file's bytes: armored (one or several blocks) or binary, public or
 * secret. `source` names the file in every error (InputError E_KEY_FILE, exit 2).
 */
export async function readKeysFromBytes(data: Uint8Array, source: string): Promise<openpgp.Key[]> {
  if (data.length === 0 || Buffer.from(data).toString('latin1').trim() === '')
    throw keyFileError(source, 'is empty.');
  if (!looksArmored(data)) return readBinaryKeys(data, source);
  const text = Buffer.from(data).toString('utf8');
  const blocks = splitArmorBlocks(text, source);
  const keys: openpgp.Key[] = [];
  for (const [index, block] of blocks.entries()) {
    const where = blocks.length > 1 ? ` (armor block ${index + 1} of ${blocks.length})` : '';
    if (block.type !== 'PUBLIC KEY BLOCK' && block.type !== 'PRIVATE KEY BLOCK') {
      throw keyFileError(source, `holds a "${block.type}"${where}, not a key.`);
    }
    let binary: Uint8Array;
    try {
      binary = (await openpgp.unarmor(block.text)).data as unknown as Uint8Array;
    } catch (error) {
      const crc = /checksum|integrity|crc/i.test(describeOpenpgpError(error));
      throw keyFileError(
        source,
        crc
          ? `has a damaged armor block${where}: its checksum (CRC) does not match.`
          : `has an unreadable armor block${where}: ${describeOpenpgpError(error)}.`,
        error,
      );
    }
    if (binary.length === 0) throw keyFileError(source, `has an empty armor block${where}.`);
    const expected = armorChecksum(block.text);
    if (expected !== undefined && expected !== crc24(binary)) {
      throw keyFileError(
        source,
        `has a damaged armor block${where}: its checksum (CRC) does not match, so the text was changed after it was made.`,
      );
    }
    keys.push(...(await readBinaryKeys(binary, `${source}${where}`)));
  }
  return keys;
}

/** openpgp.js messages without the stack, trimmed to one line. */
export function describeOpenpgpError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.replace(/\.$/, '');
}
