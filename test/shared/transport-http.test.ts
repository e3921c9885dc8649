/**
 * The Node-RED package's node:http transport on its own: the SSRF guard on the address actually
 * connected, keep-alive reuse and destroy(), header shapes, and the allowed-hosts check on every
 * redirect hop through executeRequest.
 */
import { setMaxListeners } from 'node:events';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as zlib from 'node:zlib';
import { compileNode, createPlainResolver, executeRequest, SendApiRequestError } from '../../shared';
import { createHttpTransport } from '../../shared/transports/node-http';
import { timerSleep } from '../../shared/transports/timer-sleep';
import { startMisbehavingServer, type MisbehavingServer } from '../support/misbehaving-server';
import { watchProcessHealth, type ProcessHealth } from '../support/health';

let server: MisbehavingServer;
let other: MisbehavingServer;
let health: ProcessHealth;

beforeAll(async () => {
  health = watchProcessHealth();
  [server, other] = await Promise.all([startMisbehavingServer(), startMisbehavingServer()]);
});

afterAll(async () => {
  await Promise.all([server.close(), other.close()]);
  await health.settled();
  expect(health.unhandledRejections).toEqual([]);
  expect(health.leftOpen()).toEqual([]);
});

const request = (url: string) => ({ method: 'GET', url, headers: {}, timeout: 5000, maxResponseBytes: 0, ignoreTlsErrors: false });

describe('SSRF guard in the transport (the address actually connected)', () => {
  test.each([
    ['an IP literal', () => server.url('/echo?literal')],
    ['a host name that resolves to loopback', () => `http://localhost:${server.port}/echo?dns`],
  ])('%s is refused with kind "blocked" before anything is sent', async (_what, url) => {
    const guarded = createHttpTransport({ ssrfGuard: true });
    server.reset();
    try {
      await expect(guarded(request(url()))).rejects.toMatchObject({ name: 'TransportError', kind: 'blocked' });
      expect(server.requests).toHaveLength(0);
    } finally {
      guarded.destroy();
    }
  });

  test('through executeRequest, a blocked address is BLOCKED_HOST naming options.ssrfGuard, not retried', async () => {
    const guarded = createHttpTransport({ ssrfGuard: true });
    try {
      // The URL check is left to the transport here, as a host with the address check may do.
      const node = compileNode({ url: `http://localhost:${server.port}/echo`, method: 'GET' }, { ssrfGuard: true, retries: 2 });
      const err = await executeRequest(node, createPlainResolver({ values: {} }), {}, { transport: guarded, sleep: timerSleep, ssrfUrlCheck: false }).catch((e) => e);
      expect(err).toBeInstanceOf(SendApiRequestError);
      expect(err).toMatchObject({ code: 'BLOCKED_HOST', field: 'options.ssrfGuard', attempts: 1 });
    } finally {
      guarded.destroy();
    }
  });

  test('without the guard the same addresses are reachable (the default: SPEC §5)', async () => {
    const open = createHttpTransport();
    try {
      const res = await open(request(`http://localhost:${server.port}/echo?open`));
      expect(res.statusCode).toBe(200);
    } finally {
      open.destroy();
    }
  });
});

describe('allowed hosts on every redirect hop', () => {
  test('a redirect to a host:port outside allowedHosts is BLOCKED_HOST; nothing reaches it', async () => {
    const transport = createHttpTransport();
    other.reset();
    try {
      const to = encodeURIComponent(other.url('/echo'));
      const node = compileNode({ url: server.url(`/redirect?to=${to}`), method: 'GET' }, { allowedHosts: `127.0.0.1:${server.port}` });
      const err = await executeRequest(node, createPlainResolver({ values: {} }), {}, { transport, sleep: timerSleep }).catch((e) => e);
      expect(err).toMatchObject({ code: 'BLOCKED_HOST', field: 'options.allowedHosts' });
      expect(other.requests).toHaveLength(0);
    } finally {
      transport.destroy();
    }
  });

  test('the SSRF URL check refuses a redirect to a loopback literal', async () => {
    const transport = createHttpTransport();
    try {
      const node = compileNode({ url: server.url('/redirect?to=http%3A%2F%2F127.0.0.1%3A1%2F'), method: 'GET' }, { ssrfGuard: true });
      // The first hop is loopback too, so check the refusal names the guard.
      const err = await executeRequest(node, createPlainResolver({ values: {} }), {}, { transport, sleep: timerSleep }).catch((e) => e);
      expect(err).toMatchObject({ code: 'BLOCKED_HOST', field: 'options.ssrfGuard' });
    } finally {
      transport.destroy();
    }
  });
});

describe('connections and headers', () => {
  test('keep-alive reuses one socket for sequential requests; destroy() closes it', async () => {
    const transport = createHttpTransport();
    const sockets = new Set<string>();
    server.route('/port', (req, res) => {
      sockets.add(`${req.socket.remotePort}`);
      res.end('ok');
    });
    for (let i = 0; i < 5; i++) await transport(request(server.url('/port')));
    expect(sockets.size).toBe(1);
    expect(server.openSockets).toBe(1);
    transport.destroy();
    const until = Date.now() + 2000;
    while (server.openSockets > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(server.openSockets).toBe(0);
  });

  test('response header names are lower-case; repeated Set-Cookie stays a list; User-Agent is sent unless set', async () => {
    const transport = createHttpTransport();
    server.route('/cookies', (_req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Mixed-Case', 'v');
      res.end();
    });
    try {
      const res = await transport(request(server.url('/cookies')));
      expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(res.headers['x-mixed-case']).toBe('v');
      server.reset();
      await transport(request(server.url('/echo')));
      await transport({ ...request(server.url('/echo')), headers: { 'user-agent': 'mine/1' } });
      expect(server.requests.map((r) => r.headers['user-agent'])).toEqual(['send-api-request', 'mine/1']);
    } finally {
      transport.destroy();
    }
  });

  test('a timeout beyond Node\'s timer range (3e9 ms) does not fire at once; neither does such a sleep', async () => {
    const transport = createHttpTransport();
    try {
      const res = await transport({ ...request(server.url('/slow?bytes=2&interval=100')), timeout: 3e9 });
      expect(res.body.toString()).toBe('zz');
    } finally {
      transport.destroy();
    }
    const controller = new AbortController();
    let state = 'pending';
    const sleeping = timerSleep(3e9, controller.signal).then(() => (state = 'resolved'), () => (state = 'rejected'));
    await new Promise((r) => setTimeout(r, 100));
    expect(state).toBe('pending');
    controller.abort();
    await sleeping;
    expect(state).toBe('rejected');
  });

  test('timeout 0 means no timeout (a 300 ms answer arrives)', async () => {
    const transport = createHttpTransport();
    try {
      const res = await transport({ ...request(server.url('/slow?bytes=3&interval=150')), timeout: 0 });
      expect(res.body.toString()).toBe('zzz');
    } finally {
      transport.destroy();
    }
  });

  test('4,000 requests with a 60 s timeout and a long-lived node signal leave the heap within 1.6 MB of its start (no per-request timer or signal kept)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const transport = createHttpTransport();
    const node = new AbortController();
    // As the Node-RED node does: every request in flight listens to the node's one signal.
    setMaxListeners(0, node.signal);
    const one = () => transport({ ...request(server.url('/status?code=200')), timeout: 60000, signal: node.signal });
    const wave = async (n: number) => {
      for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: 50 }, one));
    };
    try {
      await wave(250); // warm up sockets, and the JIT
      server.reset();
      gc();
      const before = process.memoryUsage().heapUsed;
      await wave(4000);
      server.reset();
      gc();
      const grownMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
      expect(grownMb).toBeLessThan(1.6);
    } finally {
      transport.destroy();
    }
  }, 60000);
});

describe('what a client library used to do for us', () => {
  const text = 'hello, compressed world '.repeat(200);
  const encoders: Array<[string, string, (b: Buffer) => Buffer]> = [
    ['gzip', 'gzip', (b) => zlib.gzipSync(b)],
    ['x-gzip', 'x-gzip', (b) => zlib.gzipSync(b)],
    ['deflate (zlib-wrapped)', 'deflate', (b) => zlib.deflateSync(b)],
    ['deflate (raw, as some servers send it)', 'deflate', (b) => zlib.deflateRawSync(b)],
    ['br', 'br', (b) => zlib.brotliCompressSync(b)],
  ];

  test.each(encoders)('a %s body is decoded; Content-Encoding no longer describes it and is dropped', async (_label, encoding, encode) => {
    const transport = createHttpTransport();
    server.route('/encoded', (req, res) => {
      const body = encode(Buffer.from(text));
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': encoding, 'content-length': body.length, 'x-asked': String(req.headers['accept-encoding']) });
      res.end(body);
    });
    try {
      const res = await transport(request(server.url('/encoded')));
      expect(res.body.toString()).toBe(text);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['x-asked']).toBe('gzip, deflate, br');
    } finally {
      transport.destroy();
    }
  });

  test('a caller\'s own Accept-Encoding is sent as given, and the body is still decoded', async () => {
    const transport = createHttpTransport();
    const gz = zlib.gzipSync(Buffer.from(text));
    server.route('/own-encoding', (req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': gz.length, 'x-asked': String(req.headers['accept-encoding']) });
      res.end(gz);
    });
    try {
      const res = await transport({ ...request(server.url('/own-encoding')), headers: { 'accept-encoding': 'gzip' } });
      expect(res.body.toString()).toBe(text);
      expect(res.headers['x-asked']).toBe('gzip');
      expect(res.headers['content-encoding']).toBeUndefined();
    } finally {
      transport.destroy();
    }
  });

  test('an empty body labelled gzip (as some servers send with a 200 or a redirect) is an empty body, not an error', async () => {
    const transport = createHttpTransport();
    server.route('/empty-gzip', (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': '0' });
      res.end();
    });
    try {
      const res = await transport(request(server.url('/empty-gzip')));
      expect(res.statusCode).toBe(200);
      expect(res.body).toHaveLength(0);
    } finally {
      transport.destroy();
    }
  });

  test('a corrupt gzip body is a Z_DATA_ERROR, not a hang or a crash', async () => {
    const transport = createHttpTransport();
    server.route('/corrupt', (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(Buffer.from('this is not gzip at all'));
    });
    try {
      await expect(transport(request(server.url('/corrupt')))).rejects.toMatchObject({ name: 'TransportError', kind: 'network', causeCode: 'Z_DATA_ERROR' });
    } finally {
      transport.destroy();
    }
  });

  test('a string and a Buffer body arrive whole with their byte length (UTF-8 counted in bytes)', async () => {
    const transport = createHttpTransport();
    server.reset();
    try {
      await transport({ ...request(server.url('/echo')), method: 'POST', body: '{"name":"Zoë ✓"}', headers: { 'content-type': 'application/json' } });
      await transport({ ...request(server.url('/echo')), method: 'PUT', body: Buffer.from([0, 1, 2, 255]) });
      const [json, binary] = server.requests;
      expect(json.body.toString('utf8')).toBe('{"name":"Zoë ✓"}');
      expect(json.headers['content-length']).toBe(String(Buffer.byteLength('{"name":"Zoë ✓"}')));
      expect(json.headers['content-type']).toBe('application/json');
      expect([...binary.body]).toEqual([0, 1, 2, 255]);
      expect(binary.headers['content-length']).toBe('4');
    } finally {
      transport.destroy();
    }
  });

  test('HEAD: the announced length and encoding are reported, no body is waited for', async () => {
    const transport = createHttpTransport();
    server.route('/head', (_req, res) => {
      res.writeHead(200, { 'content-length': '5000', 'content-encoding': 'gzip' });
      res.end();
    });
    try {
      const res = await transport({ ...request(server.url('/head')), method: 'HEAD' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toHaveLength(0);
      expect(res.headers['content-length']).toBe('5000');
      expect(res.headers['content-encoding']).toBe('gzip');
    } finally {
      transport.destroy();
    }
  });

  test('with no size limit, a hostile Content-Length (10^15 bytes) is not allocated: the short body is "broke off"', async () => {
    const transport = createHttpTransport();
    try {
      const err = await transport(request(server.url('/wrong-length?declared=1000000000000000&actual=10'))).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'TransportError', kind: 'network', causeCode: 'ERR_BAD_RESPONSE' });
    } finally {
      transport.destroy();
    }
  });

  test('an aborted caller signal mid-body is kind "aborted"', async () => {
    const transport = createHttpTransport();
    const caller = new AbortController();
    try {
      const pending = transport({ ...request(server.url('/slow?bytes=50&interval=50')), signal: caller.signal });
      setTimeout(() => caller.abort(), 150);
      await expect(pending).rejects.toMatchObject({ name: 'TransportError', kind: 'aborted' });
    } finally {
      transport.destroy();
    }
  });
});

