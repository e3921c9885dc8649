/**
 * Pagination through the path both hosts call (compileNode → executeRequest → outputsFor) against
 * local servers: next URL with #response, page parameter, Link header, stop rules, maxPages, page
 * interval, merged output, and credentials dropped when a next page leaves the origin.
 */
import { compileNode, createPlainResolver, executeRequest, linkNext, outputsFor, SendApiRequestError, type ApiResponse, type RequestConfig } from '../../shared';
import { createHttpTransport, type HttpTransport } from '../../shared/transports/node-http';
import { timerSleep } from '../../shared/transports/timer-sleep';
import { startMisbehavingServer, type MisbehavingServer } from '../support/misbehaving-server';
import { watchProcessHealth, type ProcessHealth } from '../support/health';

const SECRETS = { token: 'page-token-1234' };

let api: MisbehavingServer;
let elsewhere: MisbehavingServer;
let transport: HttpTransport;
let health: ProcessHealth;

function page(n: string | null): number {
  return Number(n ?? '1');
}

function json(res: import('node:http').ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  health = watchProcessHealth();
  [api, elsewhere] = await Promise.all([startMisbehavingServer(), startMisbehavingServer()]);
  transport = createHttpTransport();
});

afterAll(async () => {
  transport.destroy();
  await Promise.all([api.close(), elsewhere.close()]);
  await health.settled();
  expect(health.unhandledRejections).toEqual([]);
  expect(health.leftOpen()).toEqual([]);
});

beforeEach(() => {
  api.reset();
  elsewhere.reset();
  // 3 pages of 2 items; `next` is relative, null on the last page.
  api.route('/cursor', (_req, res, rec) => {
    const n = page(rec.query.get('page'));
    json(res, 200, { items: [n * 10 + 1, n * 10 + 2], next: n < 3 ? `/cursor?page=${n + 1}` : null });
  });
  // An endless cursor, for maxPages and emptyBody.
  api.route('/endless', (_req, res, rec) => {
    const n = page(rec.query.get('page'));
    json(res, 200, { items: n <= Number(rec.query.get('full') ?? 1e9) ? [n] : [], next: `${api.origin}/endless?page=${n + 1}&full=${rec.query.get('full') ?? 1e9}` });
  });
  // Numbered pages: items until page `last`, then [] (or 404 with ?notFound=1).
  api.route('/numbered', (_req, res, rec) => {
    const n = page(rec.query.get('page'));
    const last = Number(rec.query.get('last') ?? 3);
    if (n > last && rec.query.get('notFound')) return json(res, 404, { error: 'no such page' });
    json(res, 200, n > last ? [] : [`p${n}`]);
  });
  // Link header pagination (GitHub style), 3 pages.
  api.route('/linked', (_req, res, rec) => {
    const n = page(rec.query.get('page'));
    const links = [`<${api.origin}/linked?page=1>; rel="first"`];
    if (n < 3) links.push(`</linked?page=${n + 1}>; rel="next"`);
    json(res, 200, [n], { link: links.join(', ') });
  });
  // The second page lives on another origin.
  api.route('/hop', (_req, res) => json(res, 200, { items: ['here'], next: elsewhere.url('/there') }));
  elsewhere.route('/there', (_req, res) => json(res, 200, { items: ['there'], next: null }));
});

async function run(config: Partial<RequestConfig> & { url: string }, options: Record<string, unknown>, values: Record<string, unknown> = {}): Promise<{ pages: ApiResponse[]; outputs: ApiResponse[] }> {
  const node = compileNode({ method: 'GET', ...config }, options);
  const pages = await executeRequest(node, createPlainResolver({ values, secrets: SECRETS }), SECRETS, { transport, sleep: timerSleep });
  return { pages, outputs: outputsFor(node, pages) };
}

test('next URL from #response.body.next (relative): 3 pages, 3 requests, one output per page', async () => {
  const { pages, outputs } = await run({ url: api.url('/cursor') }, { pagination: 'nextUrl', nextUrl: '#response.body.next' });
  expect(pages.map((p) => p.body)).toEqual([
    { items: [11, 12], next: '/cursor?page=2' },
    { items: [21, 22], next: '/cursor?page=3' },
    { items: [31, 32], next: null },
  ]);
  expect(pages.map((p) => p.url)).toEqual([api.url('/cursor'), api.url('/cursor?page=2'), api.url('/cursor?page=3')]);
  expect(outputs).toHaveLength(3);
  expect(api.requestsTo('/cursor')).toHaveLength(3);
});

test('merged output joins the arrays at itemsPath; without an array it lists the page bodies', async () => {
  const { outputs } = await run({ url: api.url('/cursor') }, { pagination: 'nextUrl', nextUrl: '#response.body.next', paginationOutput: 'merged', itemsPath: 'items' });
  expect(outputs).toHaveLength(1);
  expect(outputs[0].body).toEqual([11, 12, 21, 22, 31, 32]);
  const bodies = await run({ url: api.url('/cursor') }, { pagination: 'nextUrl', nextUrl: '#response.body.next', paginationOutput: 'merged' });
  expect(bodies.outputs[0].body).toHaveLength(3);
});

test('page parameter counted up from pageStart by pageStep; the first empty page stops (noNext)', async () => {
  const { pages } = await run({ url: api.url('/numbered?last=3') }, { pagination: 'pageParam', pageParam: 'page' });
  expect(pages.map((p) => p.body)).toEqual([['p1'], ['p2'], ['p3']]);
  expect(api.requestsTo('/numbered').map((r) => r.query.get('page'))).toEqual(['1', '2', '3', '4']);
  api.reset();
  api.route('/numbered', (_req, res, rec) => json(res, 200, page(rec.query.get('page')) > 40 ? [] : [rec.query.get('page')]));
  const stepped = await run({ url: api.url('/numbered'), query: [{ key: 'limit', value: '20' }] }, { pagination: 'pageParam', pageParam: 'page', pageStart: 0, pageStep: 20 });
  expect(stepped.pages.map((p) => p.body)).toEqual([['0'], ['20'], ['40']]);
});

test('stopWhen status: a 404 page ends pagination without an error', async () => {
  const { pages } = await run({ url: api.url('/numbered?last=2&notFound=1') }, { pagination: 'pageParam', pageParam: 'page', stopWhen: 'status', stopStatusCodes: '404, 410' });
  expect(pages.map((p) => p.body)).toEqual([['p1'], ['p2']]);
});

test('without stopWhen status, the same 404 is an HTTP_STATUS error', async () => {
  await expect(run({ url: api.url('/numbered?last=2&notFound=1') }, { pagination: 'pageParam', pageParam: 'page', stopWhen: 'noNext' }))
    .rejects.toMatchObject({ code: 'HTTP_STATUS', statusCode: 404 });
});

test('a first page that already meets the stop rule is still the one output (every input gets an output)', async () => {
  const empty = await run({ url: api.url('/numbered?last=0') }, { pagination: 'pageParam', pageParam: 'page' });
  expect(empty.pages.map((p) => p.body)).toEqual([[]]);
  const merged = await run({ url: api.url('/numbered?last=0') }, { pagination: 'pageParam', pageParam: 'page', paginationOutput: 'merged' });
  expect(merged.outputs.map((p) => p.body)).toEqual([[]]);
  const gone = await run({ url: api.url('/numbered?last=0&notFound=1') }, { pagination: 'pageParam', pageParam: 'page', stopWhen: 'status' });
  expect(gone.pages.map((p) => p.statusCode)).toEqual([404]);
});

test('Link header rel="next" (relative targets resolved): 3 pages', async () => {
  const { pages } = await run({ url: api.url('/linked') }, { pagination: 'linkHeader' });
  expect(pages.map((p) => p.body)).toEqual([[1], [2], [3]]);
});

test.each<[string, string | undefined]>([
  ['<https://api.test/p?page=2>; rel="next", <https://api.test/p?page=9>; rel="last"', 'https://api.test/p?page=2'],
  ['<https://api.test/p?page=1>; rel="prev", </p?page=3>; REL=NEXT', 'https://api.test/p?page=3'],
  ['<https://api.test/n>; title="a, b; c"; rel="next last"', 'https://api.test/n'],
  ['<https://api.test/x,y>; rel="next"', 'https://api.test/x,y'],
  ['<https://api.test/p>; rel="prev nextish"', undefined],
  ['<https://api.test/p>; rel="last"', undefined],
  ['garbage', undefined],
  ['<http://[bad>; rel=next', undefined],
])('Link header %j: next is %j', (header, next) => {
  expect(linkNext(header, 'https://api.test/p?page=1')).toBe(next);
});

test('a hostile Link header (16 kB of "<", the most Node accepts) is parsed in linear time', () => {
  for (const header of ['<'.repeat(16000), `${'<'.repeat(16000)}>; rel=next`, `<a>${'; rel'.repeat(3000)}`, `<a>;${' '.repeat(16000)}x`]) {
    const start = Date.now();
    linkNext(header, 'https://api.test/');
    expect(Date.now() - start).toBeLessThan(100);
  }
});

test('stopWhen emptyBody with a next URL: stops at the first page whose items are empty', async () => {
  const { pages } = await run({ url: api.url('/endless?full=2') }, { pagination: 'nextUrl', nextUrl: '#response.body.next', stopWhen: 'emptyBody', itemsPath: 'items' });
  expect(pages).toHaveLength(2);
  expect(api.requestsTo('/endless')).toHaveLength(3);
});

test.each(['data:application/json,[1]', 'file:///etc/passwd', 'javascript:alert(1)'])('a next URL of %s from the response is INVALID_URL; nothing is read from it', async (next) => {
  api.route('/evil', (_req, res) => json(res, 200, { items: [1], next }));
  const err = await run({ url: api.url('/evil') }, { pagination: 'nextUrl', nextUrl: '#response.body.next' }).catch((e) => e);
  expect(err).toBeInstanceOf(SendApiRequestError);
  expect(err.code).toBe('INVALID_URL');
  expect(api.requestsTo('/evil')).toHaveLength(1);
});

test('maxPages bounds an endless cursor: 5 pages, 5 requests', async () => {
  const { pages } = await run({ url: api.url('/endless') }, { pagination: 'nextUrl', nextUrl: '#response.body.next', maxPages: 5 });
  expect(pages).toHaveLength(5);
  expect(api.requestsTo('/endless')).toHaveLength(5);
});

test('pageInterval waits between pages (at least 200 ms each)', async () => {
  await run({ url: api.url('/cursor') }, { pagination: 'nextUrl', nextUrl: '#response.body.next', pageInterval: 200 });
  const times = api.requestsTo('/cursor').map((r) => r.arrivedAt);
  expect(times).toHaveLength(3);
  for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(190);
});

test('an abort during the page interval ends with ABORTED within 1 s, after 1 request', async () => {
  const node = compileNode({ url: api.url('/cursor'), method: 'GET' }, { pagination: 'nextUrl', nextUrl: '#response.body.next', pageInterval: 5000 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const start = Date.now();
  const err = await executeRequest(node, createPlainResolver({ values: {} }), {}, { transport, sleep: timerSleep, signal: controller.signal }).catch((e) => e);
  expect(err).toBeInstanceOf(SendApiRequestError);
  expect(err.code).toBe('ABORTED');
  expect(Date.now() - start).toBeLessThan(300 + 1000);
  expect(api.requestsTo('/cursor')).toHaveLength(1);
});

test('a next page on another origin gets no Authorization and no secret-bearing header; same-origin pages keep them', async () => {
  const headers = [{ key: 'Authorization', value: 'Bearer #secrets.token' }, { key: 'X-Key', value: '#secrets.token' }, { key: 'X-Plain', value: 'p' }];
  const { pages } = await run({ url: api.url('/hop'), headers }, { pagination: 'nextUrl', nextUrl: '#response.body.next' });
  expect(pages.map((p) => p.body)).toEqual([{ items: ['here'], next: elsewhere.url('/there') }, { items: ['there'], next: null }]);
  const [first] = api.requestsTo('/hop');
  expect(first.headers.authorization).toBe(`Bearer ${SECRETS.token}`);
  const [second] = elsewhere.requestsTo('/there');
  expect(second.headers.authorization).toBeUndefined();
  expect(second.headers['x-key']).toBeUndefined();
  expect(second.headers['x-plain']).toBe('p');
  const same = await run({ url: api.url('/cursor'), headers }, { pagination: 'nextUrl', nextUrl: '#response.body.next' });
  expect(same.pages).toHaveLength(3);
  expect(api.requestsTo('/cursor').map((r) => r.headers.authorization)).toEqual(Array(3).fill(`Bearer ${SECRETS.token}`));
});

test('next URL template with response headers and the host\'s own variables', async () => {
  api.route('/hdr', (_req, res, rec) => {
    const n = page(rec.query.get('page'));
    json(res, 200, [n], n < 2 ? { 'x-next-page': String(n + 1) } : {});
  });
  const { pages } = await run({ url: api.url('/hdr') }, { pagination: 'nextUrl', nextUrl: '#base/hdr?page=#response.headers["x-next-page"]' }, { base: api.origin });
  // Page 2 has no x-next-page: a missing variable means no next page (not a request to ?page=).
  expect(pages.map((p) => p.body)).toEqual([[1], [2]]);
  expect(api.requestsTo('/hdr')).toHaveLength(2);
});

test('bad pagination settings fail at compile time with INVALID_CONFIG naming options.X', () => {
  const bad = (options: Record<string, unknown>) => {
    try {
      compileNode({ url: 'https://api.test/', method: 'GET' }, options);
    } catch (e) {
      expect(e).toBeInstanceOf(SendApiRequestError);
      return { code: (e as SendApiRequestError).code, field: (e as SendApiRequestError).field };
    }
    return undefined;
  };
  expect(bad({ pagination: 'nextUrl' })).toEqual({ code: 'INVALID_CONFIG', field: 'options.nextUrl' });
  expect(bad({ pagination: 'pageParam' })).toEqual({ code: 'INVALID_CONFIG', field: 'options.pageParam' });
  expect(bad({ pagination: 'linkHeader', stopWhen: 'status', stopStatusCodes: '404, abc' })).toEqual({ code: 'INVALID_CONFIG', field: 'options.stopStatusCodes' });
  expect(bad({ pagination: 'nextUrl', nextUrl: '#{response.body' })).toEqual({ code: 'INVALID_CONFIG', field: 'options.nextUrl' });
  expect(bad({ itemsPath: 'data..items' })).toEqual({ code: 'INVALID_CONFIG', field: 'options.itemsPath' });
  expect(bad({ pagination: 'cursor' })).toEqual({ code: 'INVALID_CONFIG', field: 'options.pagination' });
});
