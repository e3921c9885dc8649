/**
 * A hostile server, simulated: random statuses, Location, Retry-After, Content-Type, Link headers and
 * bodies, and random transport failures (including non-Error throws), through sendRequest and
 * sendPages for a bounded time. Outcome: a response or a SendApiRequestError, never anything else,
 * never more transport calls than (retries + 1) × (maxRedirects + 1) per page, and no secret in errors.
 */
import * as fc from 'fast-check';
import { buildRequest, compilePagination, createPlainResolver, DEFAULT_OPTIONS, sendPages, sendRequest, SendApiRequestError, type TransportResponse } from '../../shared';

const SECRET = 'hostile-secret-9876';
const DURATION_MS = 3000;

const status = fc.oneof(fc.constantFrom(200, 201, 204, 301, 302, 303, 307, 308, 400, 401, 404, 408, 413, 429, 500, 502, 503, 504), fc.integer({ min: 100, max: 599 }));
const headerText = fc.oneof(
  fc.constantFrom('', ' ', '5', '0', '-1', '1.5', '99999999999', 'Wed, 21 Oct 2015 07:28:00 GMT', 'javascript:alert(1)', '//127.0.0.1:1/x', 'http://[', 'file:///etc/passwd', '/next?page=2', `https://api.test/${SECRET}`),
  fc.string({ maxLength: 30 }),
);
const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain; charset=bogus', 'application/problem+json', 'text/html', 'application/octet-stream', '', 'image/png', 'application/x-ndjson'),
  fc.string({ maxLength: 20 }),
);
const body = fc.oneof(
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.constantFrom(Buffer.from('{"broken":'), Buffer.from(`echo ${SECRET}`), Buffer.alloc(0), Buffer.from('\uFEFF[1]')),
);
const response = fc.record({
  statusCode: status,
  headers: fc.record({ location: headerText, 'retry-after': headerText, 'content-type': contentType, link: headerText }, { requiredKeys: [] }),
  body,
});
const thrown = fc.constantFrom<unknown>(
  Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
  Object.assign(new Error('tls'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
  Object.assign(new Error('timeout of 5ms exceeded'), { code: 'ECONNABORTED' }),
  Object.assign(new Error('maxContentLength size of 10 exceeded'), { code: 'ERR_BAD_RESPONSE' }),
  { name: 'AbortError' },
  'a string thrown',
  null,
  undefined,
  42,
);
const step = fc.oneof({ weight: 4, arbitrary: response.map((r) => ({ kind: 'response' as const, r })) }, { weight: 1, arbitrary: thrown.map((e) => ({ kind: 'throw' as const, e })) });

const options = fc.record({
  retries: fc.integer({ min: 0, max: 3 }),
  maxRedirects: fc.integer({ min: 0, max: 4 }),
  followRedirects: fc.boolean(),
  neverError: fc.boolean(),
  retryNonIdempotent: fc.boolean(),
  responseFormat: fc.constantFrom('auto', 'json', 'text', 'binary') as fc.Arbitrary<'auto' | 'json' | 'text' | 'binary'>,
  maxResponseBytes: fc.constantFrom(0, 16, 1000),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'HEAD'),
});

test(`hostile responses for ${DURATION_MS} ms: a response or a SendApiRequestError, bounded attempts, no secret`, async () => {
  let runs = 0;
  const result = await fc.check(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), options, fc.boolean(), async (steps, o, paginate) => {
    runs++;
    let calls = 0;
    const transport = async (): Promise<TransportResponse> => {
      const s = steps[calls++ % steps.length];
      if (s.kind === 'throw') throw s.e;
      return { statusCode: s.r.statusCode, headers: s.r.headers as Record<string, string>, body: s.r.body };
    };
    const prepared = buildRequest({ url: `https://api.test/items?key=#secrets.k`, method: o.method, headers: [{ key: 'Authorization', value: 'Bearer #secrets.k' }] }, { values: {}, secrets: { k: SECRET } });
    const send = { ...o, transport, sleep: async () => undefined, secrets: [SECRET] };
    const maxPages = 3;
    try {
      if (paginate) {
        const pagination = compilePagination({ ...DEFAULT_OPTIONS, pagination: 'linkHeader', maxPages });
        await sendPages({ first: prepared, pagination, resolver: createPlainResolver({ values: {} }), send });
      } else {
        await sendRequest(prepared, send);
      }
    } catch (err) {
      if (!(err instanceof SendApiRequestError)) throw err;
      const shown = [err.message, err.hint ?? '', JSON.stringify(err)].join('\n');
      if (shown.includes(SECRET)) throw new Error(`secret in ${err.code}: ${shown}`);
    }
    const bound = (o.retries + 1) * (o.maxRedirects + 1) * (paginate ? maxPages : 1);
    if (calls > bound) throw new Error(`${calls} transport calls, more than ${bound}`);
  }), { numRuns: 1_000_000, interruptAfterTimeLimit: DURATION_MS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) });
  expect(result.failed ? fc.defaultReportMessage(result) : undefined).toBeUndefined();
  // For the README's reliability figures.
  console.log(`hostile-response fuzz: ${runs} exchanges, all a response or a SendApiRequestError`);
  expect(runs).toBeGreaterThan(100);
}, DURATION_MS + 20000);
