/** What a request asks of whom: its URL, checked, and the headers every request carries. */
import { HttpError } from '../errors.js';
import { maskUrl } from './mask.js';
import { USER_AGENT } from './user-agent.js';

/** `Authorization: Basic ...` from a URL's user info. */
export function basicAuth(url: URL): string {
  const creds = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(creds).toString('base64')}`;
}

/**
 * The parsed http(s) URL of a request (anything else is E_URL), and its headers: the default
 * User-Agent unless given, and the URL's user info as Basic auth unless an Authorization is given.
 */
export function requestTarget(
  url: string,
  given: Record<string, string> | undefined,
): { target: URL; headers: Record<string, string> } {
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    throw new HttpError('E_URL', `Not a valid URL: ${maskUrl(url)}`, { cause: error, url: maskUrl(url) });
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new HttpError(
      'E_URL',
      `Only http and https URLs are supported, not ${target.protocol} (${maskUrl(url)}).`,
      { url: maskUrl(url) },
    );
  }
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...(given ?? {}) };
  // Credentials embedded in the URL become Basic auth here and never travel in the request line.
  if (
    (target.username || target.password) &&
    !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')
  ) {
    headers.authorization = basicAuth(target);
  }
  return { target, headers };
}
