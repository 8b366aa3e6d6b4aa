import test from 'ava';
import * as openpgp from 'openpgp';
import { signStream } from '../../src/core/sign/index.js';
import { examineSignatures } from '../../src/core/verify/examine.js';
import { testKey } from '../sign/keys.js';

// Found by the bit-flip property test: a damaged creation-time subpacket parses to an invalid
// Date, and formatting it threw a RangeError out of the verifier. It must be a verdict instead.
test('a signature whose creation time is not a valid date is refused, not thrown', async (t) => {
  const data = new TextEncoder().encode('payload');
  const key = await testKey('ed25519-subkey');
  const made = await signStream(
    new ReadableStream({
      start: (c) => {
        c.enqueue(data);
        c.close();
      },
    }),
    key.privateKey,
  );
  const packet = (await openpgp.readSignature({ armoredSignature: made.armored }))
    .packets[0] as openpgp.SignaturePacket;
  packet.created = new Date(Number.NaN);
  const reports = await examineSignatures(
    [packet],
    () =>
      new ReadableStream({
        start: (c) => {
          c.enqueue(data);
          c.close();
        },
      }),
    { keys: [key.publicKey], now: new Date() },
  );
  t.is(reports[0]!.verdict, 'bad');
  t.is(reports[0]!.reason.code, 'E_SIGNATURE_MALFORMED');
});
