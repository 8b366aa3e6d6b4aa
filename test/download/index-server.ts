import { createHash } from 'node:crypto';
import http from 'node:http';
import * as openpgp from 'openpgp';
import { listenLocal, type LocalServer } from '../helpers/local-server.js';

/** One file the fake index serves, with its detached signature (or none). */
export interface ServedFile {
  filename: string;
  data: Buffer;
  /** The armored .asc served at FILE_URL.asc; undefined answers 404. */
  asc?: string;
  /** The sha256 the index claims (default: the real one). */
  sha256?: string;
  /** The data-gpg-sig / gpg-sig value (default: true when asc is given). */
  gpgSig?: boolean | null;
}

export interface IndexServer extends LocalServer {
  /** `http://127.0.0.1:PORT/simple/` */
  indexUrl: string;
  requests: Array<{ url: string; headers: http.IncomingHttpHeaders }>;
  files: Map<string, ServedFile>;
}

export interface IndexServerOptions {
  /** Serve PEP 691 JSON when asked (default true); false: PEP 503 HTML only. */
  json?: boolean;
  /** Handle a request first; return true when it answered. */
  extra?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

/** A detached armored signature of `data` by `key`. */
export async function signBytes(data: Uint8Array, key: openpgp.PrivateKey): Promise<string> {
  return (await openpgp.sign({
    message: await openpgp.createMessage({ binary: data }),
    signingKeys: key,
    detached: true,
  })) as string;
}

const norm = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '-');

/** A PEP 691 + PEP 503 simple index on loopback, files under /files/. */
export async function startIndexServer(
  projects: Record<string, ServedFile[]>,
  options: IndexServerOptions = {},
): Promise<IndexServer> {
  const files = new Map<string, ServedFile>();
  for (const list of Object.values(projects)) for (const f of list) files.set(f.filename, f);
  const requests: IndexServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    if (options.extra?.(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    const page = /^\/simple\/([^/]+)\/$/.exec(url.pathname);
    if (page) {
      const name = Object.keys(projects).find((p) => norm(p) === page[1]);
      if (!name) return void res.writeHead(404).end('no such project');
      const list = projects[name]!;
      const sha = (f: ServedFile) => f.sha256 ?? createHash('sha256').update(f.data).digest('hex');
      const sig = (f: ServedFile) => (f.gpgSig === undefined ? f.asc !== undefined : f.gpgSig);
      if (
        options.json !== false &&
        /application\/vnd\.pypi\.simple\.v1\+json/.test(req.headers.accept ?? '')
      ) {
        res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' });
        return void res.end(
          JSON.stringify({
            meta: { 'api-version': '1.1' },
            name: norm(name),
            files: list.map((f) => ({
              filename: f.filename,
              url: `../../files/${f.filename}`,
              hashes: { sha256: sha(f) },
              ...(sig(f) === null ? {} : { 'gpg-sig': sig(f) }),
            })),
          }),
        );
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      const links = list.map((f) => {
        const attr = sig(f) === null ? '' : ` data-gpg-sig="${sig(f)}"`;
        return `<a href="/files/${f.filename}#sha256=${sha(f)}"${attr}>${f.filename}</a><br/>`;
      });
      return void res.end(
        `<!DOCTYPE html><html><body><h1>Links for ${name}</h1>\n${links.join('\n')}\n</body></html>`,
      );
    }
    const file = /^\/files\/([^/]+?)(\.asc)?$/.exec(url.pathname);
    const f = file ? files.get(decodeURIComponent(file[1]!)) : undefined;
    if (f && !file![2]) return void res.writeHead(200, { 'content-length': f.data.length }).end(f.data);
    if (f && f.asc !== undefined) return void res.writeHead(200).end(f.asc);
    res.writeHead(404).end('not found');
  });
  const local = await listenLocal(server);
  return { ...local, indexUrl: `${local.origin}/simple/`, requests, files };
}
