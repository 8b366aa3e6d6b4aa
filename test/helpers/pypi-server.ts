/**
 * A local package index on 127.0.0.1 that enforces the legacy upload protocol the way Warehouse
 * does (specs/pypi-upload.md §1-2): `:action`/`protocol_version`, required fields and their
 * values, every supplied digest recomputed and compared, Basic auth (403 for anything wrong),
 * 400 "File already exists" for different bytes and 200 for an identical re-upload. It stores
 * `gpg_signature` as `<file>.asc` like pypiserver, serves a PEP 503 simple index and a JSON API,
 * records every request's fields for conformance tests, and injects faults for retry tests.
 * Used by tests, the README demo and bench/.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createBlake2b256 } from '../../src/core/distributions/digests.js';
import { parseMultipart } from './multipart-parser.js';
import { listenLocal } from './local-server.js';

export type Fault =
  | { kind: 'status'; status: number; message?: string }
  | { kind: 'drop' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'redirect'; location: string };

export interface RecordedPart {
  name: string;
  value?: string;
  filename?: string;
  contentType?: string;
  size: number;
}

export interface RecordedUpload {
  parts: RecordedPart[];
  headers: http.IncomingHttpHeaders;
  status: number;
  message: string;
}

export interface IndexServerOptions {
  /** user -> password; default { __token__: 'pypi-test-token' }. */
  users?: Record<string, string>;
  /** 'warehouse' (400 for an existing file) or 'pypiserver' (409). */
  flavor?: 'warehouse' | 'pypiserver';
  /** Skip the blake2b check (default: checked). */
  checkBlake2?: boolean;
  dir?: string;
}

export interface IndexServer {
  url: string;
  /** The upload URL: `<url>legacy/`. */
  uploadUrl: string;
  dir: string;
  faults: Fault[];
  uploads: RecordedUpload[];
  close(): Promise<void>;
}

export const TEST_TOKEN = 'pypi-test-token';

interface Stored {
  filename: string;
  name: string;
  version: string;
  sha256: string;
  blake2: string;
  hasSig: boolean;
}

export async function startIndexServer(options: IndexServerOptions = {}): Promise<IndexServer> {
  const users = options.users ?? { __token__: TEST_TOKEN };
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'distseal-index-')));
  const ownsDir = options.dir === undefined;
  await mkdir(path.join(dir, 'packages'), { recursive: true });
  const files = new Map<string, Stored>();
  const state = { faults: [] as Fault[], uploads: [] as RecordedUpload[] };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) reply(res, 500, `Internal error: ${error.message}`);
    });
  });

  const reply = (res: http.ServerResponse, status: number, message: string, record?: RecordedUpload) => {
    if (record) Object.assign(record, { status, message });
    // Warehouse puts the message in the status line and repeats it in an HTML body.
    const reason = status === 200 ? 'OK' : message.replace(/[^\x20-\x7e]/g, '?');
    res.writeHead(status, reason, { 'content-type': 'text/html; charset=UTF-8', connection: 'close' });
    res.end(
      status === 200
        ? ''
        : `<html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1>${message}</body></html>`,
    );
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') return serveRead(url.pathname, res);
    if (req.method !== 'POST') return reply(res, 405, 'Method Not Allowed');
    const fault = state.faults.shift();
    if (fault?.kind === 'redirect') {
      req.resume();
      res.writeHead(308, { location: fault.location, connection: 'close' });
      res.end();
      return;
    }
    if (url.pathname === '/legacy') {
      req.resume();
      res.writeHead(308, { location: '/legacy/', connection: 'close' });
      res.end();
      return;
    }
    if (url.pathname !== '/legacy/') return reply(res, 404, 'Not Found');
    if (fault?.kind === 'drop') {
      // Read some of the body, then cut the connection mid-upload.
      let seen = 0;
      req.on('data', (d: Buffer) => {
        seen += d.length;
        if (seen > 1024) req.socket.destroy();
      });
      req.on('end', () => req.socket.destroy());
      return;
    }
    const record: RecordedUpload = { parts: [], headers: req.headers, status: 0, message: '' };
    state.uploads.push(record);
    const tmp = path.join(dir, `.upload-${process.pid}-${Math.random().toString(16).slice(2)}`);
    const values = new Map<string, string[]>();
    let content:
      | { filename?: string; contentType?: string; size: number; sha256: string; blake2: string; md5: string }
      | undefined;
    let signature: { filename?: string; data: Buffer } | undefined;
    try {
      await collect(
        req,
        record,
        tmp,
        values,
        (c) => (content = c),
        (s) => (signature = s),
      );
    } catch (error) {
      await rm(tmp, { force: true });
      return reply(res, 400, `Malformed request: ${(error as Error).message}`, record);
    }
    if (fault?.kind === 'status') {
      await rm(tmp, { force: true });
      return reply(res, fault.status, fault.message ?? 'Injected failure', record);
    }
    if (fault?.kind === 'slow') {
      // Answer late, or not at all once the client gave up (no timer outlives the connection).
      await new Promise<void>((r) => {
        const timer = setTimeout(r, fault.delayMs);
        res.on('close', () => {
          clearTimeout(timer);
          r();
        });
      });
      if (res.destroyed) return;
    }
    const verdict = await accept(req, values, content, signature, tmp);
    await rm(tmp, { force: true });
    reply(res, verdict.status, verdict.message, record);
  }

  async function collect(
    req: http.IncomingMessage,
    record: RecordedUpload,
    tmp: string,
    values: Map<string, string[]>,
    onContent: (c: {
      filename?: string;
      contentType?: string;
      size: number;
      sha256: string;
      blake2: string;
      md5: string;
    }) => void,
    onSig: (s: { filename?: string; data: Buffer }) => void,
  ): Promise<void> {
    let current:
      { name: string; filename?: string; contentType?: string; chunks: Buffer[]; size: number } | undefined;
    let out: ReturnType<typeof createWriteStream> | undefined;
    let hashes:
      | {
          sha: ReturnType<typeof createHash>;
          md5: ReturnType<typeof createHash>;
          blake?: Awaited<ReturnType<typeof createBlake2b256>>;
        }
      | undefined;
    const blake = options.checkBlake2 === false ? undefined : await createBlake2b256();
    const pending: Promise<void>[] = [];
    await parseMultipart(req, String(req.headers['content-type'] ?? ''), {
      start(h) {
        current = { name: h.name, filename: h.filename, contentType: h.contentType, chunks: [], size: 0 };
        if (h.name === 'content') {
          out = createWriteStream(tmp);
          hashes = { sha: createHash('sha256'), md5: createHash('md5'), blake };
        }
      },
      data(chunk) {
        current!.size += chunk.length;
        if (current!.name === 'content') {
          out!.write(chunk);
          hashes!.sha.update(chunk);
          hashes!.md5.update(chunk);
          hashes!.blake?.update(chunk);
        } else {
          current!.chunks.push(chunk);
        }
      },
      end() {
        const c = current!;
        const part: RecordedPart = {
          name: c.name,
          filename: c.filename,
          contentType: c.contentType,
          size: c.size,
        };
        if (c.name === 'content') {
          const o = out!;
          pending.push(new Promise<void>((r) => o.end(r)));
          onContent({
            filename: c.filename,
            contentType: c.contentType,
            size: c.size,
            sha256: hashes!.sha.digest('hex'),
            md5: hashes!.md5.digest('hex'),
            blake2: hashes!.blake ? hashes!.blake.hex() : '',
          });
        } else if (c.name === 'gpg_signature') {
          onSig({ filename: c.filename, data: Buffer.concat(c.chunks) });
        } else {
          part.value = Buffer.concat(c.chunks).toString('utf8');
          values.set(c.name, [...(values.get(c.name) ?? []), part.value]);
        }
        record.parts.push(part);
      },
    });
    await Promise.all(pending);
  }

  async function accept(
    req: http.IncomingMessage,
    values: Map<string, string[]>,
    content:
      | { filename?: string; contentType?: string; size: number; sha256: string; blake2: string; md5: string }
      | undefined,
    signature: { filename?: string; data: Buffer } | undefined,
    tmp: string,
  ): Promise<{ status: number; message: string }> {
    const auth = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
    const [user, ...pw] = auth ? Buffer.from(auth[1]!, 'base64').toString('utf8').split(':') : [];
    if (!auth || user === undefined || users[user] === undefined || users[user] !== pw.join(':')) {
      return {
        status: 403,
        message:
          'Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.',
      };
    }
    const one = (k: string) => values.get(k)?.[0] ?? '';
    if (one(':action') !== 'file_upload') return { status: 400, message: 'Missing or unknown :action.' };
    if (one('protocol_version') !== '1') return { status: 400, message: 'Unknown protocol version.' };
    for (const required of ['metadata_version', 'name', 'version', 'filetype']) {
      if (!one(required)) return { status: 400, message: `${required}: This field is required.` };
    }
    const name = one('name');
    if (!/^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name))
      return { status: 400, message: `'${name}' is an invalid value for Name.` };
    const filetype = one('filetype');
    if (filetype !== 'bdist_wheel' && filetype !== 'sdist')
      return { status: 400, message: `'${filetype}' is an invalid value for Filetype.` };
    const pyversion = one('pyversion');
    if (filetype === 'sdist' && pyversion && pyversion !== 'source')
      return { status: 400, message: "Use 'source' as Python version for an sdist." };
    if (filetype === 'bdist_wheel' && !pyversion)
      return { status: 400, message: 'Python version is required for binary distribution uploads.' };
    if (!content || !content.filename)
      return { status: 400, message: 'Upload payload does not have a file.' };
    if (!content.contentType || content.contentType.startsWith('image/'))
      return { status: 400, message: 'Invalid distribution file.' };
    const digests: Array<[string, string]> = [
      ['md5_digest', content.md5],
      ['sha256_digest', content.sha256],
      ['blake2_256_digest', content.blake2],
    ];
    const supplied = digests.filter(([k]) => one(k));
    if (supplied.length === 0) return { status: 400, message: 'Include at least one message digest.' };
    for (const [k, actual] of supplied) {
      if (!/^[0-9a-f]+$/i.test(one(k)))
        return { status: 400, message: `'${one(k)}' is an invalid value for ${k}.` };
      if (actual && one(k).toLowerCase() !== actual)
        return {
          status: 400,
          message: 'The digest supplied does not match a digest calculated from the uploaded file.',
        };
    }
    const norm = (s: string) => s.toLowerCase().replace(/[-_.]+/g, '-');
    const fnName = content.filename.split('-')[0]!;
    if (norm(fnName) !== norm(name) && !norm(content.filename).startsWith(`${norm(name)}-`)) {
      return { status: 400, message: `Start filename for '${name}' with '${name.replace(/-/g, '_')}'.` };
    }
    const existing = files.get(content.filename);
    if (existing) {
      if (existing.sha256 === content.sha256) return { status: 200, message: '' };
      if (options.flavor === 'pypiserver')
        return {
          status: 409,
          message: `Package '${content.filename}' already exists! You may start server with \`--overwrite\` option.`,
        };
      return {
        status: 400,
        message: `File already exists ('${content.filename}', with blake2_256 hash '${content.blake2}'). See https://pypi.org/help/#file-name-reuse for more information.`,
      };
    }
    if (signature) {
      if (signature.filename !== `${content.filename}.asc`)
        return { status: 400, message: 'Unrelated signature' };
      if (
        signature.data.length > 8192 ||
        !signature.data.toString('latin1').startsWith('-----BEGIN PGP SIGNATURE-----')
      ) {
        return { status: 400, message: 'Invalid signature.' };
      }
    }
    const target = path.join(dir, 'packages', path.basename(content.filename));
    await rename(tmp, target);
    if (signature) await (await import('node:fs/promises')).writeFile(`${target}.asc`, signature.data);
    files.set(content.filename, {
      filename: content.filename,
      name,
      version: one('version'),
      sha256: content.sha256,
      blake2: content.blake2,
      hasSig: Boolean(signature),
    });
    return { status: 200, message: '' };
  }

  async function serveRead(pathname: string, res: http.ServerResponse): Promise<void> {
    const norm = (s: string) => s.toLowerCase().replace(/[-_.]+/g, '-');
    if (pathname === '/simple/') {
      const names = [...new Set([...files.values()].map((f) => norm(f.name)))].sort();
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<!DOCTYPE html><html><body>\n${names.map((n) => `<a href="/simple/${n}/">${n}</a>`).join('<br/>\n')}\n</body></html>\n`,
      );
      return;
    }
    const simple = /^\/simple\/([^/]+)\/$/.exec(pathname);
    if (simple) {
      const mine = [...files.values()].filter((f) => norm(f.name) === norm(simple[1]!));
      if (mine.length === 0) return reply(res, 404, 'Not Found');
      res.writeHead(200, { 'content-type': 'text/html' });
      const links = mine.map(
        (f) =>
          `<a href="/packages/${f.filename}#sha256=${f.sha256}"${f.hasSig ? ' data-gpg-sig="true"' : ''}>${f.filename}</a>`,
      );
      res.end(`<!DOCTYPE html><html><body>\n${links.join('<br/>\n')}\n</body></html>\n`);
      return;
    }
    const json = /^\/pypi\/([^/]+)\/([^/]+)\/json$/.exec(pathname);
    if (json) {
      const mine = [...files.values()].filter(
        (f) => norm(f.name) === norm(json[1]!) && f.version === decodeURIComponent(json[2]!),
      );
      if (mine.length === 0) return reply(res, 404, 'Not Found');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ urls: mine.map((f) => ({ filename: f.filename, digests: { sha256: f.sha256 } })) }),
      );
      return;
    }
    const pkg = /^\/packages\/([^/]+)$/.exec(pathname);
    if (pkg) {
      const file = path.join(dir, 'packages', path.basename(pkg[1]!));
      try {
        await stat(file);
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(await readFile(file));
      } catch {
        reply(res, 404, 'Not Found');
      }
      return;
    }
    reply(res, 404, 'Not Found');
  }

  const listening = await listenLocal(server);
  const url = `${listening.origin}/`;
  return {
    url,
    uploadUrl: `${url}legacy/`,
    dir,
    faults: state.faults,
    uploads: state.uploads,
    async close() {
      await listening.close();
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
