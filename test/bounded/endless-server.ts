/**
 * A loopback server for the download-cap tests: `routes` maps a path to a fixed body, or to
 * 'endless' (zeros for as long as the client reads, capped at 256 MiB so the server always
 * stops by itself), or to 'trickle' (one byte every 100 ms, at most 600 bytes). Anything else
 * is 404.
 */
import http from 'node:http';
import { listenLocal, type LocalServer } from '../helpers/local-server.js';

export type Route = string | Buffer | 'endless' | 'trickle';

const ENDLESS_CAP = 256 * 1024 * 1024;

export async function serveRoutes(
  routes: Record<string, Route>,
): Promise<LocalServer & { sent: () => number }> {
  let sent = 0;
  const server = http.createServer((req, res) => {
    const route = routes[req.url!.split('?')[0]!];
    if (route === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    if (route === 'endless') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024);
      let left = ENDLESS_CAP;
      const pump = () => {
        while (left > 0 && !res.destroyed) {
          left -= chunk.length;
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (left = 0));
      pump();
      return;
    }
    if (route === 'trickle') {
      res.writeHead(200);
      let left = 600;
      const timer = setInterval(() => {
        if (left-- <= 0 || res.destroyed) {
          clearInterval(timer);
          res.end();
          return;
        }
        sent += 1;
        res.write('x');
      }, 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.writeHead(200).end(route);
  });
  const local = await listenLocal(server);
  return { ...local, sent: () => sent };
}
