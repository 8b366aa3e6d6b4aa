import http from 'node:http';
import { Readable } from 'node:stream';
import test from 'ava';
import { HttpError } from '../../src/core/errors.js';
import { httpRequest, maskUrl, requestWithRetry } from '../../src/core/net/http.js';
import { listenLocal } from '../helpers/local-server.js';

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  const { origin, close } = await listenLocal(server);
  return { url: `${origin}/`, close };
}

const noSleep = { sleep: async () => undefined };

test('a redirect is returned, never followed', async (t) => {
  const s = await serve((_req, res) => {
    res.writeHead(308, { location: '/legacy/' });
    res.end('moved');
  });
  try {
    const r = await httpRequest({ method: 'POST', url: `${s.url}legacy`, body: () => 'x' });
    t.is(r.status, 308);
    t.is(r.headers.location, '/legacy/');
  } finally {
    await s.close();
  }
});

test('5xx is retried with a fresh body each time, and logged as retry n of N', async (t) => {
  const bodies: string[] = [];
  let calls = 0;
  const s = await serve((req, res) => {
    let data = '';
    req.on('data', (d) => (data += d));
    req.on('end', () => {
      bodies.push(data);
      calls += 1;
      res.writeHead(calls < 3 ? 503 : 200, calls < 3 ? 'Busy' : 'OK');
      res.end();
    });
  });
  const warnings: string[] = [];
  let factory = 0;
  try {
    const r = await requestWithRetry(
      {
        method: 'POST',
        url: s.url,
        headers: { 'content-length': '5' },
        body: () => {
          factory += 1;
          return Readable.from([Buffer.from('hello')]);
        },
      },
      {
        ...noSleep,
        retries: 4,
        logger: { info: () => undefined, debug: () => undefined, warn: (m) => warnings.push(m) },
      },
    );
    t.is(r.status, 200);
    t.is(factory, 3);
    t.deepEqual(bodies, ['hello', 'hello', 'hello']);
    t.regex(warnings[0]!, /503 Busy.*retry 1 of 4/);
    t.regex(warnings[1]!, /retry 2 of 4/);
  } finally {
    await s.close();
  }
});

test('retries are bounded: the last 5xx is returned', async (t) => {
  let calls = 0;
  const s = await serve((_req, res) => {
    calls += 1;
    res.writeHead(502);
    res.end('bad gateway');
  });
  try {
    const r = await requestWithRetry({ method: 'GET', url: s.url }, { ...noSleep, retries: 2 });
    t.is(r.status, 502);
    t.is(r.body, 'bad gateway');
    t.is(calls, 3);
  } finally {
    await s.close();
  }
});

test('a dropped connection is retried; a refused one is not', async (t) => {
  let calls = 0;
  const s = await serve((req, res) => {
    calls += 1;
    if (calls === 1) {
      req.socket.destroy();
      return;
    }
    res.end('ok');
  });
  try {
    const r = await requestWithRetry({ method: 'GET', url: s.url }, noSleep);
    t.is(r.status, 200);
    t.is(calls, 2);
  } finally {
    await s.close();
  }
  const err = await t.throwsAsync(requestWithRetry({ method: 'GET', url: s.url }, noSleep));
  t.true(err instanceof HttpError);
  t.regex(err!.message, /connection refused/);
});

test('timeouts are reported and retried', async (t) => {
  let calls = 0;
  const s = await serve((_req, res) => {
    calls += 1;
    if (calls === 1) return;
    res.end('late but fine');
  });
  try {
    const r = await requestWithRetry({ method: 'GET', url: s.url, timeoutMs: 2000 }, noSleep);
    t.is(r.body, 'late but fine');
    t.is(calls, 2);
  } finally {
    await s.close();
  }
});

test('the response body is capped', async (t) => {
  const s = await serve((_req, res) => {
    res.end(Buffer.alloc(200_000, 0x61));
  });
  try {
    const r = await httpRequest({ method: 'GET', url: s.url });
    t.is(r.body.length, 64 * 1024);
  } finally {
    await s.close();
  }
});

test('credentials in the URL become Basic auth and are masked in errors', async (t) => {
  let auth = '';
  const s = await serve((req, res) => {
    auth = req.headers.authorization ?? '';
    res.end();
  });
  try {
    await httpRequest({ method: 'GET', url: s.url.replace('http://', 'http://alice:s3cret@') });
    t.is(auth, `Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
  } finally {
    await s.close();
  }
  t.is(maskUrl('https://alice:s3cret@example.org/x'), 'https://alice:********@example.org/x');
  t.is(maskUrl('https://example.org/x'), 'https://example.org/x');
  const err = await t.throwsAsync(
    httpRequest({ method: 'GET', url: s.url.replace('http://', 'http://alice:s3cret@') }),
  );
  t.false(err!.message.includes('s3cret'));
});
