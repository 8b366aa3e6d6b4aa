/**
 * Proxies as pip, twine (through requests) and curl honour them: HTTPS_PROXY for https URLs,
 * HTTP_PROXY for http URLs, ALL_PROXY for either, NO_PROXY for hosts to reach directly. The CLI
 * reads the variables (src/cli/context.ts); the core only receives this plain config.
 *
 * https goes through a CONNECT tunnel (TLS is end to end: the proxy sees only the host name),
 * http is sent to the proxy with the absolute URL. Credentials in the proxy URL are sent as
 * Proxy-Authorization (Basic) and never appear in messages (maskUrl).
 */
import { BlockList, isIP } from 'node:net';
import { HttpError } from '../errors.js';

export interface ProxyConfig {
  /** Proxy for http:// URLs (HTTP_PROXY). */
  http?: string;
  /** Proxy for https:// URLs (HTTPS_PROXY). */
  https?: string;
  /** NO_PROXY: comma- or space-separated hosts, domains (suffixes), IPs, CIDR ranges, `host:port`, or `*`. */
  noProxy?: string;
}

/** The proxy chosen for one request. */
export interface ProxyRoute {
  /** The proxy URL as configured (may hold credentials: mask before showing). */
  url: string;
  hostname: string;
  port: number;
  /** `Basic ...` when the proxy URL holds user:password. */
  authorization?: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * The proxy for `target`, or undefined to connect directly (no proxy configured for its scheme,
 * or NO_PROXY names its host). A proxy URL without a scheme means http:// (as curl and requests
 * read it); only http:// proxies are supported: anything else is an E_PROXY error naming it.
 */
export function proxyFor(target: URL, config: ProxyConfig | undefined): ProxyRoute | undefined {
  if (!config) return undefined;
  const raw =
    target.protocol === 'https:' ? config.https : target.protocol === 'http:' ? config.http : undefined;
  if (!raw || raw.trim() === '') return undefined;
  const port = Number(target.port || DEFAULT_PORTS[target.protocol]);
  if (bypassProxy(target.hostname, port, config.noProxy)) return undefined;
  const text = raw.trim();
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw proxyError(`The proxy setting for ${target.protocol.slice(0, -1)} URLs is not a valid URL.`);
  }
  if (proxy.protocol !== 'http:' || !proxy.hostname) {
    throw proxyError(
      `Only http:// proxies are supported, not ${proxy.protocol.slice(0, -1)}:// (${proxy.host || 'no host'}).`,
    );
  }
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  return {
    url: text,
    hostname: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: Number(proxy.port || 80),
    ...(user || password
      ? { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
      : {}),
  };
}

/**
 * True when NO_PROXY says to reach `hostname`:`port` directly. Entries are matched without case:
 * `*` matches everything; `example.org`, `.example.org` and `*.example.org` match that host and
 * every host under it; an IP matches itself, a CIDR range (`10.0.0.0/8`) every IP in it; an entry
 * with `:PORT` matches only that port. IPv6 entries may be written in brackets.
 */
export function bypassProxy(hostname: string, port: number, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  for (const rawEntry of noProxy.split(/[\s,]+/)) {
    let entry = rawEntry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let entryPort: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entry = bracketed[1]!;
      entryPort = bracketed[2] ? Number(bracketed[2]) : undefined;
    } else if (isIP(entry) !== 6 && !entry.includes('/')) {
      const withPort = /^(.*):(\d+)$/.exec(entry);
      if (withPort) {
        entry = withPort[1]!;
        entryPort = Number(withPort[2]);
      }
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    if (isIP(entry) || isIP(host)) {
      if (entry === host) return true;
      continue;
    }
    const domain = entry.replace(/^\*?\.+/, '').replace(/\.$/, '');
    if (domain !== '' && (host === domain || host.endsWith(`.${domain}`))) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [network, bitsText] = cidr.split('/') as [string, string];
  const family = isIP(network);
  const bits = Number(bitsText);
  if (!family || isIP(host) !== family || !Number.isInteger(bits)) return false;
  const list = new BlockList();
  try {
    list.addSubnet(network, bits, family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false; // a malformed range matches nothing
  }
  return list.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

export function proxyError(message: string, cause?: unknown): HttpError {
  return new HttpError('E_PROXY', message, {
    cause,
    hint: 'Check HTTPS_PROXY / HTTP_PROXY (http://[user:password@]host:port) and NO_PROXY.',
  });
}
