/**
 * Following a redirect by hand (the downloads that need it: anaconda.org's /download answers 302
 * to S3): the token in Authorization belongs to the host it was meant for and never travels on.
 */
import type http from 'node:http';

/** `headers` without Authorization (any case). */
export function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

/**
 * Where a redirect leads, or undefined when `response` is no redirect to follow (`follow` false:
 * the redirect budget is spent). Drains the redirect's body; drops Authorization when the next
 * URL is on another host.
 */
export function nextHop(
  response: http.IncomingMessage,
  current: string,
  headers: Record<string, string>,
  follow: boolean,
): { url: string; headers: Record<string, string> } | undefined {
  const status = response.statusCode ?? 0;
  const location = response.headers.location;
  if (status < 300 || status >= 400 || !location || !follow) return undefined;
  response.resume();
  const next = new URL(location, current);
  return {
    url: next.toString(),
    headers: next.host !== new URL(current).host ? withoutAuthorization(headers) : headers,
  };
}
