import type * as openpgp from 'openpgp';
import { HttpError, InputError, UsageError, VerificationError } from '../errors.js';
import { readKeysFromBytes } from '../keys/parse.js';
import { maskUrl } from '../net/http.js';
import { normalizeFingerprint } from '../trust/policy.js';
import { fetchBytes } from './fetch.js';
import type { FetchOptions } from './open-url.js';
import { defaultWkdResolver, wkdUrls, type WkdResolver } from './wkd.js';

/** Where a trusted key is published, as recorded in the trust store's sources file. */
export type KeySource =
  { kind: 'wkd'; email: string } | { kind: 'keyserver'; url: string } | { kind: 'url'; url: string };

export interface KeyFetchOptions extends FetchOptions {
  /** WKD host mapping (tests); default: the draft's openpgpkey.DOMAIN and DOMAIN. */
  wkdResolver?: WkdResolver;
  /** The primary fingerprint looked up on a keyserver (VKS looks keys up by fingerprint). */
  fingerprint?: string;
}

export interface FetchedKeys {
  keys: openpgp.PublicKey[];
  /** The URL the keys came from (masked). */
  url: string;
}

/** A published key or KEYS file larger than this is refused (large project KEYS files are ~1 MiB). */
export const MAX_KEY_BYTES = 4 << 20;

export const FPR_RE = /^([0-9A-F]{40}|[0-9A-F]{64})$/;

/** A full primary fingerprint, normalized; short IDs are refused (they can be forged). */
export function checkFingerprint(fpr: string): string {
  const n = normalizeFingerprint(fpr).replace(/^0X/, '');
  if (!FPR_RE.test(n))
    throw new UsageError(`--fingerprint ${fpr} is not a full fingerprint (40 or 64 hex digits).`, {
      hint: 'Short key IDs can be forged; ask the maintainer for the full fingerprint.',
    });
  return n;
}

/** The VKS lookup URL (keys.openpgp.org's API); hkps:// is taken as https://. */
export function vksUrl(server: string, fingerprint: string): string {
  const base = server.replace(/^hkps:\/\//i, 'https://').replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(base))
    throw new UsageError(`--keyserver ${server} is not an https URL.`, {
      hint: 'Example: --keyserver https://keys.openpgp.org',
    });
  return `${base}/vks/v1/by-fingerprint/${checkFingerprint(fingerprint)}`;
}

async function parseKeys(body: Buffer, url: string): Promise<openpgp.PublicKey[]> {
  const keys = await readKeysFromBytes(body, maskUrl(url));
  return keys.map((k) => (k.isPrivate() ? k.toPublic() : (k as openpgp.PublicKey)));
}

function notFound(source: string, where: string): InputError {
  return new InputError('E_KEY_NOT_FOUND', `No key was found ${where}.`, {
    subject: source,
    hint: 'Check the address, fingerprint or URL with the maintainer.',
  });
}

/**
 * Fetch the keys a source publishes. WKD: the advanced method, then the direct one (when the
 * advanced host does not exist or has no key), https only, and only keys with a user ID for
 * that address are kept (draft section 3.1). Bodies are bounded (MAX_KEY_BYTES).
 */
export async function fetchPublishedKeys(
  source: KeySource,
  options: KeyFetchOptions = {},
): Promise<FetchedKeys> {
  if (source.kind === 'wkd') {
    const email = source.email.toLowerCase();
    const tried: string[] = [];
    for (const { method, url } of wkdUrls(source.email, options.wkdResolver ?? defaultWkdResolver)) {
      let got;
      try {
        got = await fetchBytes(url, MAX_KEY_BYTES, { ...options, httpsOnly: true, maxRedirects: 2 });
      } catch (error) {
        // The advanced host not existing is the normal case; anything else about it is too, for
        // the direct method may still answer. A failing direct method is an error.
        if (method === 'advanced' && error instanceof HttpError && error.code === 'E_NETWORK') {
          tried.push(`${method}: ${error.message}`);
          continue;
        }
        throw error;
      }
      if (!got.body) {
        tried.push(`${method}: ${maskUrl(url)} answered ${got.status}`);
        continue;
      }
      const keys = (await parseKeys(got.body, url)).filter((k) =>
        k.users.some((u) => u.userID?.email?.toLowerCase() === email),
      );
      if (keys.length === 0)
        throw new VerificationError(
          'E_WKD_NO_MATCH',
          `${maskUrl(url)} answered with no key for ${source.email}; refused.`,
          {
            subject: source.email,
            hint: 'A WKD server must publish only keys with a user ID for the address asked for.',
          },
        );
      return { keys, url: maskUrl(url) };
    }
    throw notFound(source.email, `in the Web Key Directory for ${source.email} (${tried.join('; ')})`);
  }
  const url = source.kind === 'keyserver' ? vksUrl(source.url, options.fingerprint ?? '') : source.url;
  const got = await fetchBytes(url, MAX_KEY_BYTES, options);
  if (!got.body) throw notFound(url, `at ${maskUrl(url)} (${got.status})`);
  return { keys: await parseKeys(got.body, url), url: maskUrl(url) };
}

/**
 * The fetched key with `fingerprint` (primary), or a refusal: a source that answers with
 * another key (or several, one of which is not asked for) never gets that key trusted.
 */
export function pickFingerprint(fetched: FetchedKeys, fingerprint: string): openpgp.PublicKey {
  const want = checkFingerprint(fingerprint);
  const key = fetched.keys.find((k) => k.getFingerprint().toUpperCase() === want);
  if (!key)
    throw new VerificationError(
      'E_FINGERPRINT_MISMATCH',
      `${fetched.url} answered with ${fetched.keys.map((k) => k.getFingerprint().toUpperCase()).join(', ') || 'no key'}, not ${want}; refused.`,
      {
        subject: want,
        hint: 'Nothing was trusted. Check the fingerprint with the maintainer; the source may be compromised or out of date.',
      },
    );
  return key;
}
