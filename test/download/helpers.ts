import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as openpgp from 'openpgp';
import { importKeys } from '../../src/core/keys/import.js';
import { KeyStore } from '../../src/core/keys/store.js';
import { addPins } from '../../src/core/trust/pins.js';
import { FIXTURES } from '../helpers/cli.js';
import { testKey } from '../sign/keys.js';
import { signBytes, type ServedFile } from './index-server.js';

export const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/distseal-test-bus' };
export const WHEEL = 'distseal_sample-1.0.0-py3-none-any.whl';
export const SDIST = 'distseal-sample-1.0.0.tar.gz';

/** A distseal home whose trusted keyring holds `keys`, each pinned to its projects. */
export async function trustedHome(
  home: string,
  keys: Array<{ publicKey: openpgp.PublicKey; pins?: string[] }>,
): Promise<string> {
  const store = await KeyStore.open({ home });
  for (const k of keys) {
    await importKeys(store, new TextEncoder().encode(k.publicKey.armor()), {
      source: 'test',
      into: 'trusted',
      alsoWrite: async (tx, imported) => {
        if (k.pins?.length)
          await tx.savePolicy(
            addPins(
              await store.trustPolicy(),
              k.pins,
              imported.map((i) => i.fingerprint),
            ),
          );
      },
    });
  }
  return home;
}

/** The sample wheel and sdist, signed by the maintainer test key. */
export async function sampleFiles(signer?: openpgp.PrivateKey): Promise<ServedFile[]> {
  const key = signer ?? (await testKey('ed25519', 'Maintainer')).privateKey;
  const out: ServedFile[] = [];
  for (const filename of [WHEEL, SDIST]) {
    const data = await readFile(path.join(FIXTURES, 'python', filename));
    out.push({ filename, data, asc: await signBytes(data, key) });
  }
  return out;
}
