import http from 'node:http';
import net from 'node:net';
import { listenLocal } from '../helpers/local-server.js';

export interface SeenByProxy {
  method: string;
  url: string;
  authorization?: string;
}

export interface TestProxy {
  origin: string;
  port: number;
  seen: SeenByProxy[];
  close(): Promise<void>;
}

/**
 * A forwarding proxy on 127.0.0.1 for tests: absolute-URL requests are forwarded over http,
 * CONNECT opens a raw tunnel. With `credentials` ("user:password") it answers 407 without them.
 */
export async function startProxy(credentials?: string): Promise<TestProxy> {
  const seen: SeenByProxy[] = [];
  const sockets = new Set<net.Socket>();
  const expected = credentials ? `Basic ${Buffer.from(credentials).toString('base64')}` : undefined;
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, authorization: req.headers['proxy-authorization'] });
    if (expected && req.headers['proxy-authorization'] !== expected) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const target = new URL(req.url!);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    seen.push({ method: 'CONNECT', url: req.url!, authorization: req.headers['proxy-authorization'] });
    if (expected && req.headers['proxy-authorization'] !== expected) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n',
      );
      return;
    }
    const [host, port] = [
      req.url!.slice(0, req.url!.lastIndexOf(':')),
      req.url!.slice(req.url!.lastIndexOf(':') + 1),
    ];
    const upstream = net.connect(Number(port), host.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const local = await listenLocal(server);
  return {
    origin: local.origin,
    port: local.port,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await local.close();
    },
  };
}
