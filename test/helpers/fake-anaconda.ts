import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { parseMultipart } from './multipart.js';
import { listenLocal, type LocalServer } from './local-server.js';

/** One request as the fake saw it (for asserting order and headers). */
export interface SeenRequest {
  method: string;
  path: string;
  authorization?: string;
  body?: unknown;
  status: number;
}

export interface StoredDist {
  owner: string;
  name: string;
  version: string;
  basename: string;
  type: string;
  sha256: string;
  md5: string;
  size: number;
  labels: string[];
  data?: Buffer;
  attrs: Record<string, unknown>;
}

export interface FakeAnacondaOptions {
  /** token -> login; a token not listed gets 401 "Invalid token". */
  tokens?: Record<string, string>;
  expiredTokens?: string[];
  /** Tokens with api:read only. */
  readOnlyTokens?: string[];
  /** Drop (destroy the socket of) this many storage POSTs, mid-body. */
  dropS3?: number;
  /** Commit this many times but drop the connection instead of answering (the client cannot know it worked). */
  dropCommitAnswer?: number;
  /** Answer 503 to this many requests whose path starts with the key. */
  fail503?: Record<string, number>;
}

/**
 * A strict local anaconda.org: the API of specs/conda.md section 2 on 127.0.0.1, plus the S3
 * presigned-POST endpoint. It checks what the real service checks or what breaks in real life:
 * `Authorization: token <T>` on API calls and none on S3, package then release before stage,
 * the S3 form with the returned fields in order, Content-Length and Content-MD5, `file` last,
 * the MD5 against the bytes, 409 for an existing file, the real 401 messages, and mixed package
 * types refused. Faults can be injected (dropped S3 POSTs, 503s).
 */
export class FakeAnaconda {
  readonly requests: SeenRequest[] = [];
  readonly packages = new Map<string, { types: Set<string>; attrs: Record<string, unknown> }>();
  readonly releases = new Map<string, { distributions: string[] }>();
  readonly dists = new Map<string, StoredDist>();
  private readonly staged = new Map<
    string,
    {
      key: string;
      body: Record<string, unknown>;
      fields: string[];
      uploaded?: { sha256: string; md5: string; size: number; data?: Buffer };
    }
  >();
  private server?: http.Server;
  private listening?: LocalServer;
  url = '';

  constructor(readonly options: FakeAnacondaOptions = {}) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => {
        if (!res.headersSent) this.json(res, req, 500, { error: `fake server bug: ${error.message}` });
      });
    });
    this.listening = await listenLocal(this.server);
    this.url = this.listening.origin;
    return this;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }

  /** The method+path sequence, e.g. ['HEAD /', 'GET /user', ...]. */
  sequence(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  private json(
    res: http.ServerResponse,
    req: http.IncomingMessage,
    status: number,
    body: unknown,
    seen?: Partial<SeenRequest>,
  ): void {
    this.requests.push({
      method: req.method!,
      path: req.url!.split('?')[0]!,
      authorization: req.headers.authorization,
      status,
      ...seen,
    });
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  private async readJson(req: http.IncomingMessage): Promise<Record<string, unknown> | undefined> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text) return undefined;
    if (!/^application\/json/.test(req.headers['content-type'] ?? ''))
      throw new Error('JSON body without Content-Type: application/json');
    return JSON.parse(text) as Record<string, unknown>;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = decodeURIComponent(req.url!.split('?')[0]!);
    const method = req.method!;
    for (const [prefix, count] of Object.entries(this.options.fail503 ?? {})) {
      if (count > 0 && path.startsWith(prefix)) {
        this.options.fail503![prefix] = count - 1;
        req.resume();
        return this.json(res, req, 503, { error: 'Service Unavailable' });
      }
    }
    if (path === '/s3-upload' && method === 'POST') return this.s3(req, res);
    if (path.startsWith('/s3-object/') && method === 'GET') {
      const dist = [...this.dists.values()].find((d) => d.sha256 === path.slice(11));
      if (!dist?.data) return this.json(res, req, 404, { error: 'NoSuchKey' });
      this.requests.push({ method, path, status: 200 });
      res.writeHead(200, { 'content-length': dist.data.length });
      return void res.end(dist.data);
    }
    if (method === 'HEAD' && path === '/') return this.json(res, req, 200, {});
    // Every API call past this point needs `Authorization: token <T>` (not Bearer).
    const auth = req.headers.authorization ?? '';
    const token = /^token (\S+)$/.exec(auth)?.[1];
    if (!token || !(token in (this.options.tokens ?? {})))
      return this.json(res, req, 401, { error: 'Invalid token' });
    if (this.options.expiredTokens?.includes(token))
      return this.json(res, req, 401, { error: 'Authentication token has expired' });
    const login = this.options.tokens![token]!;
    const body =
      method === 'POST' || method === 'PATCH' ? await this.readJson(req) : (req.resume(), undefined);
    const seg = path.split('/').slice(1);
    const writing = method !== 'GET' && method !== 'HEAD';
    if (writing && this.options.readOnlyTokens?.includes(token)) {
      return this.json(
        res,
        req,
        401,
        { error: 'Token does not have the sufficient scope for this operation. expected: api:write' },
        { body },
      );
    }
    if (path === '/user' && method === 'GET') return this.json(res, req, 200, { login, user_type: 'user' });
    if (seg[0] === 'user' && seg.length === 2 && method === 'GET')
      return this.json(res, req, 200, { login: seg[1] });
    if (seg[0] === 'package' && seg.length === 3)
      return this.packageRoute(req, res, `${seg[1]}/${seg[2]}`, body);
    if (seg[0] === 'release' && seg.length === 4)
      return this.releaseRoute(req, res, `${seg[1]}/${seg[2]}`, `${seg[1]}/${seg[2]}/${seg[3]}`, body);
    if (seg[0] === 'dist' && seg.length >= 5) {
      const key = seg.slice(1).join('/');
      const dist = this.dists.get(key);
      if (method === 'GET')
        return dist
          ? this.json(res, req, 200, { basename: dist.basename, sha256: dist.sha256, size: dist.size })
          : this.json(res, req, 404, { error: 'Not found' });
      if (method === 'DELETE') {
        if (!dist) return this.json(res, req, 404, { error: 'Not found' });
        this.dists.delete(key);
        const rel = this.releases.get(seg.slice(1, 4).join('/'));
        if (rel) rel.distributions = rel.distributions.filter((d) => d !== key);
        return this.json(res, req, 201, {});
      }
    }
    if (seg[0] === 'download' && seg.length >= 5 && method === 'GET') {
      const dist = this.dists.get(seg.slice(1).join('/'));
      if (!dist) return this.json(res, req, 404, { error: 'Not found' });
      this.requests.push({ method, path, authorization: auth, status: 302 });
      res.writeHead(302, { location: `${this.url}/s3-object/${dist.sha256}` });
      return void res.end();
    }
    if (seg[0] === 'stage' && seg.length >= 5 && method === 'POST') return this.stage(req, res, seg, body!);
    if (seg[0] === 'commit' && seg.length >= 5 && method === 'POST') return this.commit(req, res, seg, body!);
    return this.json(res, req, 404, { error: `No route ${method} ${path}` });
  }

  private packageRoute(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    key: string,
    body?: Record<string, unknown>,
  ): void {
    const pkg = this.packages.get(key);
    if (req.method === 'GET') {
      if (!pkg) return this.json(res, req, 404, { error: 'Package not found' });
      const files = [...this.dists.values()]
        .filter((d) => `${d.owner}/${d.name}` === key)
        .map((d) => ({ basename: d.basename }));
      return this.json(res, req, 200, { name: key.split('/')[1], package_types: [...pkg.types], files });
    }
    if (req.method === 'POST') {
      if (pkg) return this.json(res, req, 409, { error: 'Package already exists' }, { body });
      const attrs = body?.public_attrs as Record<string, unknown> | undefined;
      if (
        typeof body?.public !== 'boolean' ||
        body.publish !== false ||
        !attrs ||
        typeof attrs.summary !== 'string' ||
        !Array.isArray(attrs.package_types)
      ) {
        return this.json(
          res,
          req,
          400,
          {
            error: 'Bad package payload: public, publish and public_attrs.summary/package_types are required',
          },
          { body },
        );
      }
      this.packages.set(key, { types: new Set(attrs.package_types as string[]), attrs });
      return this.json(res, req, 201, { name: key.split('/')[1] }, { body });
    }
    if (req.method === 'DELETE') {
      this.packages.delete(key);
      return this.json(res, req, 201, {});
    }
    return this.json(res, req, 405, { error: 'Method not allowed' });
  }

  private releaseRoute(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    pkgKey: string,
    key: string,
    body?: Record<string, unknown>,
  ): void {
    const rel = this.releases.get(key);
    if (req.method === 'GET')
      return rel
        ? this.json(res, req, 200, { version: key.split('/')[2], distributions: rel.distributions })
        : this.json(res, req, 404, { error: 'Release not found' });
    if (req.method === 'POST') {
      if (!this.packages.has(pkgKey))
        return this.json(res, req, 404, { error: 'Package not found' }, { body });
      if (!body || !Array.isArray(body.requirements) || !('announce' in body))
        return this.json(res, req, 400, { error: 'Bad release payload' }, { body });
      this.releases.set(key, { distributions: [] });
      return this.json(res, req, 201, {}, { body });
    }
    if (req.method === 'DELETE') {
      this.releases.delete(key);
      return this.json(res, req, 201, {});
    }
    return this.json(res, req, 405, { error: 'Method not allowed' });
  }

  private stage(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    seg: string[],
    body: Record<string, unknown>,
  ): void {
    const pkgKey = `${seg[1]}/${seg[2]}`;
    const key = seg.slice(1).join('/');
    const pkg = this.packages.get(pkgKey);
    if (!pkg || !this.releases.has(seg.slice(1, 4).join('/')))
      return this.json(res, req, 404, { error: 'Create the package and release first' }, { body });
    const type = String(body.distribution_type);
    // validate_package_type: `file` never shares a package with conda/pypi (anaconda-client PR #443).
    const mixed = type === 'file' ? pkg.types.has('conda') || pkg.types.has('pypi') : pkg.types.has('file');
    if (mixed) {
      return this.json(
        res,
        req,
        400,
        { error: `Package ${pkgKey} holds ${[...pkg.types].join(', ')} files; cannot add a ${type} file` },
        { body },
      );
    }
    if (
      typeof body.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(body.sha256) ||
      !Array.isArray(body.channels) ||
      typeof body.attrs !== 'object'
    ) {
      return this.json(
        res,
        req,
        400,
        { error: 'Bad stage payload (sha256 hex, channels list, attrs object)' },
        { body },
      );
    }
    if (
      type === 'conda' &&
      (body.attrs as Record<string, unknown>).subdir !== seg.slice(4).join('/').split('/')[0]
    ) {
      return this.json(res, req, 400, { error: 'attrs.subdir disagrees with the basename' }, { body });
    }
    if (this.dists.has(key))
      return this.json(res, req, 409, { error: `Distribution ${key} already exists` }, { body });
    const distId = randomBytes(8).toString('hex');
    const formData = {
      key: `${key}/${distId}`,
      acl: 'private',
      'x-amz-algorithm': 'AWS4-HMAC-SHA256',
      policy: randomBytes(12).toString('base64'),
      'x-amz-signature': randomBytes(16).toString('hex'),
      success_action_status: '201',
    };
    this.staged.set(distId, { key, body, fields: Object.keys(formData) });
    return this.json(
      res,
      req,
      200,
      { post_url: `${this.url}/s3-upload`, form_data: formData, dist_id: distId },
      { body },
    );
  }

  private async s3(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const xml = (status: number, code: string, message: string) => {
      this.requests.push({
        method: 'POST',
        path: '/s3-upload',
        authorization: req.headers.authorization,
        status,
      });
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
      );
    };
    if ((this.options.dropS3 ?? 0) > 0) {
      this.options.dropS3! -= 1;
      this.requests.push({ method: 'POST', path: '/s3-upload', status: 0 });
      req.once('data', () => req.socket.destroy());
      return;
    }
    if (req.headers.authorization)
      return xml(
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; the API token must not be sent to storage',
      );
    const parts = await parseMultipart(req);
    const names = parts.map((p) => p.name);
    const keyField = parts.find((p) => p.name === 'key')?.value;
    const staged = [...this.staged.entries()].find(([id, s]) => keyField === `${s.key}/${id}`);
    if (!staged) return xml(403, 'AccessDenied', 'Unknown key or policy');
    const expected = [...staged[1].fields, 'Content-Length', 'Content-MD5', 'file'];
    if (names.join(',') !== expected.join(','))
      return xml(
        400,
        'InvalidArgument',
        `Fields must be ${expected.join(',')} in that order (got ${names.join(',')})`,
      );
    const file = parts[parts.length - 1]!;
    const fields = Object.fromEntries(parts.map((p) => [p.name, p.value]));
    if (String(file.size) !== fields['Content-Length'])
      return xml(400, 'IncompleteBody', 'Content-Length field does not match the file');
    if (file.md5 !== fields['Content-MD5'])
      return xml(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid');
    staged[1].uploaded = {
      sha256: file.sha256,
      md5: Buffer.from(file.md5, 'base64').toString('hex'),
      size: file.size,
      data: file.data,
    };
    xml(201, 'OK', 'created');
  }

  private commit(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    seg: string[],
    body: Record<string, unknown>,
  ): void {
    const staged = this.staged.get(String(body?.dist_id));
    const key = seg.slice(1).join('/');
    if (!staged || staged.key !== key)
      return this.json(res, req, 404, { error: 'Unknown dist_id' }, { body });
    if (!staged.uploaded)
      return this.json(res, req, 400, { error: 'The file was not uploaded to storage' }, { body });
    if (staged.uploaded.sha256 !== staged.body.sha256)
      return this.json(res, req, 400, { error: 'sha256 mismatch between stage and upload' }, { body });
    this.staged.delete(String(body.dist_id));
    const [owner, name, version] = seg.slice(1, 4) as [string, string, string];
    const basename = seg.slice(4).join('/');
    this.dists.set(key, {
      owner,
      name,
      version,
      basename,
      type: String(staged.body.distribution_type),
      labels: staged.body.channels as string[],
      attrs: staged.body.attrs as Record<string, unknown>,
      ...staged.uploaded,
    });
    this.releases.get(`${owner}/${name}/${version}`)?.distributions.push(key);
    if ((this.options.dropCommitAnswer ?? 0) > 0) {
      this.options.dropCommitAnswer! -= 1;
      this.requests.push({ method: 'POST', path: req.url!.split('?')[0]!, status: 0 });
      return void req.socket.destroy();
    }
    return this.json(res, req, 200, { url: `${this.url}/${owner}/${name}/${version}/${basename}` }, { body });
  }
}

/** sha256 hex of a buffer (test convenience). */
export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
