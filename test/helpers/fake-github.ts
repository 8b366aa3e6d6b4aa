import { createHash } from 'node:crypto';
import http from 'node:http';
import { listenLocal, type LocalServer } from './local-server.js';

/**
 * A strict local GitHub REST API for releases (docs.github.com/rest/releases): Bearer (or
 * `token`) auth with 401 "Bad credentials", a User-Agent, the GitHub media type on API calls;
 * releases listed with drafts, created as drafts (422 for a tag already used), published by
 * PATCH; assets uploaded as a raw body to the release's upload_url with `?name=`, a
 * Content-Type and a Content-Length that must match the body (422 already_exists for a taken
 * name), listed with size, state and `sha256:` digest, and downloaded with
 * `Accept: application/octet-stream` through a 302 like the real storage redirect.
 */
export interface FakeAsset {
  id: number;
  name: string;
  contentType: string;
  data: Buffer;
  state: 'uploaded' | 'starter';
}

export interface FakeRelease {
  id: number;
  tag: string;
  name: string;
  draft: boolean;
  assets: FakeAsset[];
}

export interface SeenGithubRequest {
  method: string;
  path: string;
  status: number;
  contentType?: string;
}

export class FakeGithub {
  readonly requests: SeenGithubRequest[] = [];
  readonly releases: FakeRelease[] = [];
  /** Serve these bytes instead of the stored ones on download (name -> bytes): a tampered mirror. */
  readonly tamper = new Map<string, Buffer>();
  /** Answer uploads with this status once each (e.g. 403, 500). */
  readonly failUploads: number[] = [];
  private nextId = 100;
  private listening?: LocalServer;
  url = '';

  constructor(
    readonly options: {
      tokens?: string[];
      readOnlyTokens?: string[];
      owner?: string;
      repo?: string;
      /** List assets without `digest`, as for assets uploaded before GitHub reported them. */
      noDigests?: boolean;
    } = {},
  ) {}

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: Error) =>
        this.send(req, res, 500, { message: `fake bug: ${error.message}` }),
      );
    });
    this.listening = await listenLocal(server);
    this.url = this.listening.origin;
    return this;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }

  release(tag: string): FakeRelease | undefined {
    return this.releases.find((r) => r.tag === tag);
  }

  private send(req: http.IncomingMessage, res: http.ServerResponse, status: number, body?: unknown): void {
    this.requests.push({
      method: req.method!,
      path: req.url!,
      status,
      contentType: req.headers['content-type'],
    });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  private json(r: FakeRelease) {
    return {
      id: r.id,
      tag_name: r.tag,
      name: r.name,
      draft: r.draft,
      html_url: `${this.url}/${this.options.owner ?? 'me'}/${this.options.repo ?? 'proj'}/releases/tag/${r.tag}`,
      upload_url: `${this.url}/uploads${this.repoPath()}/releases/${r.id}/assets{?name,label}`,
    };
  }

  private asset(a: FakeAsset) {
    return {
      id: a.id,
      name: a.name,
      size: a.data.length,
      state: a.state,
      content_type: a.contentType,
      digest: this.options.noDigests ? null : `sha256:${createHash('sha256').update(a.data).digest('hex')}`,
      url: `${this.url}${this.repoPath()}/releases/assets/${a.id}`,
      browser_download_url: `${this.url}/download/${a.id}`,
    };
  }

  private repoPath(): string {
    return `/repos/${this.options.owner ?? 'me'}/${this.options.repo ?? 'proj'}`;
  }

  private async body(req: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url!, this.url);
    const method = req.method!;
    const download = /^\/download\/(\d+)$/.exec(url.pathname);
    if (download && method === 'GET') {
      const a = this.releases.flatMap((r) => r.assets).find((x) => x.id === Number(download[1]));
      if (!a) return this.send(req, res, 404, { message: 'Not Found' });
      this.requests.push({ method, path: req.url!, status: 200 });
      res.writeHead(200, { 'content-type': a.contentType });
      res.end(this.tamper.get(a.name) ?? a.data);
      return;
    }
    if (!req.headers['user-agent'])
      return this.send(req, res, 403, {
        message:
          'Request forbidden by administrative rules. Please make sure your request has a User-Agent header',
      });
    const token = /^(?:Bearer|token) (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const tokens = this.options.tokens ?? ['gh-test-token'];
    if (!token || !(tokens.includes(token) || this.options.readOnlyTokens?.includes(token)))
      return this.send(req, res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
    const writing = method !== 'GET';
    if (writing && this.options.readOnlyTokens?.includes(token))
      return this.send(req, res, 403, { message: 'Resource not accessible by personal access token' });
    const base = this.repoPath();
    const upload = new RegExp(`^/uploads${base}/releases/(\\d+)/assets$`).exec(url.pathname);
    if (upload && method === 'POST') return this.upload(req, res, Number(upload[1]), url);
    if (
      !String(req.headers.accept ?? '').includes('application/vnd.github') &&
      !String(req.headers.accept ?? '').includes('application/octet-stream')
    )
      return this.send(req, res, 415, { message: 'Unsupported Accept header' });
    if (url.pathname === `${base}/releases` && method === 'GET') {
      const page = Number(url.searchParams.get('page') ?? '1');
      return this.send(req, res, 200, page === 1 ? this.releases.map((r) => this.json(r)) : []);
    }
    if (url.pathname === `${base}/releases` && method === 'POST') {
      const body = JSON.parse((await this.body(req)).toString('utf8')) as {
        tag_name?: string;
        name?: string;
        draft?: boolean;
      };
      if (!body.tag_name)
        return this.send(req, res, 422, {
          message: 'Validation Failed',
          errors: [{ field: 'tag_name', code: 'missing_field' }],
        });
      if (this.release(body.tag_name))
        return this.send(req, res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
        });
      const r: FakeRelease = {
        id: this.nextId++,
        tag: body.tag_name,
        name: body.name ?? body.tag_name,
        draft: body.draft === true,
        assets: [],
      };
      this.releases.push(r);
      return this.send(req, res, 201, this.json(r));
    }
    const one = new RegExp(`^${base}/releases/(\\d+)(/assets)?$`).exec(url.pathname);
    if (one) {
      const r = this.releases.find((x) => x.id === Number(one[1]));
      if (!r) return this.send(req, res, 404, { message: 'Not Found' });
      if (one[2] && method === 'GET')
        return this.send(
          req,
          res,
          200,
          (url.searchParams.get('page') ?? '1') === '1' ? r.assets.map((a) => this.asset(a)) : [],
        );
      if (!one[2] && method === 'PATCH') {
        const body = JSON.parse((await this.body(req)).toString('utf8')) as { draft?: boolean };
        if (typeof body.draft === 'boolean') r.draft = body.draft;
        return this.send(req, res, 200, this.json(r));
      }
    }
    const asset = new RegExp(`^${base}/releases/assets/(\\d+)$`).exec(url.pathname);
    if (asset) {
      const id = Number(asset[1]);
      const r = this.releases.find((x) => x.assets.some((a) => a.id === id));
      const a = r?.assets.find((x) => x.id === id);
      if (!r || !a) return this.send(req, res, 404, { message: 'Not Found' });
      if (method === 'DELETE') {
        r.assets = r.assets.filter((x) => x.id !== id);
        return this.send(req, res, 204);
      }
      if (method === 'GET') {
        if (String(req.headers.accept).includes('application/octet-stream')) {
          this.requests.push({ method, path: req.url!, status: 302 });
          res.writeHead(302, { location: `${this.url}/download/${id}` });
          res.end();
          return;
        }
        return this.send(req, res, 200, this.asset(a));
      }
    }
    return this.send(req, res, 404, { message: 'Not Found' });
  }

  private async upload(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    id: number,
    url: URL,
  ): Promise<void> {
    const r = this.releases.find((x) => x.id === id);
    const data = await this.body(req);
    if (!r) return this.send(req, res, 404, { message: 'Not Found' });
    const status = this.failUploads.shift();
    if (status) return this.send(req, res, status, { message: `Injected ${status}` });
    const name = url.searchParams.get('name');
    if (!name)
      return this.send(req, res, 422, {
        message: 'Validation Failed',
        errors: [{ field: 'name', code: 'missing' }],
      });
    const contentType = req.headers['content-type'];
    if (!contentType)
      return this.send(req, res, 422, {
        message: 'Validation Failed',
        errors: [{ field: 'content_type', code: 'missing' }],
      });
    if (req.headers['content-length'] === undefined || Number(req.headers['content-length']) !== data.length)
      return this.send(req, res, 400, { message: 'Content-Length does not match the body' });
    if (r.assets.some((a) => a.name === name))
      return this.send(req, res, 422, {
        message: 'Validation Failed',
        errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
      });
    const a: FakeAsset = { id: this.nextId++, name, contentType, data, state: 'uploaded' };
    r.assets.push(a);
    return this.send(req, res, 201, this.asset(a));
  }
}
