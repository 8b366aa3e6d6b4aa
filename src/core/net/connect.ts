import http from 'node:http';
import type https from 'node:https';
import { isIP, type Socket } from 'node:net';
import tls from 'node:tls';
import { HttpError } from '../errors.js';
import { maskUrl } from './mask.js';
import { proxyError, proxyFor, type ProxyConfig, type ProxyRoute } from './proxy.js';

export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** How to send one request: options to merge into http(s).request, and headers to add. */
export interface Route {
  options: https.RequestOptions;
  headers: Record<string, string>;
}

/**
 * The request options that reach `target` directly or through the configured proxy. For https
 * through a proxy this opens the CONNECT tunnel first (bounded by `timeoutMs`) and runs TLS to
 * the target over it, checked against the target's name and `tlsFiles` as a direct connection is.
 */
export async function routeTo(
  target: URL,
  proxy: ProxyConfig | undefined,
  tlsFiles: TlsFiles,
  timeoutMs: number,
): Promise<Route> {
  const isHttps = target.protocol === 'https:';
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || (isHttps ? 443 : 80));
  const direct: Route = {
    options: {
      hostname,
      port,
      path: `${target.pathname}${target.search}`,
      agent: false,
      ...(isHttps ? { ca: tlsFiles.ca, cert: tlsFiles.cert, key: tlsFiles.key ?? tlsFiles.cert } : {}),
    },
    headers: {},
  };
  const route = proxyFor(target, proxy);
  if (!route) return direct;
  if (!isHttps) {
    // Plain http: the proxy gets the absolute URL (without credentials) and forwards it.
    return {
      options: {
        hostname: route.hostname,
        port: route.port,
        path: `${target.protocol}//${target.host}${target.pathname}${target.search}`,
        agent: false,
      },
      headers: {
        host: target.host,
        ...(route.authorization ? { 'proxy-authorization': route.authorization } : {}),
      },
    };
  }
  const socket = await openTunnel(route, hostname, port, timeoutMs);
  const secure = tls.connect({
    socket,
    servername: isIP(hostname) ? undefined : hostname,
    host: hostname,
    ca: tlsFiles.ca,
    cert: tlsFiles.cert,
    key: tlsFiles.key ?? tlsFiles.cert,
    ALPNProtocols: ['http/1.1'],
  });
  return {
    options: { ...direct.options, agent: undefined, createConnection: () => secure },
    headers: {},
  };
}

/** CONNECT host:port through the proxy; resolves with the raw socket once the proxy answered 200. */
function openTunnel(route: ProxyRoute, hostname: string, port: number, timeoutMs: number): Promise<Socket> {
  const authority = `${isIP(hostname) === 6 ? `[${hostname}]` : hostname}:${port}`;
  const proxyName = maskUrl(route.url);
  return new Promise<Socket>((resolve, reject) => {
    const request = http.request({
      hostname: route.hostname,
      port: route.port,
      method: 'CONNECT',
      path: authority,
      agent: false,
      headers: {
        host: authority,
        ...(route.authorization ? { 'proxy-authorization': route.authorization } : {}),
      },
    });
    request.setTimeout(timeoutMs, () =>
      request.destroy(
        Object.assign(
          new Error(`the proxy did not answer for ${Math.round(timeoutMs / 1000)} s (timed out)`),
          {
            code: 'E_HTTP_TIMEOUT',
          },
        ),
      ),
    );
    request.once('connect', (response, socket, head) => {
      request.setTimeout(0);
      if (response.statusCode !== 200) {
        socket.destroy();
        const status = `${response.statusCode} ${response.statusMessage ?? ''}`.trim();
        reject(
          proxyError(
            `The proxy ${proxyName} refused the tunnel to ${authority}: ${status}.${
              response.statusCode === 407
                ? ' It wants credentials: put them in the proxy URL (http://user:password@host:port).'
                : ''
            }`,
          ),
        );
        return;
      }
      if (head.length > 0) socket.unshift(head);
      resolve(socket);
    });
    request.once('response', (response) => {
      response.resume();
      reject(proxyError(`The proxy ${proxyName} answered CONNECT with ${response.statusCode}; no tunnel.`));
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      const refused = error.code === 'ECONNREFUSED';
      reject(
        new HttpError(
          'E_PROXY',
          `Cannot reach the proxy ${proxyName} (for ${authority}): ${refused ? 'connection refused' : error.message}.`,
          {
            cause: error,
            hint: 'Check HTTPS_PROXY / HTTP_PROXY and that the proxy is running; NO_PROXY lists hosts to reach directly.',
          },
        ),
      );
    });
    request.end();
  });
}
