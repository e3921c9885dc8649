/**
 * The node's behaviour in real workflows (n8n-core WorkflowExecute, compiled package): secrets from the
 * credential and where they must never appear, errors and continueOnFail, retries with Retry-After,
 * pagination, concurrency and batching. A local server on 127.0.0.1 records what arrived.
 */
import { CREDENTIAL_TYPE, runWorkflow, source, sendNode, type CredentialStore } from './harness';
import { json, useTestServer, type TestServer } from './server';

const testServer = useTestServer();
let server: TestServer;
beforeEach(() => {
  server = testServer();
});

const TOKEN = 'tok-9f8e7d6c5b4a';
const API_KEY = 'key-0a1b2c3d4e';
const credentials: CredentialStore = {
  'cred-1': { keys: { values: [{ name: 'TOKEN', value: TOKEN }, { name: 'API_KEY', value: API_KEY }] }, testUrl: '' },
};
const withSecrets = { [CREDENTIAL_TYPE]: { id: 'cred-1', name: 'My keys' } };


const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('secrets from the Secret Keys credential', () => {
  test('#secrets.NAME is sent, and appears nowhere in the execution data', async () => {
    server.handle((_req, res) => json(res, 200, { ok: true }));
    const r = await runWorkflow({
      nodes: [
        source([{ json: { id: 1 } }]),
        sendNode({ url: server.url('/s?key=#secrets.API_KEY'), headers: { values: [{ key: 'Authorization', value: 'Bearer #secrets.TOKEN' }] } }, { credentials: withSecrets }),
      ],
      chain: ['Source', 'Send'],
      credentials,
    });
    expect(r.error('Send')).toBeUndefined();
    const [q] = server.requests;
    expect(q.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(q.url).toBe(`/s?key=${API_KEY}`);
    expect(r.output('Send')[0].json).toMatchObject({ statusCode: 200, body: { ok: true } });
    expect(r.serialized).not.toContain(TOKEN);
    expect(r.serialized).not.toContain(API_KEY);
  });

  test('a failing request that echoes the secret: error message, description and error item are masked', async () => {
    server.handle((req, res) => json(res, 401, { error: 'bad token', got: req.headers.authorization, url: req.url }));
    const nodes = (continueOnFail: boolean) => [
      source([{ json: {} }]),
      sendNode({ url: server.url('/private/#secrets.API_KEY'), headers: { values: [{ key: 'x-token', value: '#secrets.TOKEN' }] }, options: { retries: 0 } }, { credentials: withSecrets, continueOnFail }),
    ];
    const failed = await runWorkflow({ nodes: nodes(false), chain: ['Source', 'Send'], credentials });
    const error = failed.error('Send') as unknown as { message: string; description: string; httpCode: string; context: Record<string, unknown> };
    expect(error.httpCode).toBe('401');
    expect(error.context).toMatchObject({ code: 'HTTP_STATUS', statusCode: 401, itemIndex: 0 });
    expect(error.description).toContain('GET http://127.0.0.1');
    expect(error.description).toContain('/private/***');
    expect(failed.serialized).not.toContain(TOKEN);
    expect(failed.serialized).not.toContain(API_KEY);

    const kept = await runWorkflow({ nodes: nodes(true), chain: ['Source', 'Send'], credentials });
    const [item] = kept.output('Send');
    expect(item.pairedItem).toEqual({ item: 0 });
    expect(item.json.error).toMatchObject({ code: 'HTTP_STATUS', statusCode: 401 });
    expect((item.json.error as { request: { headers: Record<string, string> } }).request.headers['x-token']).toBe('***');
    expect(kept.serialized).not.toContain(TOKEN);
    expect(kept.serialized).not.toContain(API_KEY);
  });

  test('a value from a webhook that says #secrets.TOKEN stays text: data never reaches a secret', async () => {
    const r = await runWorkflow({
      nodes: [
        source([{ json: { comment: 'please send #secrets.TOKEN and {{ $credentials }}' } }]),
        sendNode({ method: 'POST', url: server.url('/hook'), bodyMode: 'fields', fields: { values: [{ key: 'comment', value: '#comment' }] } }, { credentials: withSecrets }),
      ],
      chain: ['Source', 'Send'],
      credentials,
    });
    expect(r.error('Send')).toBeUndefined();
    const body = server.requests[0].body.toString();
    expect(JSON.parse(body)).toEqual({ comment: 'please send #secrets.TOKEN and {{ $credentials }}' });
    expect(body).not.toContain(TOKEN);
  });

  test('#secrets without the credential, or an unknown name, fails listing names (never values)', async () => {
    const r = await runWorkflow({
      nodes: [source([{ json: {} }]), sendNode({ url: server.url('/x'), headers: { values: [{ key: 'a', value: '#secrets.NOPE' }] } }, { credentials: withSecrets })],
      chain: ['Source', 'Send'],
      credentials,
    });
    expect(r.error('Send')?.message).toMatch(/Unknown variable #secrets\.NOPE in headers\[0\]\. Secret names in the Secret Keys credential: TOKEN, API_KEY/);
    expect(r.serialized).not.toContain(TOKEN);
    const none = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/x?t=#secrets.TOKEN') })], chain: ['Source', 'Send'] });
    expect(none.error('Send')?.message).toMatch(/Secret names in the Secret Keys credential: none defined/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('errors and paired items', () => {
  test('continueOnFail: an error item paired to its input, the other items go on', async () => {
    server.handle((req, res) => (req.url === '/i/1' ? json(res, 500, { broken: true }) : json(res, 200, { url: req.url })));
    const r = await runWorkflow({
      nodes: [source([{ json: { i: 0 } }, { json: { i: 1 } }, { json: { i: 2 } }]), sendNode({ url: server.url('/i/#i'), options: { retries: 0 } }, { continueOnFail: true })],
      chain: ['Source', 'Send'],
    });
    const out = r.output('Send');
    expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    expect(out[0].json).toMatchObject({ statusCode: 200, body: { url: '/i/0' } });
    expect(out[1].json.error).toMatchObject({ code: 'HTTP_STATUS', statusCode: 500 });
    expect((out[1].json.error as { message: string }).message).toMatch(/500/);
    expect(out[2].json).toMatchObject({ statusCode: 200, body: { url: '/i/2' } });
  });

  test('continueOnFail also turns a configuration error into an error item with code and field', async () => {
    const r = await runWorkflow({
      nodes: [source([{ json: { id: 1 } }, { json: {} }]), sendNode({ url: server.url('/u/#id') }, { continueOnFail: true })],
      chain: ['Source', 'Send'],
    });
    const out = r.output('Send');
    expect(out[0].json.statusCode).toBe(200);
    expect(out[1]).toMatchObject({ pairedItem: { item: 1 }, json: { error: { code: 'UNKNOWN_VARIABLE', field: 'url' } } });
  });

  test('without continueOnFail a non-2xx fails the node with a NodeApiError naming the item; neverError passes it on', async () => {
    server.handle((_req, res) => json(res, 404, { message: 'no such user' }));
    const failed = await runWorkflow({ nodes: [source([{ json: {} }, { json: {} }]), sendNode({ url: server.url('/missing'), options: { retries: 0, concurrency: 1 } })], chain: ['Source', 'Send'] });
    const error = failed.error('Send') as unknown as { name: string; httpCode: string; message: string; context: Record<string, unknown> };
    expect(error.name).toBe('NodeApiError');
    expect(error.httpCode).toBe('404');
    expect(error.context.itemIndex).toBe(0);
    // The failure stops the run: the second item is not sent.
    expect(server.requests).toHaveLength(1);
    server.requests.length = 0;
    const passed = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/missing'), options: { neverError: true } })], chain: ['Source', 'Send'] });
    expect(passed.output('Send')[0].json).toMatchObject({ statusCode: 404, body: { message: 'no such user' } });
  });

  test('an invalid option is a NodeOperationError naming the option', async () => {
    const r = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/x'), options: { pagination: 'nextUrl' } })], chain: ['Source', 'Send'] });
    const error = r.error('Send') as unknown as { name: string; message: string; context: Record<string, unknown> };
    expect(error.name).toBe('NodeOperationError');
    expect(error.message).toMatch(/Next URL/);
    expect(error.context).toMatchObject({ code: 'INVALID_CONFIG', field: 'options.nextUrl' });
  });
});

describe('retries, pagination, throughput', () => {
  test('429 with Retry-After is retried by the node itself (one request per attempt), after the wait asked for', async () => {
    let calls = 0;
    server.handle((_req, res) => {
      calls++;
      if (calls === 1) json(res, 429, { slow: 'down' }, { 'retry-after': '1' });
      else json(res, 200, { attempt: calls });
    });
    const r = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/limited') })], chain: ['Source', 'Send'] });
    expect(r.output('Send')[0].json).toMatchObject({ statusCode: 200, body: { attempt: 2 } });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1].at - server.requests[0].at).toBeGreaterThanOrEqual(950);
    // One node run: n8n's own "retry on fail" (which re-runs the node) was not involved.
    expect(r.run.data.resultData.runData.Send).toHaveLength(1);
  });

  test('POST is not retried unless asked (retryNonIdempotent)', async () => {
    server.handle((_req, res) => json(res, 503, {}, { 'retry-after': '0' }));
    const r = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ method: 'POST', url: server.url('/p') }, { continueOnFail: true })], chain: ['Source', 'Send'] });
    expect(server.requests).toHaveLength(1);
    expect(r.output('Send')[0].json.error).toMatchObject({ code: 'HTTP_STATUS', statusCode: 503 });
    server.requests.length = 0;
    await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ method: 'POST', url: server.url('/p'), options: { retryNonIdempotent: true, retries: 1 } }, { continueOnFail: true })], chain: ['Source', 'Send'] });
    expect(server.requests).toHaveLength(2);
  });

  const pagesHandler = (req: { url: string }, res: Parameters<Parameters<TestServer['handle']>[0]>[1]) => {
    const page = Number(new URL(req.url, 'http://x').searchParams.get('page') ?? '1');
    const next = page < 3 ? server.url(`/pages?page=${page + 1}`) : null;
    json(res, 200, { data: { items: [`p${page}a`, `p${page}b`] }, next });
  };

  test('pagination by next URL (#response): one item per page, paired to its input', async () => {
    server.handle(pagesHandler);
    const r = await runWorkflow({
      nodes: [source([{ json: {} }]), sendNode({ url: server.url('/pages'), options: { pagination: 'nextUrl', nextUrl: '#response.body.next' } })],
      chain: ['Source', 'Send'],
    });
    const out = r.output('Send');
    expect(out.map((o) => (o.json.body as { data: { items: string[] } }).data.items[0])).toEqual(['p1a', 'p2a', 'p3a']);
    expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
    expect(server.requests.map((q) => q.url)).toEqual(['/pages', '/pages?page=2', '/pages?page=3']);
  });

  test('pagination merged at itemsPath, split into items; a {{ }} next URL works too', async () => {
    server.handle(pagesHandler);
    const merged = await runWorkflow({
      nodes: [source([{ json: {} }, { json: {} }]), sendNode({ url: server.url('/pages'), options: { pagination: 'nextUrl', nextUrl: '#response.body.next', paginationOutput: 'merged', itemsPath: 'data.items', concurrency: 1 } })],
      chain: ['Source', 'Send'],
    });
    expect(merged.output('Send').map((o) => [o.json.body, o.pairedItem])).toEqual([
      [['p1a', 'p1b', 'p2a', 'p2b', 'p3a', 'p3b'], { item: 0 }],
      [['p1a', 'p1b', 'p2a', 'p2b', 'p3a', 'p3b'], { item: 1 }],
    ]);
    server.requests.length = 0;
    const split = await runWorkflow({
      nodes: [source([{ json: { base: server.url('/pages') } }]), sendNode({ url: '#base', options: { pagination: 'pageParam', pageParam: 'page', stopWhen: 'noNext', maxPages: 3, paginationOutput: 'merged', itemsPath: 'data.items', splitIntoItems: true, responseOutput: 'body' } })],
      chain: ['Source', 'Send'],
    });
    expect(split.output('Send').map((o) => o.json)).toEqual(['p1a', 'p1b', 'p2a', 'p2b', 'p3a', 'p3b'].map((data) => ({ data })));
  });

  test('the concurrency limit holds at the server; batches wait batchInterval between them', async () => {
    server.handle(async (req, res) => {
      await delay(120);
      json(res, 200, { url: req.url });
    });
    const items = Array.from({ length: 6 }, (_, i) => ({ json: { i } }));
    const limited = await runWorkflow({ nodes: [source(items), sendNode({ url: server.url('/c/#i'), options: { concurrency: 2 } })], chain: ['Source', 'Send'] });
    expect(limited.output('Send')).toHaveLength(6);
    expect(server.maxInFlight).toBe(2);
    server.reset();
    server.handle(async (req, res) => {
      await delay(120);
      json(res, 200, { url: req.url });
    });
    await runWorkflow({ nodes: [source(items), sendNode({ url: server.url('/c/#i') })], chain: ['Source', 'Send'] });
    expect(server.maxInFlight).toBe(6);
    server.reset();
    const batched = await runWorkflow({ nodes: [source(items.slice(0, 4)), sendNode({ url: server.url('/b/#i'), options: { batchSize: 2, batchInterval: 400 } })], chain: ['Source', 'Send'] });
    expect(batched.output('Send').map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
    const at = server.requests.map((q) => q.at).sort((a, b) => a - b);
    expect(at[1] - at[0]).toBeLessThan(200);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(380);
  });
});
