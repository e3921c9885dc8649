/**
 * n8n's request helper as the core's transport, in real workflows: one exchange per call (the core
 * follows redirects itself), the timeout per attempt, "ignore TLS errors" for this node only, and
 * network errors mapped to the core's codes.
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../support/tls';
import { NODE_TYPE, runWorkflow, source, sendNode } from './harness';
import { json, startServer, useTestServer, type TestServer } from './server';

const testServer = useTestServer();
let server: TestServer;
beforeEach(() => {
  server = testServer();
});


test('redirects are followed by the core, one request per hop, credentials dropped across origins', async () => {
  server.handle((req, res) => {
    if (req.url === '/start') {
      res.writeHead(302, { location: '/final' });
      res.end();
    } else json(res, 200, { at: req.url, auth: req.headers.authorization ?? null });
  });
  const r = await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: server.url('/start'), headers: { values: [{ key: 'Authorization', value: 'Bearer same-origin' }] } })],
    chain: ['Source', 'Send'],
  });
  expect(server.requests.map((q) => q.url)).toEqual(['/start', '/final']);
  expect(r.output('Send')[0].json).toMatchObject({ statusCode: 200, body: { at: '/final', auth: 'Bearer same-origin' } });

  // Another port is another origin: the Authorization header does not follow.
  const other = await startServer();
  try {
    other.handle((req, res) => json(res, 200, { auth: req.headers.authorization ?? null }));
    server.handle((_req, res) => {
      res.writeHead(307, { location: other.url('/elsewhere') });
      res.end();
    });
    const crossed = await runWorkflow({
      nodes: [source([{ json: {} }]), sendNode({ url: server.url('/start'), headers: { values: [{ key: 'Authorization', value: 'Bearer same-origin' }] } })],
      chain: ['Source', 'Send'],
    });
    expect(crossed.output('Send')[0].json).toMatchObject({ statusCode: 200, body: { auth: null } });
    expect(other.requests).toHaveLength(1);
  } finally {
    await other.close();
  }

  server.handle((_req, res) => {
    res.writeHead(302, { location: '/final' });
    res.end();
  });
  server.requests.length = 0;
  const kept = await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: server.url('/start'), options: { followRedirects: false, neverError: true } })],
    chain: ['Source', 'Send'],
  });
  expect(server.requests.map((q) => q.url)).toEqual(['/start']);
  expect(kept.output('Send')[0].json).toMatchObject({ statusCode: 302, headers: { location: '/final' } });
});

test('the timeout ends an attempt that gets no answer, with code TIMEOUT', async () => {
  server.handle(() => undefined); // never answers; the server closes the socket at the end
  const started = Date.now();
  const r = await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: server.url('/slow'), options: { timeout: 300, retries: 0 } }, { continueOnFail: true })],
    chain: ['Source', 'Send'],
  });
  expect(r.output('Send')[0].json.error).toMatchObject({ code: 'TIMEOUT' });
  expect(Date.now() - started).toBeLessThan(5000);
});

test('the timeout also ends a body that stops after the headers (JSON read, binary streamed)', async () => {
  server.handle((req, res) => {
    res.writeHead(200, { 'content-type': req.url === '/json' ? 'application/json' : 'application/octet-stream' });
    res.write(req.url === '/json' ? '{"partial": ' : Buffer.alloc(1024));
    // ...and nothing more: the socket stays open until the server closes at the end of the file.
  });
  for (const path of ['/json', '/file']) {
    const started = Date.now();
    const r = await runWorkflow({
      nodes: [source([{ json: {} }]), sendNode({ url: server.url(path), options: { timeout: 400, retries: 0 } }, { continueOnFail: true })],
      chain: ['Source', 'Send'],
    });
    expect(r.output('Send')[0].json.error).toMatchObject({ code: 'TIMEOUT', field: 'options.timeout' });
    expect(Date.now() - started).toBeLessThan(5000);
  }
});

test('a refused connection is a NETWORK error naming the request', async () => {
  const r = await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: 'http://127.0.0.1:9/nothing', options: { retries: 0 } }, { continueOnFail: true })],
    chain: ['Source', 'Send'],
  });
  const error = r.output('Send')[0].json.error as { code: string; message: string };
  expect(error.code).toBe('NETWORK');
  expect(error.message).toContain('http://127.0.0.1:9/nothing');
});

test('a self-signed certificate fails with code TLS, and passes with ignoreTlsErrors for this node only', async () => {
  const { key, cert } = selfSignedCertificate();
  const secure = https.createServer({ key, cert }, (_req, res) => json(res, 200, { secure: true }));
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(secure.address() as AddressInfo).port}/tls`;
  try {
    const r = await runWorkflow({
      nodes: [
        source([{ json: {} }]),
        { name: 'Strict', type: NODE_TYPE, parameters: { url, options: { retries: 0 } }, continueOnFail: true },
        { name: 'Lenient', type: NODE_TYPE, parameters: { url, options: { ignoreTlsErrors: true } } },
        { name: 'Strict again', type: NODE_TYPE, parameters: { url, options: { retries: 0 } }, continueOnFail: true },
      ],
      chain: ['Source', 'Strict', 'Lenient', 'Strict again'],
    });
    expect(r.output('Strict')[0].json.error).toMatchObject({ code: 'TLS' });
    expect(r.output('Lenient')[0].json).toMatchObject({ statusCode: 200, body: { secure: true } });
    expect(r.output('Strict again')[0].json.error).toMatchObject({ code: 'TLS' });
  } finally {
    secure.closeAllConnections();
    await new Promise<void>((resolve) => secure.close(() => resolve()));
  }
});

test('a body over maxResponseBytes fails with RESPONSE_TOO_LARGE', async () => {
  server.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('x'.repeat(1000));
  });
  const r = await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: server.url('/big'), options: { maxResponseBytes: 100 } }, { continueOnFail: true })],
    chain: ['Source', 'Send'],
  });
  expect(r.output('Send')[0].json.error).toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
});

test('the SSRF guard and allowed hosts refuse before anything is sent', async () => {
  const r = await runWorkflow({
    nodes: [
      source([{ json: {} }]),
      sendNode({ url: server.url('/private'), options: { ssrfGuard: true } }, { name: 'Guarded', continueOnFail: true }),
      sendNode({ url: server.url('/private'), options: { allowedHosts: 'api.example.com' } }, { name: 'Listed', continueOnFail: true }),
    ],
    chain: ['Source', 'Guarded', 'Listed'],
  });
  expect(r.output('Guarded')[0].json.error).toMatchObject({ code: 'BLOCKED_HOST', field: 'options.ssrfGuard' });
  expect(r.output('Listed')[0].json.error).toMatchObject({ code: 'BLOCKED_HOST', field: 'options.allowedHosts' });
  expect(server.requests).toHaveLength(0);
});

test('stopping the execution aborts the request in flight and the wait before a retry', async () => {
  let closedEarly = 0;
  server.handle((_req, res) => {
    res.on('close', () => {
      if (!res.writableEnded) closedEarly++;
    });
  });
  const started = Date.now();
  await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: server.url('/hang'), options: { timeout: 0 } })],
    chain: ['Source', 'Send'],
    cancelAfterMs: 300,
  });
  expect(Date.now() - started).toBeLessThan(5000);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(closedEarly).toBe(1);

  server.handle((_req, res) => json(res, 503, {}, { 'retry-after': '20' }));
  const waitStarted = Date.now();
  await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: server.url('/busy') })],
    chain: ['Source', 'Send'],
    cancelAfterMs: 300,
  });
  expect(Date.now() - waitStarted).toBeLessThan(5000);
  expect(server.requests.filter((q) => q.url === '/busy')).toHaveLength(1);
});
