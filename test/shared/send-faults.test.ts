/**
 * sendRequest over the node:http transport and the timer sleep, against the misbehaving local server
 * (issue 2 "Show", issue 5 parts 1 and 5). Every outcome states its error code, its attempts and a
 * generous time bound (the configured time plus one second); lower bounds prove the waits happen.
 */
import * as https from 'node:https';
import * as net from 'node:net';
import { buildRequest, sendRequest, SendApiRequestError, type PreparedRequest, type SendOptions } from '../../shared';
import { createHttpTransport, type HttpTransport } from '../../shared/transports/node-http';
import { timerSleep } from '../../shared/transports/timer-sleep';
import { startMisbehavingServer, type MisbehavingServer } from '../support/misbehaving-server';
import { watchProcessHealth, type ProcessHealth } from '../support/health';

const SECRETS = { token: 'tok-SECRET-4242', other: 'other-secret-value' };

let plain: MisbehavingServer;
let otherOrigin: MisbehavingServer;
let secure: MisbehavingServer;
let transport: HttpTransport;
let health: ProcessHealth;

beforeAll(async () => {
  health = watchProcessHealth();
  [plain, otherOrigin, secure] = await Promise.all([startMisbehavingServer(), startMisbehavingServer(), startMisbehavingServer({ tls: true })]);
  transport = createHttpTransport();
});

afterAll(async () => {
  transport.destroy();
  await Promise.all([plain.close(), otherOrigin.close(), secure.close()]);
  await health.settled();
  expect(health.unhandledRejections).toEqual([]);
  expect(health.leftOpen()).toEqual([]);
});

function get(url: string, headers: Array<{ key: string; value: string }> = [], method = 'GET'): PreparedRequest {
  return buildRequest({ url, method, headers }, { values: {}, secrets: SECRETS });
}

function send(prepared: PreparedRequest, options: Partial<SendOptions> = {}) {
  return sendRequest(prepared, { transport, sleep: timerSleep, secrets: Object.values(SECRETS), ...options });
}

/** Runs `fn`, expects a SendApiRequestError, and returns it with the time it took. */
async function failure(fn: () => Promise<unknown>): Promise<{ error: SendApiRequestError; ms: number }> {
  const start = Date.now();
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SendApiRequestError);
    return { error: error as SendApiRequestError, ms: Date.now() - start };
  }
  throw new Error('expected the request to fail, but it succeeded');
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - start };
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]);
}

describe('retries', () => {
  test('429 with Retry-After in seconds: waits at least that long, 3 attempts, then succeeds', async () => {
    const { value, ms } = await timed(() => send(get(plain.url('/retry-after?times=2&seconds=1&key=ra-s')), { retries: 2 }));
    expect(value.statusCode).toBe(200);
    expect(value.body).toEqual({ attempt: 3 });
    const seen = plain.requestsTo('/retry-after', 'ra-s');
    expect(seen).toHaveLength(3);
    for (const gap of gaps(seen.map((r) => r.arrivedAt))) expect(gap).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(2 * 1000 + 3000);
  });

  test('429 with Retry-After as an HTTP date: waits until about that date', async () => {
    const { value } = await timed(() => send(get(plain.url('/retry-after?times=1&seconds=2&date=1&key=ra-d')), { retries: 1 }));
    expect(value.statusCode).toBe(200);
    const seen = plain.requestsTo('/retry-after', 'ra-d');
    expect(seen).toHaveLength(2);
    // The date has whole seconds: 2 s ahead, truncated, is at least 1 s ahead.
    const [gap] = gaps(seen.map((r) => r.arrivedAt));
    expect(gap).toBeGreaterThanOrEqual(900);
    expect(gap).toBeLessThan(2000 + 1500);
  });

  test('Retry-After is capped by retryMaxDelay (60 s asked, 300 ms allowed)', async () => {
    const { value, ms } = await timed(() => send(get(plain.url('/retry-after?times=1&seconds=60&key=ra-cap')), { retries: 1, retryMaxDelay: 300 }));
    expect(value.statusCode).toBe(200);
    const [gap] = gaps(plain.requestsTo('/retry-after', 'ra-cap').map((r) => r.arrivedAt));
    expect(gap).toBeGreaterThanOrEqual(280);
    expect(ms).toBeLessThan(300 + 1000);
  });

  test('a Retry-After beyond the timer range is handed to the host\'s sleep as at most 2^31 - 1 ms', async () => {
    const asked: number[] = [];
    const res = await send(get(plain.url('/retry-after?times=1&seconds=10000000&key=ra-huge')), {
      retries: 1,
      retryMaxDelay: 1e10,
      sleep: async (ms) => void asked.push(ms),
    });
    expect(res.statusCode).toBe(200);
    expect(asked).toEqual([2147483647]);
  });

  test('429 on every attempt: HTTP_STATUS 429 after retries + 1 = 2 attempts', async () => {
    const { error } = await failure(() => send(get(plain.url('/retry-after?times=9&seconds=0&key=ra-x')), { retries: 1 }));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.statusCode).toBe(429);
    expect(error.attempts).toBe(2);
    expect(plain.requestsTo('/retry-after', 'ra-x')).toHaveLength(2);
  });

  test('503 storm: exponential backoff with jitter, success on attempt 3', async () => {
    const progress: string[] = [];
    const { value, ms } = await timed(() => send(get(plain.url('/storm?failures=2&key=storm-ok')), {
      retries: 2,
      onProgress: (p) => progress.push(p.type),
    }));
    expect(value.body).toEqual({ attempt: 3 });
    const [first, second] = gaps(plain.requestsTo('/storm', 'storm-ok').map((r) => r.arrivedAt));
    // Backoff: first wait in [250, 500] ms, second in [500, 1000] ms.
    expect(first).toBeGreaterThanOrEqual(240);
    expect(second).toBeGreaterThanOrEqual(490);
    expect(ms).toBeLessThan(1500 + 2000);
    expect(progress).toEqual(['attempt', 'retry', 'attempt', 'retry', 'attempt']);
  });

  test('503 storm longer than the retries: HTTP_STATUS 503 after 4 attempts', async () => {
    const { error, ms } = await failure(() => send(get(plain.url('/storm?failures=99&key=storm-x')), { retries: 3, retryMaxDelay: 100 }));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.statusCode).toBe(503);
    expect(error.attempts).toBe(4);
    expect(error.message).toContain('after 4 attempts');
    expect(plain.requestsTo('/storm', 'storm-x')).toHaveLength(4);
    expect(ms).toBeLessThan(3 * 100 + 2000);
  });

  test('POST and PATCH are not retried unless retryNonIdempotent', async () => {
    for (const method of ['POST', 'PATCH']) {
      const key = `post-${method}`;
      const { error } = await failure(() => send(get(plain.url(`/storm?failures=1&key=${key}`), [], method), { retries: 2, retryMaxDelay: 50 }));
      expect(error.statusCode).toBe(503);
      expect(error.attempts).toBe(1);
      expect(plain.requestsTo('/storm', key)).toHaveLength(1);
    }
    const ok = await send(get(plain.url('/storm?failures=1&key=post-yes'), [], 'POST'), { retries: 2, retryMaxDelay: 50, retryNonIdempotent: true });
    expect(ok.body).toEqual({ attempt: 2 });
  });

  test('PUT and DELETE are idempotent and retried', async () => {
    const res = await send(get(plain.url('/storm?failures=1&key=put'), [], 'PUT'), { retries: 1, retryMaxDelay: 50 });
    expect(res.body).toEqual({ attempt: 2 });
  });

  test('4xx other than 408/413/429 is not retried: HTTP_STATUS 404 after 1 attempt', async () => {
    const { error } = await failure(() => send(get(plain.url('/status?code=404&key=nf')), { retries: 3 }));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.statusCode).toBe(404);
    expect(error.attempts).toBe(1);
  });

  test('neverError passes a 500 on as a response', async () => {
    const res = await send(get(plain.url('/status?code=500&body=boom')), { retries: 0, neverError: true });
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe('boom');
  });
});

describe('timeouts and slow servers', () => {
  test('a server that never answers: TIMEOUT within timeout + 1 s, 1 attempt, server sees the client leave', async () => {
    const { error, ms } = await failure(() => send(get(plain.url('/never?key=t1')), { timeout: 500, retries: 0 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.field).toBe('options.timeout');
    expect(error.attempts).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(500 + 1000);
    const [rec] = plain.requestsTo('/never', 't1');
    await rec.done;
    expect(rec.clientLeft).toBe(true);
  });

  test('timeouts are retried for GET: TIMEOUT after 2 attempts within 2 × 400 + 500 + 1000 ms', async () => {
    const { error, ms } = await failure(() => send(get(plain.url('/never?key=t2')), { timeout: 400, retries: 1 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.attempts).toBe(2);
    expect(plain.requestsTo('/never', 't2')).toHaveLength(2);
    expect(ms).toBeLessThan(2 * 400 + 500 + 1000);
  });

  test('byte-by-byte answer slower than the timeout: TIMEOUT for the whole exchange, not per byte', async () => {
    // 30 bytes 100 ms apart take 3 s; every byte arrives well inside the 800 ms timeout.
    const { error, ms } = await failure(() => send(get(plain.url('/slow?bytes=30&interval=100')), { timeout: 800, retries: 0 }));
    expect(error.code).toBe('TIMEOUT');
    expect(ms).toBeLessThan(800 + 1000);
  });

  test('byte-by-byte answer inside the timeout arrives whole', async () => {
    const res = await send(get(plain.url('/slow?bytes=5&interval=30')), { timeout: 5000 });
    expect(res.body).toBe('zzzzz');
  });
});

describe('broken connections', () => {
  test('connection dropped mid-body: NETWORK after 3 attempts (retries 2)', async () => {
    const { error, ms } = await failure(() => send(get(plain.url('/drop-mid-body')), { retries: 2, retryMaxDelay: 100 }));
    expect(error.code).toBe('NETWORK');
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('broke off before its end');
    expect(plain.requestsTo('/drop-mid-body')).toHaveLength(3);
    expect(ms).toBeLessThan(2 * 100 + 2000);
  });

  test('content-length larger than the body, then the socket ends: NETWORK after 1 attempt (retries 0)', async () => {
    const { error } = await failure(() => send(get(plain.url('/wrong-length?declared=100&actual=10')), { retries: 0 }));
    expect(error.code).toBe('NETWORK');
    expect(error.attempts).toBe(1);
    expect(error.message).toContain('broke off before its end');
  });

  test('content-length smaller than the body: never more than the 5 declared bytes, within 1 s', async () => {
    // Two safe outcomes, both seen in Node's HTTP stack: the declared bytes (as curl does), or NETWORK
    // (malformed response) when the parser sees the surplus first. Never the surplus in the body.
    const start = Date.now();
    const outcome = await send(get(plain.url('/wrong-length?declared=5&actual=20')), { retries: 1, retryMaxDelay: 50 }).catch((e) => e);
    expect(Date.now() - start).toBeLessThan(1000);
    if (outcome instanceof SendApiRequestError) {
      expect(outcome.code).toBe('NETWORK');
      expect(outcome.attempts).toBe(2);
      expect(outcome.message).toContain('malformed HTTP response');
    } else {
      expect(outcome.body).toBe('wwwww');
    }
  });

  test('a body that says gzip but is not: NETWORK (corrupt compressed body) after 2 attempts (retries 1)', async () => {
    const { error } = await failure(() => send(get(plain.url('/bad-gzip')), { retries: 1, retryMaxDelay: 50 }));
    expect(error.code).toBe('NETWORK');
    expect(error.attempts).toBe(2);
    expect(error.message).toContain('the compressed body is corrupt (Z_DATA_ERROR)');
  });

  test('refused connection: NETWORK naming ECONNREFUSED after 3 attempts', async () => {
    const port = await freePort();
    const { error, ms } = await failure(() => send(get(`http://127.0.0.1:${port}/x`), { retries: 2, retryMaxDelay: 100 }));
    expect(error.code).toBe('NETWORK');
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.field).toBe('url');
    expect(ms).toBeLessThan(2 * 100 + 2000);
  });
});

describe('redirects', () => {
  test('redirect loop: TOO_MANY_REDIRECTS after maxRedirects + 1 = 6 requests', async () => {
    plain.reset();
    const { error } = await failure(() => send(get(plain.url('/redirect-loop')), { maxRedirects: 5, retries: 2 }));
    expect(error.code).toBe('TOO_MANY_REDIRECTS');
    expect(error.field).toBe('options.maxRedirects');
    expect(plain.requestsTo('/redirect-loop')).toHaveLength(6);
  });

  test('followRedirects false hands the 302 back as the response', async () => {
    const res = await send(get(plain.url('/redirect-loop')), { followRedirects: false });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/redirect-loop');
  });

  const credentialHeaders = [
    { key: 'Authorization', value: 'Bearer #secrets.token' },
    { key: 'Cookie', value: 'session=abc' },
    { key: 'X-Signed', value: 'sig #secrets.other' },
    { key: 'Proxy-Authorization', value: 'Basic eA==' },
    { key: 'X-Plain', value: 'kept' },
  ];

  test('same-origin redirect keeps Authorization, Cookie and secret-bearing headers', async () => {
    otherOrigin.reset();
    const res = await send(get(plain.url(`/redirect?to=${encodeURIComponent('/echo?same=1')}`), credentialHeaders));
    expect(res.url).toBe(plain.url('/echo?same=1'));
    const [rec] = plain.requests.filter((r) => r.url === '/echo?same=1');
    expect(rec.headers.authorization).toBe(`Bearer ${SECRETS.token}`);
    expect(rec.headers.cookie).toBe('session=abc');
    expect(rec.headers['x-signed']).toBe(`sig ${SECRETS.other}`);
    expect(rec.headers['x-plain']).toBe('kept');
  });

  test('cross-origin redirect (another port) drops every credential and secret-bearing header', async () => {
    otherOrigin.reset();
    const res = await send(get(plain.url(`/redirect?status=307&to=${encodeURIComponent(otherOrigin.url('/echo'))}`), credentialHeaders));
    expect(res.statusCode).toBe(200);
    const [rec] = otherOrigin.requestsTo('/echo');
    expect(rec.headers.authorization).toBeUndefined();
    expect(rec.headers.cookie).toBeUndefined();
    expect(rec.headers['x-signed']).toBeUndefined();
    expect(rec.headers['proxy-authorization']).toBeUndefined();
    expect(rec.headers['x-plain']).toBe('kept');
    expect(JSON.stringify(rec.headers)).not.toContain(SECRETS.token);
  });

  test('a protocol-relative redirect (//host:port/…) to another origin drops credentials too', async () => {
    otherOrigin.reset();
    const to = encodeURIComponent(`//127.0.0.1:${otherOrigin.port}/echo?rel`);
    await send(get(plain.url(`/redirect?to=${to}`), credentialHeaders));
    const [rec] = otherOrigin.requestsTo('/echo');
    expect(rec.headers.authorization).toBeUndefined();
    expect(rec.headers['x-signed']).toBeUndefined();
  });

  test('a redirect to a refused port: NETWORK naming the URL that failed, after 2 attempts (retries 1)', async () => {
    const port = await freePort();
    const target = `http://127.0.0.1:${port}/gone`;
    const { error } = await failure(() => send(get(plain.url(`/redirect?to=${encodeURIComponent(target)}`)), { retries: 1, retryMaxDelay: 50 }));
    expect(error.code).toBe('NETWORK');
    expect(error.attempts).toBe(2);
    expect(error.message).toContain(target);
    expect(error.request?.url).toBe(target);
  });

  test('a redirect to a non-http(s) URL is INVALID_RESPONSE, 1 request, nothing followed', async () => {
    plain.reset();
    const { error } = await failure(() => send(get(plain.url(`/redirect?to=${encodeURIComponent('file:///etc/passwd')}`), credentialHeaders), { retries: 2 }));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(plain.requests).toHaveLength(1);
  });

  test('https → http redirect drops every credential and secret-bearing header', async () => {
    plain.reset();
    await send(get(secure.url(`/redirect?to=${encodeURIComponent(plain.url('/echo?from=https'))}`), credentialHeaders), { ignoreTlsErrors: true });
    const [rec] = plain.requestsTo('/echo');
    expect(rec.headers.authorization).toBeUndefined();
    expect(rec.headers.cookie).toBeUndefined();
    expect(rec.headers['x-signed']).toBeUndefined();
    expect(rec.headers['x-plain']).toBe('kept');
  });

  test('a credential dropped on one hop stays dropped when a later hop returns to the first origin', async () => {
    plain.reset();
    const back = otherOrigin.url(`/redirect?to=${encodeURIComponent(plain.url('/echo?back=1'))}`);
    await send(get(plain.url(`/redirect?to=${encodeURIComponent(back)}`), credentialHeaders));
    const [rec] = plain.requests.filter((r) => r.url === '/echo?back=1');
    expect(rec.headers.authorization).toBeUndefined();
    expect(rec.headers['x-signed']).toBeUndefined();
  });

  test('303 after POST becomes GET without the body', async () => {
    plain.reset();
    const prepared = buildRequest({ url: plain.url(`/redirect?status=303&to=${encodeURIComponent('/echo')}`), method: 'POST', body: { mode: 'raw', raw: '{"a":1}' } }, { values: {} });
    const res = await send(prepared);
    expect(res.body).toMatchObject({ method: 'GET', body: '' });
  });
});

describe('response size', () => {
  test('a body over maxResponseBytes: RESPONSE_TOO_LARGE, 1 attempt', async () => {
    const { error } = await failure(() => send(get(plain.url('/big?bytes=2000')), { maxResponseBytes: 1000, retries: 2 }));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
    expect(error.field).toBe('options.maxResponseBytes');
    expect(error.attempts).toBe(1);
  });

  test('a body of exactly maxResponseBytes passes', async () => {
    const res = await send(get(plain.url('/big?bytes=1000')), { maxResponseBytes: 1000 });
    expect(res.body).toBe('a'.repeat(1000));
  });

  test('gzip bomb (50 MiB of zeros, ~50 kB on the wire): RESPONSE_TOO_LARGE at a 1 MiB limit, within 5 s', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const { error, ms } = await failure(() => send(get(plain.url('/gzip-bomb?mb=50')), { maxResponseBytes: 1024 * 1024, retries: 0 }));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
    expect(ms).toBeLessThan(5000);
    // The decompressed body was never held whole.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(40 * 1024 * 1024);
  });
});

describe('abort', () => {
  test('aborting a request in flight: ABORTED within 1 s, the server sees the socket closed', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const { error, ms } = await failure(() => send(get(plain.url('/never?key=abort')), { signal: controller.signal, retries: 2 }));
    expect(error.code).toBe('ABORTED');
    expect(ms).toBeLessThan(200 + 1000);
    const [rec] = plain.requestsTo('/never', 'abort');
    await rec.done;
    expect(rec.clientLeft).toBe(true);
    expect(plain.requestsTo('/never', 'abort')).toHaveLength(1);
  });

  test('aborting during a Retry-After wait of 10 s: ABORTED within 1 s of the abort', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const { error, ms } = await failure(() => send(get(plain.url('/retry-after?times=5&seconds=10&key=abort-wait')), { signal: controller.signal, retries: 3 }));
    expect(error.code).toBe('ABORTED');
    expect(ms).toBeLessThan(300 + 1000);
    expect(plain.requestsTo('/retry-after', 'abort-wait')).toHaveLength(1);
  });

  test('an already aborted signal sends nothing', async () => {
    plain.reset();
    const { error } = await failure(() => send(get(plain.url('/echo?pre')), { signal: AbortSignal.abort() }));
    expect(error.code).toBe('ABORTED');
    expect(plain.requests).toHaveLength(0);
  });
});

describe('response parsing', () => {
  test('JSON, text, binary and empty bodies by content type', async () => {
    expect((await send(get(plain.url('/json')))).body).toEqual({ ok: true, items: [1, 2, 3] });
    expect((await send(get(plain.url(`/json?type=${encodeURIComponent('application/vnd.api+json')}`)))).body).toEqual({ ok: true, items: [1, 2, 3] });
    expect((await send(get(plain.url('/text')))).body).toBe('hello text');
    const bin = (await send(get(plain.url('/binary')))).body;
    expect(Buffer.isBuffer(bin)).toBe(true);
    expect([...(bin as Buffer)]).toEqual([0, 1, 2, 253, 254, 255]);
    const empty = await send(get(plain.url('/empty')));
    expect(empty.statusCode).toBe(204);
    expect(empty.body).toBe('');
  });

  test('responseFormat forces json, text or binary', async () => {
    expect((await send(get(plain.url('/json')), { responseFormat: 'text' })).body).toBe('{"ok":true,"items":[1,2,3]}');
    expect((await send(get(plain.url(`/text?body=${encodeURIComponent('{"a":1}')}`)), { responseFormat: 'json' })).body).toEqual({ a: 1 });
    const bin = (await send(get(plain.url('/json')), { responseFormat: 'binary' })).body;
    expect(Buffer.isBuffer(bin) && bin.toString()).toBe('{"ok":true,"items":[1,2,3]}');
  });

  test('invalid JSON under a JSON content type: INVALID_RESPONSE, 1 attempt; as text it passes', async () => {
    const { error } = await failure(() => send(get(plain.url('/invalid-json')), { retries: 2 }));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.message).toContain('{"id": 1, "name":');
    expect(plain.requestsTo('/invalid-json').length).toBeGreaterThanOrEqual(1);
    expect((await send(get(plain.url('/invalid-json')), { responseFormat: 'text' })).body).toBe('{"id": 1, "name": ');
  });

  test('the echo route shows what was sent: method, query, headers and body', async () => {
    const prepared = buildRequest(
      { url: `${plain.url('/echo')}?q=#q`, method: 'PUT', headers: [{ key: 'X-Id', value: '#id' }], body: { mode: 'fields', fields: [{ key: 'n', value: '#n' }] } },
      { values: { q: 'a b&c', id: 7, n: 42 } },
    );
    const res = await send(prepared);
    expect(res.body).toMatchObject({ method: 'PUT', url: '/echo?q=a%20b%26c', body: '{"n":42}' });
    expect((res.body as { headers: Record<string, string> }).headers).toMatchObject({ 'x-id': '7', 'content-type': 'application/json' });
  });
});

describe('TLS', () => {
  test('a self-signed certificate: TLS error, 1 attempt, nothing reaches the handler', async () => {
    secure.reset();
    const { error } = await failure(() => send(get(secure.url('/echo')), { retries: 2 }));
    expect(error.code).toBe('TLS');
    expect(error.attempts).toBe(1);
    expect(secure.requests).toHaveLength(0);
  });

  test('ignoreTlsErrors accepts it for that request only; a concurrent and a later request still verify', async () => {
    secure.reset();
    const [insecure, verified] = await Promise.allSettled([
      send(get(secure.url('/echo?insecure')), { ignoreTlsErrors: true }),
      send(get(secure.url('/echo?verified')), { ignoreTlsErrors: false }),
    ]);
    expect(insecure.status).toBe('fulfilled');
    expect(verified.status).toBe('rejected');
    expect((verified as PromiseRejectedResult).reason.code).toBe('TLS');
    const { error } = await failure(() => send(get(secure.url('/echo?later'))));
    expect(error.code).toBe('TLS');
    expect(secure.requests.map((r) => r.url)).toEqual(['/echo?insecure']);
    // Nothing process-wide was switched off: Node's own https client still refuses the certificate.
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
    await expect(new Promise((resolve, reject) => {
      const req = https.get(secure.url('/echo?node'), { agent: false }, resolve);
      req.on('error', reject);
    })).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  test('with the certificate as a trusted CA, the same server verifies', async () => {
    const trusting = createHttpTransport({ tls: { ca: secure.cert } });
    try {
      const res = await sendRequest(get(secure.url('/echo?ca')), { transport: trusting, sleep: timerSleep });
      expect(res.statusCode).toBe(200);
    } finally {
      trusting.destroy();
    }
  });
});

describe('no secret in errors', () => {
  const secretValues = Object.values(SECRETS);
  function expectNoSecret(error: SendApiRequestError): void {
    const shown = [error.message, error.hint ?? '', error.responseExcerpt ?? '', JSON.stringify(error), JSON.stringify(error.request ?? {}), String(error.stack)].join('\n');
    for (const s of secretValues) {
      expect(shown).not.toContain(s);
      expect(shown).not.toContain(encodeURIComponent(s));
    }
  }
  function secretRequest(path: string, method = 'POST'): PreparedRequest {
    const sep = path.includes('?') ? '&' : '?';
    return buildRequest({
      url: `${path}${sep}token=#secrets.token`,
      method,
      headers: [{ key: 'Authorization', value: 'Bearer #secrets.token' }, { key: 'X-Other', value: '#secrets.other' }],
      body: { mode: 'raw', raw: '{"password": "#secrets.other"}' },
    }, { values: {}, secrets: SECRETS });
  }

  test('HTTP_STATUS whose server echoes the secret in its error body', async () => {
    const { error } = await failure(() => send(secretRequest(plain.url(`/status?code=401&body=${encodeURIComponent(`bad token ${SECRETS.token}`)}`))));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.statusCode).toBe(401);
    expect(error.request?.headers.Authorization).toBe('***');
    expect(error.request?.headers['X-Other']).toBe('***');
    expect(error.request?.url).toContain('token=***');
    expectNoSecret(error);
  });

  test('a reason phrase that echoes the secret is masked in the error and its JSON', async () => {
    plain.route('/reason', (_req, res) => {
      res.writeHead(403, `Forbidden for ${SECRETS.token}`);
      res.end();
    });
    const { error } = await failure(() => send(secretRequest(plain.url('/reason'))));
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.statusMessage).toBe('Forbidden for ***');
    expectNoSecret(error);
  });

  test('BLOCKED_HOST for a host that a secret filled in names the host masked', async () => {
    const { compileNode, createPlainResolver, executeRequest } = await import('../../shared');
    const secrets = { host: 'internal-secret-host.test' };
    const node = compileNode({ url: 'https://#secrets.host/x', method: 'GET' }, { allowedHosts: 'api.example.com' });
    const error = await executeRequest(node, createPlainResolver({ values: {}, secrets }), secrets, { transport, sleep: timerSleep }).catch((e) => e);
    expect(error).toMatchObject({ code: 'BLOCKED_HOST', field: 'options.allowedHosts' });
    expect(error.message).toContain('***');
    expect(JSON.stringify(error) + error.message).not.toContain(secrets.host);
  });

  test('TIMEOUT, NETWORK, TLS, TOO_MANY_REDIRECTS, RESPONSE_TOO_LARGE and retry exhaustion', async () => {
    const port = await freePort();
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['TIMEOUT', () => send(secretRequest(plain.url('/never')), { timeout: 300 })],
      ['NETWORK', () => send(secretRequest(`http://127.0.0.1:${port}/#secrets.token/x`, 'GET'), { retries: 0 })],
      ['TLS', () => send(secretRequest(secure.url('/echo')))],
      ['TOO_MANY_REDIRECTS', () => send(secretRequest(plain.url('/redirect-loop'), 'GET'), { maxRedirects: 2 })],
      ['RESPONSE_TOO_LARGE', () => send(secretRequest(plain.url('/big?bytes=5000')), { maxResponseBytes: 10 })],
      ['HTTP_STATUS', () => send(secretRequest(plain.url('/storm?failures=9&key=leak'), 'GET'), { retries: 1, retryMaxDelay: 50 })],
      ['INVALID_RESPONSE', () => send(secretRequest(plain.url('/invalid-json')))],
      // A server that echoes the secret inside a body that is not the JSON it announces.
      ['INVALID_RESPONSE', () => send(secretRequest(plain.url(`/text?type=application%2Fjson&body=${encodeURIComponent(`{"echo": "${SECRETS.token}`)}`)))],
    ];
    for (const [code, run] of cases) {
      const { error } = await failure(run);
      expect(error.code).toBe(code);
      expectNoSecret(error);
    }
  });
});

describe('progress', () => {
  test('reports attempts, waits and redirects with masked URLs', async () => {
    const events: unknown[] = [];
    const to = encodeURIComponent(plain.url('/storm?failures=1&key=prog'));
    await send(buildRequest({ url: `${plain.url('/redirect')}?to=${to}&t=#secrets.token`, method: 'GET' }, { values: {}, secrets: SECRETS }), {
      retries: 1,
      retryMaxDelay: 50,
      onProgress: (p) => events.push(p),
    });
    expect(events.map((e) => (e as { type: string }).type)).toEqual(['attempt', 'redirect', 'retry', 'attempt', 'redirect']);
    expect(JSON.stringify(events)).not.toContain(SECRETS.token);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

describe('error excerpts', () => {
  test('a 30 MB error page gives a 300-character excerpt quickly (20 in under 1 s)', async () => {
    const { excerpt } = await import('../../shared');
    // Decoded from bytes, as a response body is (a flat string, not a rope from repeat()).
    const page = Buffer.from(`<html>\n${'  <p>broken</p>\n'.repeat(2_000_000)}</html>`).toString('utf8');
    // 20 excerpts: reading only the head takes microseconds each; the whole page took ~1 s each.
    const start = Date.now();
    for (let i = 0; i < 19; i++) excerpt(page);
    const text = excerpt(page);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(text).toHaveLength(301);
    expect(text.startsWith('<html> <p>broken</p> <p>broken</p>')).toBe(true);
    expect(excerpt('short\n\nbody')).toBe('short body');
    expect(excerpt(Buffer.alloc(10))).toBe('<10 bytes of binary data>');
    expect(excerpt({ a: 1 })).toBe('{"a":1}');
  });
});
