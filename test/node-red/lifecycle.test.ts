/**
 * The node's life cycle in the real Node-RED runtime: abort on close, the concurrency limit and its
 * bounded queue under load, pagination, retry status and batching.
 */
import { collect, flowWith, helper, json, requestNode, sendApiRequestNode, startServer, until, type TestServer } from './support';

let server: TestServer;

beforeEach(async () => {
  server = await startServer();
});

afterEach(async () => {
  await helper.unload();
  await server.close();
});

function statusTexts(id: string): string[] {
  const texts: string[] = [];
  helper.getNode(id).on('call:status', ((call: { args: Array<{ text?: string }> }) => texts.push(call.args[0]?.text ?? '')) as never);
  return texts;
}

test('closing the flow aborts the request in flight: the server sees its socket closed', async () => {
  server.route = () => undefined; // never answers
  await helper.load(sendApiRequestNode, flowWith(requestNode({ url: `${server.url}/slow`, timeout: '0' })));
  helper.getNode('req').receive({ payload: 1 });
  await until(() => server.inFlight === 1, 5000, 'the request to arrive');
  const started = Date.now();
  await helper.unload();
  expect(Date.now() - started).toBeLessThan(3000);
  await until(() => server.abortedByClient === 1 && server.inFlight === 0, 3000, 'the server to see the socket close');
});

test('1,000 messages with concurrency 8: each gives exactly one output or one error, at most 8 in flight', async () => {
  server.route = (req, res) => {
    const id = Number(new URL(req.url, 'http://x').searchParams.get('id'));
    setTimeout(() => (id % 7 === 0 ? json(res, 500, { id }) : json(res, 200, { id })), id % 3);
  };
  await helper.load(sendApiRequestNode, flowWith(requestNode({ url: `${server.url}/item?id=#id`, concurrency: '8', retries: '0' })));
  const seen = new Map<number, number>();
  const count = (id: number) => seen.set(id, (seen.get(id) ?? 0) + 1);
  helper.getNode('out').on('input', ((msg: { id: number; payload: { id: number } }) => {
    expect(msg.payload.id).toBe(msg.id);
    count(msg.id);
  }) as never);
  const errors: string[] = [];
  helper.getNode('caught').on('input', ((msg: { id: number; error: { code: string } }) => {
    errors.push(msg.error.code);
    count(msg.id);
  }) as never);
  for (let id = 1; id <= 1000; id++) helper.getNode('req').receive({ id, payload: `m${id}` });
  await until(() => seen.size === 1000, 25000, '1,000 results');
  await new Promise((r) => setTimeout(r, 100)); // nothing more may arrive
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
  expect(server.received).toHaveLength(1000);
  expect(errors).toHaveLength(Math.floor(1000 / 7));
  expect(new Set(errors)).toEqual(new Set(['HTTP_STATUS']));
  expect(server.maxInFlight).toBeLessThanOrEqual(8);
  expect(server.maxInFlight).toBeGreaterThan(1);
}, 40000);

describe('pagination', () => {
  const pages: Record<string, number[]> = { '1': [1, 2], '2': [3, 4], '3': [5] };
  beforeEach(() => {
    server.route = (req, res) => json(res, 200, { items: pages[new URL(req.url, 'http://x').searchParams.get('page') ?? ''] ?? [] });
  });
  const paged = (extra: Record<string, unknown>) => requestNode({ url: `${server.url}/list?q=#payload`, pagination: 'pageParam', pageParam: 'page', itemsPath: 'items', ...extra });

  test('pages: one message per page, the rest of the message passing through', async () => {
    await helper.load(sendApiRequestNode, flowWith(paged({})));
    const got = collect(helper.getNode('out'), 3);
    helper.getNode('req').receive({ payload: 'a', topic: 'keep' });
    const msgs = await got;
    expect(msgs.map((m) => m.payload)).toEqual([{ items: [1, 2] }, { items: [3, 4] }, { items: [5] }]);
    expect(msgs.every((m) => m.topic === 'keep')).toBe(true);
    expect(new Set(msgs.map((m) => m.responseUrl)).size).toBe(3);
    expect(server.received.map((r) => r.url)).toEqual(['/list?q=a&page=1', '/list?q=a&page=2', '/list?q=a&page=3', '/list?q=a&page=4']);
  });

  test('merged: one message with the items joined', async () => {
    await helper.load(sendApiRequestNode, flowWith(paged({ paginationOutput: 'merged' })));
    const got = collect(helper.getNode('out'), 1);
    helper.getNode('req').receive({ payload: 'a' });
    const [msg] = await got;
    expect(msg.payload).toEqual([1, 2, 3, 4, 5]);
    await new Promise((r) => setTimeout(r, 50));
  });

  test('1,000 messages with two pages each, concurrency 8: one output per page, or one error for the message', async () => {
    server.route = (req, res) => {
      const u = new URL(req.url, 'http://x');
      const id = Number(u.searchParams.get('id'));
      if (u.pathname === '/first') return json(res, 200, { id, page: 1 }, { link: `</second?id=${id}>; rel="next"` });
      if (id % 9 === 0) return json(res, 500, { id });
      return json(res, 200, { id, page: 2 });
    };
    await helper.load(sendApiRequestNode, flowWith(requestNode({ url: `${server.url}/first?id=#id`, pagination: 'linkHeader', concurrency: '8', retries: '0' })));
    const outputs = new Map<number, number[]>();
    const errors = new Map<number, number>();
    helper.getNode('out').on('input', ((msg: { id: number; payload: { id: number; page: number } }) => {
      expect(msg.payload.id).toBe(msg.id);
      outputs.set(msg.id, [...(outputs.get(msg.id) ?? []), msg.payload.page]);
    }) as never);
    helper.getNode('caught').on('input', ((msg: { id: number }) => errors.set(msg.id, (errors.get(msg.id) ?? 0) + 1)) as never);
    for (let id = 1; id <= 1000; id++) helper.getNode('req').receive({ id });
    const failing = Math.floor(1000 / 9);
    await until(() => outputs.size + errors.size === 1000 && [...outputs.values()].every((p) => p.length === 2), 30000, 'every message to finish');
    await new Promise((r) => setTimeout(r, 100)); // nothing more may arrive
    expect(errors.size).toBe(failing);
    expect([...errors.values()].every((n) => n === 1)).toBe(true);
    expect([...errors.keys()].every((id) => id % 9 === 0 && !outputs.has(id))).toBe(true);
    expect([...outputs.values()].every((pages) => pages.join() === '1,2')).toBe(true);
    expect(server.received).toHaveLength(2000);
    expect(server.maxInFlight).toBeLessThanOrEqual(8);
  }, 45000);
});

test('queue overflow: past 1,000 waiting messages, a clear QUEUE_FULL error through Catch, nothing dropped silently', async () => {
  const held: Array<() => void> = [];
  server.route = (_req, res) => {
    held.push(() => json(res, 200, { ok: true }));
  };
  await helper.load(sendApiRequestNode, flowWith(requestNode({ url: `${server.url}/q`, concurrency: '2' })));
  const caught = collect(helper.getNode('caught'), 1);
  for (let i = 0; i < 1003; i++) helper.getNode('req').receive({ payload: i });
  const [error] = await caught;
  expect((error.error as { code: string }).code).toBe('QUEUE_FULL');
  expect(String((error.error as { message: string }).message)).toMatch(/concurrency/);
  expect(error.payload).toBe(1002);
  // Every other message is answered.
  const outputs = collect(helper.getNode('out'), 1002, 20000);
  const release = setInterval(() => held.splice(0).forEach((answer) => answer()), 5);
  try {
    expect(await outputs).toHaveLength(1002);
  } finally {
    clearInterval(release);
  }
}, 30000);

test('retry status: "retry n of m (waiting s)", then the last status and time', async () => {
  let calls = 0;
  server.route = (_req, res) => (++calls === 1 ? json(res, 503, {}, { 'retry-after': '0' }) : json(res, 200, { ok: 1 }));
  await helper.load(sendApiRequestNode, flowWith(requestNode({ url: `${server.url}/flaky` })));
  const texts = statusTexts('req');
  const got = collect(helper.getNode('out'), 1);
  helper.getNode('req').receive({ payload: 1 });
  await got;
  await until(() => texts.some((t) => /^200 at \d\d:\d\d:\d\d$/.test(t)), 2000, 'the done status');
  expect(texts).toContain('requesting');
  expect(texts).toContain('retry 1 of 2 (waiting 0s)');
});

test('batchSize and batchInterval: at most batchSize requests start per interval', async () => {
  server.route = (_req, res) => json(res, 200, { at: Date.now() });
  await helper.load(sendApiRequestNode, flowWith(requestNode({ url: `${server.url}/b`, batchSize: '2', batchInterval: '300' })));
  const got = collect(helper.getNode('out'), 5);
  const start = Date.now();
  for (let i = 0; i < 5; i++) helper.getNode('req').receive({ payload: i });
  const msgs = await got;
  const offsets = msgs.map((m) => (m.payload as { at: number }).at - start).sort((a, b) => a - b);
  expect(offsets[1]).toBeLessThan(250);
  expect(offsets[2]).toBeGreaterThanOrEqual(280);
  expect(offsets[4]).toBeGreaterThanOrEqual(580);
});
