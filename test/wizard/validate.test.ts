import test from 'ava';
import {
  validateArmor,
  validateEmail,
  validateExpiry,
  validateName,
  validateNewPassphrase,
  validateRepeat,
} from '../../src/wizard/validate.js';

const NOW = new Date('2026-06-01T00:00:00Z');

test('names: plain names pass; empty, control characters and angle brackets are refused with a reason', (t) => {
  t.true(validateName('Ada Lovelace'));
  t.true(validateName('Zoë Ñandú (release key)'));
  t.regex(validateName('   ') as string, /Enter a name/);
  t.regex(validateName('Ada\u0007') as string, /control character/);
  t.regex(validateName('Ada\u009b31m') as string, /control character/);
  t.regex(validateName('Ada\nEvil') as string, /control character/);
  t.regex(validateName('\u001b[2J') as string, /control character/);
  t.regex(validateName('Ada <x@y.org>') as string, /< or >/);
});

test('e-mail form', (t) => {
  t.true(validateEmail('ada@example.org'));
  t.true(validateEmail('first.last+pgp@sub.example.co.uk'));
  t.regex(validateEmail('') as string, /Enter an e-mail/);
  for (const bad of [
    'ada',
    'ada@',
    '@example.org',
    'ada@example',
    'a da@example.org',
    'ada@example.org>',
    'ada@@example.org',
  ]) {
    t.regex(validateEmail(bad) as string, /not an e-mail address/, bad);
  }
  t.regex(validateEmail('ada@exa\u0000mple.org') as string, /control character/);
});

test('expiry: the same forms as --expires; zero, nonsense, impossible, past and too-far dates are refused', (t) => {
  for (const ok of ['never', 'NEVER', '2y', '18m', '6w', '90d', '2027-01-31', ' 1y ', '2026-06-01'])
    t.true(validateExpiry(ok, NOW), ok);
  t.regex(validateExpiry('0y', NOW) as string, /at least one day/);
  t.regex(validateExpiry('2 years', NOW) as string, /is not an expiry/);
  t.regex(validateExpiry('y2', NOW) as string, /is not an expiry.*Use never/);
  t.regex(validateExpiry('2027-02-30', NOW) as string, /not a real date/);
  t.regex(validateExpiry('2020-01-01', NOW) as string, /in the past/);
  t.regex(validateExpiry('2026-05-31', NOW) as string, /in the past/);
  t.regex(validateExpiry('200y', NOW) as string, /too far/);
});

test('passphrases: the new one is not empty and not short; the repeat must match (empty starts over)', (t) => {
  t.regex(validateNewPassphrase('') as string, /Type a passphrase/);
  t.regex(validateNewPassphrase('short') as string, /at least 8/);
  t.regex(validateNewPassphrase('long enough\n') as string, /line break/);
  t.true(validateNewPassphrase('correct horse battery'));
  const repeat = validateRepeat('correct horse battery');
  t.true(repeat('correct horse battery'));
  t.true(repeat(''));
  t.regex(repeat('correct horse batterY') as string, /Does not match/);
});

test('pasted armor must hold a complete block', (t) => {
  t.regex(validateArmor('hello') as string, /BEGIN PGP/);
  t.regex(validateArmor('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nabc\n') as string, /incomplete/);
  t.true(validateArmor('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nabc\n-----END PGP PUBLIC KEY BLOCK-----\n'));
});
