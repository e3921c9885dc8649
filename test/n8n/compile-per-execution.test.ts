/**
 * The node is compiled once per execution and reused for items with the same parameters (issue 7):
 * an item whose evaluated options, method or expression-mode fields differ still gets its own request.
 * Real workflows through n8n-core's WorkflowExecute, a local server recording what arrived.
 */
import { runWorkflow, source, sendNode } from './harness';
import { useTestServer, type TestServer } from './server';

const testServer = useTestServer();
let server: TestServer;
beforeEach(() => {
  server = testServer();
});

test('options evaluated per item: items that differ are compiled for themselves, the rest share one', async () => {
  const items = [
    { json: { id: 1, missing: 'empty', m: 'GET' } },
    { json: { id: 2, missing: 'keep', m: 'GET' } },
    { json: { id: 3, missing: 'empty', m: 'POST' } },
    { json: { id: 4, missing: 'empty', m: 'GET' } },
  ];
  const r = await runWorkflow({
    nodes: [
      source(items),
      sendNode({
        method: '={{ $json.m }}',
        // Expression mode (a leading "="): {{ }} is evaluated; the header is fixed mode, sent as written.
        url: `=${server.url('/items/#id?v=#nope&e={{ $json.id * 10 }}')}`,
        headers: { values: [{ key: 'x-fixed', value: '{{ $json.id }} #id' }] },
        options: { onMissing: '={{ $json.missing }}', concurrency: 1, retries: 0 },
      }),
    ],
    chain: ['Source', 'Send'],
  });
  expect(r.error('Send')).toBeUndefined();
  expect(server.requests.map((q) => `${q.method} ${q.url}`)).toEqual([
    'GET /items/1?v=&e=10',
    'GET /items/2?v=%23nope&e=20',
    'POST /items/3?v=&e=30',
    'GET /items/4?v=&e=40',
  ]);
  expect(server.requests.map((q) => q.headers['x-fixed'])).toEqual(['{{ $json.id }} 1', '{{ $json.id }} 2', '{{ $json.id }} 3', '{{ $json.id }} 4']);
  expect(r.output('Send').map((i) => i.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
});

test('an item with invalid options fails alone (continueOnFail); the items around it are sent', async () => {
  const r = await runWorkflow({
    nodes: [
      source([{ json: { id: 1, t: 1000 } }, { json: { id: 2, t: -5 } }, { json: { id: 3, t: 1000 } }]),
      sendNode({ url: server.url('/t/#id'), options: { timeout: '={{ $json.t }}', concurrency: 1, retries: 0 } }, { continueOnFail: true }),
    ],
    chain: ['Source', 'Send'],
  });
  expect(server.requests.map((q) => q.url)).toEqual(['/t/1', '/t/3']);
  const out = r.output('Send');
  expect(out).toHaveLength(3);
  expect(out[1].json).toMatchObject({ error: expect.objectContaining({ code: 'INVALID_CONFIG' }) });
});
