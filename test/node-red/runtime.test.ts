/**
 * The node in the real Node-RED runtime against a real local server: each `#` root, each body mode,
 * response parsing, secrets from the config node, errors to a Catch node, and http in → http response.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { TAB, collect, coreNode, flowWith, helper, json, requestNode, sendApiRequestNode, startServer, type NodeModule, type TestServer } from './support';

let server: TestServer;

beforeEach(async () => {
  server = await startServer((req, res) => json(res, 200, { method: req.method, url: req.url }));
});

afterEach(async () => {
  await helper.unload();
  await server.close();
});

async function sendOne(flow: object[], msg: Record<string, unknown>, credentials?: Record<string, object>): Promise<Record<string, unknown>> {
  await helper.load(sendApiRequestNode, flow, credentials);
  const got = collect(helper.getNode('out'), 1);
  helper.getNode('req').receive(msg);
  return (await got)[0];
}

async function failOne(flow: object[], msg: Record<string, unknown>, credentials?: Record<string, object>): Promise<Record<string, unknown>> {
  await helper.load(sendApiRequestNode, flow, credentials);
  const got = collect(helper.getNode('caught'), 1);
  helper.getNode('req').receive(msg);
  return (await got)[0];
}

describe('# roots', () => {
  test('bare names and #msg from the message, #flow/#global from context, #env from the flow and the process', async () => {
    process.env.SAR_TEST_ENV = 'from-process';
    const flow = flowWith(requestNode({
      url: `${server.url}/users/#id`,
      query: [{ key: 'topic', value: '#msg.topic' }, { key: 'region', value: '#flow.region' }, { key: 'tenant', value: '#global.tenant.name' }],
      headers: [{ key: 'x-env', value: '#env.SAR_TEST_ENV' }, { key: 'x-flow-env', value: '#env.FLOW_VAR' }],
    }));
    (flow[0] as Record<string, unknown>).env = [{ name: 'FLOW_VAR', value: 'from-flow', type: 'str' }];
    await helper.load(sendApiRequestNode, flow);
    const node = helper.getNode('req') as unknown as { context(): { flow: { set(k: string, v: unknown): void }; global: { set(k: string, v: unknown): void } } };
    node.context().flow.set('region', 'eu west');
    node.context().global.set('tenant', { name: 'acme' });
    const got = collect(helper.getNode('out'), 1);
    helper.getNode('req').receive({ id: 7, topic: 'news', payload: 'keep me' });
    const [msg] = await got;
    const received = server.received[0];
    expect(received.url).toBe('/users/7?topic=news&region=eu+west&tenant=acme');
    expect(received.headers['x-env']).toBe('from-process');
    expect(received.headers['x-flow-env']).toBe('from-flow');
    expect(msg.topic).toBe('news');
    expect(msg.statusCode).toBe(200);
    expect(msg.responseUrl).toBe(`${server.url}/users/7?topic=news&region=eu+west&tenant=acme`);
    delete process.env.SAR_TEST_ENV;
  });

  test('context: awkward key names and deep paths; a missing context key lists what exists', async () => {
    await helper.load(sendApiRequestNode, flowWith(requestNode({ url: `${server.url}/c`, headers: [{ key: 'x-awkward', value: '#flow["my-key"]' }, { key: 'x-deep', value: '#global.cfg.items[1]' }] })));
    const node = helper.getNode('req') as unknown as { context(): { flow: { set(k: string, v: unknown): void }; global: { set(k: string, v: unknown): void } } };
    node.context().flow.set('my-key', 'awkward value');
    node.context().global.set('cfg', { items: ['zero', 'one'] });
    const got = collect(helper.getNode('out'), 1);
    helper.getNode('req').receive({});
    await got;
    expect(server.received[0].headers['x-awkward']).toBe('awkward value');
    expect(server.received[0].headers['x-deep']).toBe('one');
    await helper.unload();
    const caught = await failOne(flowWith(requestNode({ url: `${server.url}/c?r=#flow.region` })), {});
    expect(String((caught.error as { message: string }).message)).toMatch(/flow context has no keys/);
  });

  test('#env reads the group\'s environment before the flow\'s', async () => {
    const flow = flowWith(
      { id: 'grp', type: 'group', z: 'tab1', nodes: ['req'], env: [{ name: 'WHERE', value: 'group', type: 'str' }] },
      { ...requestNode({ url: `${server.url}/g`, headers: [{ key: 'x-where', value: '#env.WHERE' }, { key: 'x-node', value: '#env.NR_NODE_NAME' }] }), g: 'grp' },
    );
    (flow[0] as Record<string, unknown>).env = [{ name: 'WHERE', value: 'flow', type: 'str' }];
    await sendOne(flow, {});
    expect(server.received[0].headers['x-where']).toBe('group');
    expect(server.received[0].headers['x-node']).toBe('call');
  });

  test('msg.url, msg.method and msg.headers are not read', async () => {
    const msg = await sendOne(flowWith(requestNode({ url: `${server.url}/form` })), { url: 'http://127.0.0.1:1/evil', method: 'DELETE', headers: { 'x-evil': '1' } });
    expect(server.received[0].method).toBe('GET');
    expect(server.received[0].url).toBe('/form');
    expect(server.received[0].headers['x-evil']).toBeUndefined();
    expect(msg.payload).toEqual({ method: 'GET', url: '/form' });
  });
});

describe('body modes', () => {
  test('fields as JSON keep the variables\' types', async () => {
    await sendOne(flowWith(requestNode({ method: 'POST', url: server.url, bodyMode: 'fields', bodyEncoding: 'json', fields: [{ key: 'name', value: '#payload.name' }, { key: 'n', value: '#payload.n' }, { key: 'greeting', value: 'Hi #payload.name' }] })), { payload: { name: 'Ann', n: 5 } });
    expect(server.received[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.received[0].body.toString())).toEqual({ name: 'Ann', n: 5, greeting: 'Hi Ann' });
  });

  test('fields as a form', async () => {
    await sendOne(flowWith(requestNode({ method: 'POST', url: server.url, bodyMode: 'fields', bodyEncoding: 'form', fields: [{ key: 'name', value: '#payload.name' }, { key: 'n', value: '#payload.n' }] })), { payload: { name: 'Ann B', n: 5 } });
    expect(server.received[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(server.received[0].body.toString()).toBe('name=Ann+B&n=5');
  });

  test('fields as multipart with a Buffer file part', async () => {
    const file = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x41]);
    await sendOne(flowWith(requestNode({ method: 'POST', url: server.url, bodyMode: 'fields', bodyEncoding: 'multipart', fields: [{ key: 'doc', value: '#file' }, { key: 'title', value: 'T #payload' }] })), { payload: 'one', file });
    const r = server.received[0];
    expect(r.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(r.body.includes(file)).toBe(true);
    expect(r.body.toString('latin1')).toMatch(/name="doc"; filename="[^"]+"/);
    expect(r.body.toString()).toContain('T one');
  });

  test('raw JSON of just #payload sends msg.payload as JSON', async () => {
    await sendOne(flowWith(requestNode({ method: 'PUT', url: server.url, bodyMode: 'raw', rawBody: '#payload' })), { payload: { a: [1, 'x'], b: null } });
    expect(server.received[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.received[0].body.toString())).toEqual({ a: [1, 'x'], b: null });
  });

  test('raw text with a content type', async () => {
    await sendOne(flowWith(requestNode({ method: 'POST', url: server.url, bodyMode: 'raw', rawBody: 'Hello #payload.name, ##1', contentType: 'text/plain' })), { payload: { name: 'Ann' } });
    expect(server.received[0].headers['content-type']).toBe('text/plain');
    expect(server.received[0].body.toString()).toBe('Hello Ann, #1');
  });

  test('binary from the msg.payload Buffer (binarySource default)', async () => {
    const bytes = Buffer.from([1, 2, 3, 250, 251]);
    await sendOne(flowWith(requestNode({ method: 'POST', url: server.url, bodyMode: 'binary', contentType: 'application/octet-stream' })), { payload: bytes });
    expect(server.received[0].headers['content-type']).toBe('application/octet-stream');
    expect(server.received[0].body.equals(bytes)).toBe(true);
  });
});

describe('response parsing', () => {
  test('JSON, text and binary bodies; responseFormat forces one', async () => {
    server.route = (req, res) => {
      if (req.url === '/text') { res.setHeader('content-type', 'text/plain'); res.end('plain words'); return; }
      if (req.url === '/bin') { res.setHeader('content-type', 'application/octet-stream'); res.end(Buffer.from([9, 8, 7])); return; }
      json(res, 200, { a: 1 });
    };
    const jsonMsg = await sendOne(flowWith(requestNode({ url: `${server.url}/json` })), {});
    expect(jsonMsg.payload).toEqual({ a: 1 });
    expect((jsonMsg.headers as Record<string, string>)['content-type']).toBe('application/json');
    await helper.unload();
    const textMsg = await sendOne(flowWith(requestNode({ url: `${server.url}/text` })), {});
    expect(textMsg.payload).toBe('plain words');
    await helper.unload();
    const binMsg = await sendOne(flowWith(requestNode({ url: `${server.url}/bin` })), {});
    expect(Buffer.isBuffer(binMsg.payload)).toBe(true);
    expect((binMsg.payload as Buffer).equals(Buffer.from([9, 8, 7]))).toBe(true);
    await helper.unload();
    const forced = await sendOne(flowWith(requestNode({ url: `${server.url}/json`, responseFormat: 'text' })), {});
    expect(forced.payload).toBe('{"a":1}');
  });
});

const TOKEN = 'tok-SECRET-1234567';
const OTHER = 'other-SECRET-98765';

function secretsFlow(extra: Record<string, unknown> = {}): object[] {
  return flowWith(
    { id: 'keys', type: 'send-api-request-secrets', name: 'api keys', keys: [{ name: 'TOKEN', slot: 0 }, { name: 'OTHER', slot: null }] },
    requestNode({ url: `${server.url}/secure`, secrets: 'keys', query: [{ key: 'k', value: '#secrets.OTHER' }], headers: [{ key: 'Authorization', value: 'Bearer #secrets.TOKEN' }], retries: '0', ...extra }),
  );
}
const secretCreds = { keys: { slot0: TOKEN, secrets: JSON.stringify({ OTHER, GONE: 'removed-row-value' }) } };

describe('secrets from the config node', () => {
  test('slot and JSON values are sent; none appears in the msg or the status', async () => {
    await helper.load(sendApiRequestNode, secretsFlow(), secretCreds);
    const statuses: unknown[] = [];
    helper.getNode('req').on('call:status', ((call: { args: unknown[] }) => statuses.push(call.args[0])) as never);
    const got = collect(helper.getNode('out'), 1);
    helper.getNode('req').receive({ payload: 'x' });
    const [msg] = await got;
    expect(server.received[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.received[0].url).toBe(`/secure?k=${OTHER}`);
    const seen = JSON.stringify({ msg: { ...msg, responseUrl: undefined }, statuses });
    expect(seen).not.toContain(TOKEN);
    expect(statuses.length).toBeGreaterThan(0);
    // The admin endpoint lists names only; a name not in `keys` is gone.
    const names = await helper.request().get('/send-api-request-secrets/keys/names');
    expect(names.status).toBe(200);
    expect(names.body).toEqual({ names: ['TOKEN', 'OTHER'] });
    expect(names.text).not.toContain(TOKEN);
    expect(names.text).not.toContain(OTHER);
  });

  test('deployed with only the JSON credential: every JSON name is usable and listed by name', async () => {
    const flow = flowWith(
      { id: 'json-keys', type: 'send-api-request-secrets', name: 'from admin API' },
      requestNode({ url: `${server.url}/j`, secrets: 'json-keys', headers: [{ key: 'x-one', value: '#secrets.ONE' }, { key: 'x-two', value: '#secrets.TWO' }] }),
    );
    await sendOne(flow, {}, { 'json-keys': { secrets: JSON.stringify({ ONE: 'first-value-1', TWO: 'second-value-2' }) } });
    expect(server.received[0].headers['x-one']).toBe('first-value-1');
    expect(server.received[0].headers['x-two']).toBe('second-value-2');
    const names = await helper.request().get('/send-api-request-secrets/json-keys/names');
    expect(names.body).toEqual({ names: ['ONE', 'TWO'] });
    expect(names.text).not.toMatch(/first-value|second-value/);
    const missing = await helper.request().get('/send-api-request-secrets/nope/names');
    expect(missing.status).toBe(404);
  });

  test('an error response echoing a secret reaches Catch masked', async () => {
    server.route = (req, res) => json(res, 500, { echo: req.headers.authorization, url: req.url });
    const caught = await failOne(secretsFlow(), { payload: 'x' }, secretCreds);
    const error = caught.error as Record<string, unknown>;
    expect(error.code).toBe('HTTP_STATUS');
    expect(caught.statusCode).toBe(500);
    const text = JSON.stringify(caught);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(OTHER);
    expect(String(error.message)).toContain('***');
  });

  test('invalid JSON in the config node fails each message with INVALID_CONFIG naming the node, never the text', async () => {
    const caught = await failOne(secretsFlow(), { payload: 'kept' }, { keys: { secrets: `{"TOKEN": ${TOKEN}` } });
    const error = caught.error as Record<string, unknown>;
    expect(error.code).toBe('INVALID_CONFIG');
    expect(String(error.message)).toContain('"api keys"');
    expect(String(error.message)).toContain('not valid JSON');
    expect(JSON.stringify(caught)).not.toContain(TOKEN);
    expect(caught.payload).toBe('kept');
    expect(server.received).toHaveLength(0);
  });

  test('an unknown secret lists the secret names, not values', async () => {
    const caught = await failOne(secretsFlow({ headers: [{ key: 'x-k', value: '#secrets.MISSING' }] }), { payload: 1 }, secretCreds);
    const message = String((caught.error as Record<string, unknown>).message);
    expect(message).toContain('TOKEN');
    expect(message).not.toContain(TOKEN);
  });
});

describe('errors reach a Catch node with the message intact', () => {
  test('unknown variable: nothing is sent', async () => {
    const caught = await failOne(flowWith(requestNode({ url: `${server.url}/#nothere` })), { payload: { a: 1 }, topic: 't' });
    const error = caught.error as Record<string, unknown>;
    expect(error.code).toBe('UNKNOWN_VARIABLE');
    expect(String(error.message)).toMatch(/nothere/);
    expect(String(error.message)).toMatch(/field: url/);
    expect(caught.payload).toEqual({ a: 1 });
    expect(caught.topic).toBe('t');
    expect(server.received).toHaveLength(0);
  });

  test('non-2xx is an error with the status on the message; neverError passes it on', async () => {
    server.route = (_req, res) => json(res, 404, { missing: true });
    const caught = await failOne(flowWith(requestNode({ url: `${server.url}/none` })), { payload: 'p' });
    expect((caught.error as Record<string, unknown>).code).toBe('HTTP_STATUS');
    expect(caught.statusCode).toBe(404);
    expect(caught.payload).toBe('p');
    await helper.unload();
    const msg = await sendOne(flowWith(requestNode({ url: `${server.url}/none`, neverError: true })), { payload: 'p' });
    expect(msg.statusCode).toBe(404);
    expect(msg.payload).toEqual({ missing: true });
  });

  test('refused connection is a NETWORK error', async () => {
    const closed = await startServer();
    const url = closed.url;
    await closed.close();
    const caught = await failOne(flowWith(requestNode({ url: `${url}/x`, retries: '0' })), { payload: 'p' });
    expect((caught.error as Record<string, unknown>).code).toBe('NETWORK');
    expect(String((caught.error as Record<string, unknown>).message)).toMatch(/refused/);
    expect(caught.payload).toBe('p');
  });

  test('a configuration error fails every message clearly', async () => {
    const caught = await failOne(flowWith(requestNode({ url: `${server.url}/#{unclosed`, timeout: 'soon' })), { payload: 'p' });
    expect((caught.error as Record<string, unknown>).code).toBe('INVALID_CONFIG');
    expect(caught.payload).toBe('p');
  });
});

describe('host guards', () => {
  test('the SSRF guard refuses loopback; allowed hosts refuse others', async () => {
    const guarded = await failOne(flowWith(requestNode({ url: `${server.url}/x`, ssrfGuard: true })), { payload: 1 });
    expect((guarded.error as { code: string }).code).toBe('BLOCKED_HOST');
    await helper.unload();
    const listed = await failOne(flowWith(requestNode({ url: `${server.url}/x`, allowedHosts: 'api.example.com' })), { payload: 1 });
    expect((listed.error as { code: string }).code).toBe('BLOCKED_HOST');
    expect(server.received).toHaveLength(0);
  });
});

describe('http in → Send API Request → http response', () => {
  test('the upstream content-length and content-encoding do not leak into the flow\'s response', async () => {
    const upstreamBody = zlib.gzipSync(Buffer.from(JSON.stringify({ hello: 'world', pad: 'x'.repeat(200) })));
    server.route = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(upstreamBody.length), 'x-upstream': 'yes' });
      res.end(upstreamBody);
    };
    let httpNodeApp: http.RequestListener | undefined;
    const capture: NodeModule = (RED) => {
      httpNodeApp = RED.httpNode as http.RequestListener;
    };
    const flow = [
      TAB,
      { id: 'in', type: 'http in', z: 'tab1', url: '/proxy', method: 'get', wires: [['req']] },
      requestNode({ url: `${server.url}/up` }),
      { id: 'out', type: 'http response', z: 'tab1', wires: [] },
    ];
    (flow[2] as Record<string, unknown>).wires = [['out']];
    await helper.load([capture, coreNode('network/21-httpin.js'), sendApiRequestNode], flow);
    const front = http.createServer(httpNodeApp);
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const port = (front.address() as AddressInfo).port;
      const answer = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/proxy', agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        }).on('error', reject);
      });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(answer.headers['x-upstream']).toBeUndefined();
      expect(JSON.parse(answer.body).hello).toBe('world');
      expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
    } finally {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    }
  });
});
