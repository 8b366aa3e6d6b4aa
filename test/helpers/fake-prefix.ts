import http from 'node:http';
import { parseMultipart, type Part } from './multipart.js';
import { listenLocal, type LocalServer } from './local-server.js';

export interface PrefixSeen {
  path: string;
  authorization?: string;
  force: boolean;
  status: number;
  part?: Omit<Part, 'data'>;
}

/**
 * A strict local prefix.dev upload endpoint (rattler_upload prefix.rs, the form since
 * rattler-build PR #1370): `POST /api/v1/upload/<channel>[?force=true]`, `Authorization: Bearer
 * <key>`, one multipart part `file` whose own headers carry Content-Type, Content-Length,
 * X-File-Name and X-File-SHA256, all checked against the bytes. 409 when the file exists.
 */
export class FakePrefix {
  readonly requests: PrefixSeen[] = [];
  /** channel -> filename -> sha256 */
  readonly files = new Map<string, Map<string, string>>();
  /** channel -> filename -> size in bytes (for the repodata it serves) */
  readonly sizes = new Map<string, Map<string, number>>();
  private server?: http.Server;
  private listening?: LocalServer;
  url = '';

  constructor(
    readonly options: {
      keys?: string[];
      channels?: string[];
      fail503?: number;
      /** The subdir each uploaded file is listed under in repodata.json (default noarch). */
      subdirOf?: (filename: string) => string;
    } = {},
  ) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: Error) =>
        this.reply(res, req, 500, `fake server bug: ${error.message}`),
      );
    });
    this.listening = await listenLocal(this.server);
    this.url = this.listening.origin;
    return this;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }

  private reply(
    res: http.ServerResponse,
    req: http.IncomingMessage,
    status: number,
    text: string,
    part?: Part,
  ): void {
    const url = new URL(req.url!, 'http://x');
    const { data: _data, ...meta } = part ?? ({} as Part);
    this.requests.push({
      path: url.pathname,
      authorization: req.headers.authorization,
      force: url.searchParams.get('force') === 'true',
      status,
      part: part ? meta : undefined,
    });
    if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(text);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url!, 'http://x');
    const repo = /^\/([^/]+)\/([^/]+)\/repodata\.json$/.exec(url.pathname);
    if (req.method === 'GET' && repo) return this.repodata(res, req, decodeURIComponent(repo[1]!), repo[2]!);
    const m = /^\/api\/v1\/upload\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) return (req.resume(), this.reply(res, req, 404, 'Not Found'));
    if ((this.options.fail503 ?? 0) > 0) {
      this.options.fail503! -= 1;
      return (req.resume(), this.reply(res, req, 503, 'Service Unavailable'));
    }
    const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!key || !(this.options.keys ?? []).includes(key))
      return (req.resume(), this.reply(res, req, 401, 'Unauthorized: invalid or expired API key'));
    const channel = decodeURIComponent(m[1]!);
    if (!(this.options.channels ?? []).includes(channel))
      return (req.resume(), this.reply(res, req, 404, `Channel ${channel} not found`));
    const parts = await parseMultipart(req);
    const file = parts.find((p) => p.name === 'file');
    if (!file || parts.length !== 1)
      return this.reply(res, req, 422, 'Expected exactly one part named file', file);
    const h = file.headers;
    const problems = [
      h['content-type'] !== 'application/octet-stream' && 'Content-Type',
      h['content-length'] !== String(file.size) && 'Content-Length',
      h['x-file-name'] !== file.filename && 'X-File-Name',
      h['x-file-sha256'] !== file.sha256 && 'X-File-SHA256',
    ].filter(Boolean);
    if (problems.length)
      return this.reply(res, req, 400, `Part headers wrong or missing: ${problems.join(', ')}`, file);
    const stored = this.files.get(channel) ?? new Map<string, string>();
    this.files.set(channel, stored);
    const force = url.searchParams.get('force') === 'true';
    if (stored.has(file.filename!) && !force)
      return this.reply(res, req, 409, `Package ${file.filename} already exists`, file);
    stored.set(file.filename!, file.sha256);
    const sizes = this.sizes.get(channel) ?? new Map<string, number>();
    this.sizes.set(channel, sizes.set(file.filename!, file.size));
    return this.reply(res, req, 200, 'OK', file);
  }

  /**
   * What repo.prefix.dev serves at `/<channel>/<subdir>/repodata.json`: `.tar.bz2` records under
   * `packages`, `.conda` records under `packages.conda`, each with sha256 and size.
   */
  private repodata(
    res: http.ServerResponse,
    req: http.IncomingMessage,
    channel: string,
    subdir: string,
  ): void {
    if (!(this.options.channels ?? []).includes(channel)) return this.reply(res, req, 404, 'Not Found');
    const doc = {
      info: { subdir },
      packages: {} as Record<string, unknown>,
      'packages.conda': {} as Record<string, unknown>,
    };
    for (const [name, sha256] of this.files.get(channel) ?? []) {
      if ((this.options.subdirOf?.(name) ?? 'noarch') !== subdir) continue;
      const size = this.sizes.get(channel)?.get(name);
      (name.endsWith('.conda') ? doc['packages.conda'] : doc.packages)[name] = { sha256, size };
    }
    this.requests.push({ path: new URL(req.url!, 'http://x').pathname, force: false, status: 200 });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc));
  }
}
