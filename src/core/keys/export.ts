import * as openpgp from 'openpgp';
import { KeyError } from '../errors.js';
import { packetHasSecret } from './info.js';

export interface ExportOptions {
  /** Export the secret key (primary and subkeys as stored, still passphrase-protected). */
  secret?: boolean;
  /** Export only the secret signing subkey(s): primary and other subkeys become gnu-dummy stubs (for CI). */
  subkeysOnly?: boolean;
  /** Binary packets instead of ASCII armor. */
  binary?: boolean;
}

/** True when `subkey` may sign, by its latest binding signature's key flags. */
function canSign(subkey: openpgp.Subkey): boolean {
  const latest = [...subkey.bindingSignatures].sort(
    (a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0),
  )[0];
  return Boolean((latest?.keyFlags?.[0] ?? 0) & openpgp.enums.keyFlags.signData);
}

/** A deep copy through serialization, so stubbing packets never touches the stored key. */
async function copyKey(key: openpgp.PrivateKey): Promise<openpgp.PrivateKey> {
  return openpgp.readPrivateKey({ binaryKey: key.write() });
}

/**
 * The key as it should leave distseal: public (default), secret, or secret signing subkeys
 * only. The subkeys-only form is what `gpg --export-secret-subkeys` writes: the primary secret
 * is replaced by a gnu-dummy stub, so a CI machine holding it can sign but cannot certify new
 * subkeys or user IDs. Secret exports stay encrypted with the key's passphrase.
 */
export async function exportKey(key: openpgp.Key, options: ExportOptions = {}): Promise<string | Uint8Array> {
  const fpr = key.getFingerprint().toUpperCase();
  let out: openpgp.Key;
  if (options.secret || options.subkeysOnly) {
    if (!key.isPrivate()) {
      throw new KeyError(
        'E_NO_SECRET',
        `Only the public part of key ${fpr} is here; there is no secret key to export.`,
        {
          subject: fpr,
          hint: 'Export the public key without --secret, or import the secret key first.',
        },
      );
    }
    out = await copyKey(key);
    if (options.subkeysOnly) {
      const signers = out.subkeys.filter((s) => canSign(s) && packetHasSecret(s.keyPacket));
      if (signers.length === 0) {
        throw new KeyError(
          'E_NO_SIGNING_SUBKEY',
          `Key ${fpr} has no secret signing subkey to export on its own.`,
          {
            subject: fpr,
            hint: 'Keys made by `distseal keys generate` have one. For this key, export the full secret with --secret, or add a signing subkey with gpg --quick-add-key.',
          },
        );
      }
      (out.keyPacket as openpgp.SecretKeyPacket).makeDummy();
      for (const sub of out.subkeys)
        if (!signers.includes(sub) && packetHasSecret(sub.keyPacket))
          (sub.keyPacket as openpgp.SecretSubkeyPacket).makeDummy();
    }
  } else {
    out = key.isPrivate() ? key.toPublic() : key;
  }
  return options.binary ? out.write() : out.armor();
}
