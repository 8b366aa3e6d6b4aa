/**
 * The leak scan: members of a dist that should never be published. Path rules catch files by
 * name (a `.pypirc`, an SSH key, a `.git/` directory); content rules look at the first
 * LEAK_SCAN_BYTES of each member for private-key armor and well-known token formats.
 * Findings name the member and the rule, never the secret itself.
 */
import { LEAK_SCAN_BYTES } from '../limits.js';
import type { Finding } from './check-types.js';

/** How many bytes of each member the content rules look at (src/core/limits.ts). */
export { LEAK_SCAN_BYTES } from '../limits.js';

interface PathRule {
  rule: string;
  test: RegExp;
  what: string;
}

// Matched against the member's path with `/` separators, so `(^|/)` means "a file of this name anywhere".
const PATH_RULES: PathRule[] = [
  { rule: 'leak-pypirc', test: /(^|\/)\.pypirc$/, what: 'a .pypirc (index credentials)' },
  { rule: 'leak-netrc', test: /(^|\/)_?\.?netrc$/, what: 'a .netrc (login credentials)' },
  // .env.example / .sample / .template are documentation by convention, not secrets.
  {
    rule: 'leak-dotenv',
    test: /(^|\/)\.env(\.(?!(example|sample|template|dist)$)[^/]+)?$/,
    what: 'a .env file (environment secrets)',
  },
  {
    rule: 'leak-git',
    test: /(^|\/)\.git(\/|$)/,
    what: 'a .git directory (the whole repository history, maybe credentials in .git/config)',
  },
  {
    rule: 'leak-ssh-key',
    test: /(^|\/)(id_(rsa|dsa|ecdsa|ed25519)(_sk)?|identity)$/,
    what: 'an SSH private key',
  },
  {
    rule: 'leak-gnupg',
    test: /(^|\/)\.gnupg\/|(^|\/)(secring\.gpg|private-keys-v1\.d\/)/,
    what: 'a GnuPG private keyring',
  },
  // .pem/.key content is caught by the content rules (certificates are public and allowed).
  { rule: 'leak-pkcs12', test: /\.(p12|pfx)$/i, what: 'a PKCS#12 key bundle' },
  { rule: 'leak-aws-credentials', test: /(^|\/)\.aws\/credentials$/, what: 'AWS credentials' },
];

interface ContentRule {
  rule: string;
  test: RegExp;
  what: string;
}

const CONTENT_RULES: ContentRule[] = [
  {
    rule: 'leak-pgp-private-key',
    test: /-----BEGIN PGP PRIVATE KEY BLOCK-----/,
    what: 'an OpenPGP private key block',
  },
  {
    rule: 'leak-ssh-private-key',
    test: /-----BEGIN OPENSSH PRIVATE KEY-----/,
    what: 'an OpenSSH private key',
  },
  {
    rule: 'leak-pem-private-key',
    test: /-----BEGIN (RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----/,
    what: 'a PEM private key',
  },
  // PyPI tokens are "pypi-" + a base64url macaroon that always starts with AgE (version 2 macaroon).
  { rule: 'leak-pypi-token', test: /pypi-AgE[A-Za-z0-9_-]{50,}/, what: 'a PyPI API token' },
  {
    rule: 'leak-github-token',
    test: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/,
    what: 'a GitHub token',
  },
  { rule: 'leak-aws-key', test: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  {
    rule: 'leak-aws-secret',
    test: /aws_secret_access_key\s*[=:]\s*[A-Za-z0-9/+]{40}/i,
    what: 'an AWS secret access key',
  },
];

/**
 * Path rules and content rules for one archive member. `head` is at most LEAK_SCAN_BYTES of the
 * member's content (empty for directories). Returns one finding per rule that matched.
 */
export function scanMemberForLeaks(memberName: string, head: Buffer): Finding[] {
  const name = memberName.replace(/\\/g, '/');
  const findings: Finding[] = [];
  for (const rule of PATH_RULES) {
    if (!rule.test.test(name)) continue;
    findings.push({
      rule: rule.rule,
      severity: 'error',
      member: memberName,
      message: `${memberName} looks like ${rule.what}; it should not be published.`,
    });
  }
  if (head.length > 0) {
    const text = head.subarray(0, LEAK_SCAN_BYTES).toString('latin1');
    for (const rule of CONTENT_RULES) {
      if (rule.test.test(text)) {
        findings.push({
          rule: rule.rule,
          severity: 'error',
          member: memberName,
          message: `${memberName} contains ${rule.what}; remove it and rotate the secret.`,
        });
      }
    }
  }
  return findings;
}
