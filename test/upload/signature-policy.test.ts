import test from 'ava';
import { DEFAULT_SIGN, signaturePolicy } from '../../src/core/upload/pypi/signature-policy.js';

// [isPyPI, sign, dryRun] -> [signUnsigned, sendSignatures, uncheckable]
const TABLE: Array<[boolean, boolean | undefined, boolean | undefined, boolean, boolean, 'refuse' | 'warn']> =
  [
    [true, undefined, undefined, false, false, 'warn'],
    [true, false, false, false, false, 'warn'],
    [true, true, false, true, false, 'warn'],
    [true, true, true, false, false, 'warn'],
    [false, undefined, undefined, false, true, 'refuse'],
    [false, false, false, false, true, 'refuse'],
    [false, true, false, true, true, 'refuse'],
    [false, true, true, false, true, 'refuse'],
    [false, false, true, false, true, 'refuse'],
  ];

for (const [isPyPI, sign, dryRun, signUnsigned, sendSignatures, uncheckable] of TABLE) {
  test(`signature policy: ${isPyPI ? 'PyPI' : 'another index'}, sign ${sign}, dry run ${dryRun}`, (t) => {
    t.deepEqual(signaturePolicy({ isPyPI, sign, dryRun }), { signUnsigned, sendSignatures, uncheckable });
  });
}

test('signature policy: --sign is off unless asked', (t) => {
  t.false(DEFAULT_SIGN);
});
