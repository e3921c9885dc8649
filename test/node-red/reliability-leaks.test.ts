/**
 * Secret leak sweep (issue 5, part 3), Node-RED: every error path driven with one secret used in the
 * URL, a header and the body. The secret (as is, URL-, form- and JSON-encoded) must be in no Catch
 * message (error message, stack, properties, the message itself), no status text and no log call.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SWEEP_SECRET, findLeaks, textOf } from '../support/leak-sweep';
import { startMisbehavingServer, type MisbehavingServer } from '../support/misbehaving-server';
import { flowWith, helper, requestNode, sendApiRequestNode } from './support';

let server: MisbehavingServer;
let secure: MisbehavingServer;
let refusedOrigin: string;

beforeAll(async () => {
  [server, secure] = await Promise.all([startMisbehavingServer(), startMisbehavingServer({ tls: true })]);
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  refusedOrigin = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});

afterAll(async () => {
  await Promise.all([server.close(), secure.close()]);
});

afterEach(async () => {
  await helper.unload();
  server.reset();
});

const CREDENTIALS = { keys: { secrets: JSON.stringify({ TOKEN: SWEEP_SECRET }) } };
const Q = 'k=#secrets.TOKEN';

/** The request every case sends: the secret in the URL (given per case), two headers and the raw JSON body. */
function sweepNode(url: string, props: Record<string, unknown> = {}): Record<string, unknown> {
  return requestNode({
    url,
    method: 'POST',
    secrets: 'keys',
    headers: [{ key: 'Authorization', value: 'Bearer #secrets.TOKEN' }, { key: 'X-Custom', value: 'v=#secrets.TOKEN' }],
    bodyMode: 'raw',
    rawBody: '{"token": "#secrets.TOKEN", "n": #payload}',
    retries: '0',
    timeout: '3000',
    ...props,
  });
}

interface SweepCase {
  name: string;
  code: string;
  node: () => Record<string, unknown>;
  msg?: Record<string, unknown>;
  /** The request reached a server with the secret in it (so the path really carried the secret). */
  sent?: () => MisbehavingServer;
}

const CASES: SweepCase[] = [
  { name: 'bad URL', code: 'INVALID_URL', node: () => sweepNode('htp//#secrets.TOKEN/x?' + Q) },
  {
    name: 'bad header value (CR LF from the message)',
    code: 'INVALID_HEADER',
    node: () => sweepNode(server.url(`/echo?${Q}`), { headers: [{ key: 'X-Bad', value: '#secrets.TOKEN#bad' }] }),
    msg: { bad: '\r\nInjected: 1' },
  },
  { name: 'unknown variable', code: 'UNKNOWN_VARIABLE', node: () => sweepNode(server.url(`/echo?${Q}&m=#missing`)) },
  { name: 'timeout', code: 'TIMEOUT', node: () => sweepNode(server.url(`/never?${Q}`), { timeout: '300' }), sent: () => server },
  { name: 'refused connection', code: 'NETWORK', node: () => sweepNode(`${refusedOrigin}/p/#secrets.TOKEN?${Q}`) },
  { name: 'TLS error (self-signed server)', code: 'TLS', node: () => sweepNode(`${secure.origin}/echo/#secrets.TOKEN?${Q}`) },
  { name: 'non-2xx with the request echoed (body and a header)', code: 'HTTP_STATUS', node: () => sweepNode(server.url(`/echo-fail?${Q}`)), sent: () => server },
  {
    name: 'retry exhaustion (503 storm, 3 attempts)',
    code: 'HTTP_STATUS',
    node: () => sweepNode(server.url(`/storm?failures=99&status=503&key=sweep&${Q}`), { retries: '2', retryNonIdempotent: true, retryMaxDelay: '20' }),
    sent: () => server,
  },
  { name: 'redirect loop', code: 'TOO_MANY_REDIRECTS', node: () => sweepNode(server.url(`/redirect-loop?${Q}`), { maxRedirects: '2' }), sent: () => server },
  { name: 'response too large', code: 'RESPONSE_TOO_LARGE', node: () => sweepNode(server.url(`/big?bytes=5000&${Q}`), { maxResponseBytes: '100' }), sent: () => server },
];

/** A 400 that echoes everything it received, in its body and in response headers. */
function echoFail(): void {
  server.route('/echo-fail', (_req, res, rec) => {
    const body = JSON.stringify({ url: rec.url, headers: rec.headers, body: rec.body.toString('utf8') });
    res.writeHead(400, { 'content-type': 'application/json', 'x-echo-url': rec.url, 'x-echo-auth': String(rec.headers.authorization) });
    res.end(body);
  });
}

describe('secret leak sweep: every error path', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s: the secret is in no Catch message, status or log', async (_name, c) => {
    echoFail();
    await helper.load(sendApiRequestNode, flowWith({ id: 'keys', type: 'send-api-request-secrets', name: 'sweep keys' }, c.node()), CREDENTIALS);
    const req = helper.getNode('req');
    const statuses: unknown[] = [];
    req.on('call:status', ((call: { args: unknown[] }) => statuses.push(call.args[0])) as never);
    const caught = new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no Catch message within 10 s')), 10000);
      helper.getNode('caught').on('input', ((msg: Record<string, unknown>) => {
        clearTimeout(timer);
        resolve(msg);
      }) as never);
    });
    const outputs: unknown[] = [];
    helper.getNode('out').on('input', ((msg: unknown) => outputs.push(msg)) as never);
    req.receive({ payload: 7, ...(c.msg ?? {}) });
    const msg = await caught;
    await new Promise((r) => setTimeout(r, 20)); // status and log calls are reported on the next tick
    expect((msg.error as { code?: string }).code).toBe(c.code);
    expect(outputs).toEqual([]);
    if (c.sent) {
      const seen = c.sent().requests;
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0].headers.authorization).toBe(`Bearer ${SWEEP_SECRET}`);
      expect(seen[0].body.toString()).toContain(JSON.stringify(SWEEP_SECRET).slice(1, -1));
    }
    expect(statuses.length).toBeGreaterThan(0);
    const logs = helper.log().args;
    expect(findLeaks({ 'Catch message': msg, status: statuses, log: logs }, [SWEEP_SECRET])).toEqual([]);
    // The sweep would see the secret if it were there: the secret's own text is searchable in these places.
    expect(findLeaks({ probe: { text: `x${SWEEP_SECRET}x` } }, [SWEEP_SECRET]).length).toBeGreaterThan(0);
    expect(textOf(msg)).toContain(c.code);
  });
});
