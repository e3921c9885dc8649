/**
 * Property-based tests (fast-check) for the template engine's security properties (issue 2 "Show"):
 * values are inserted with their place's encoding and never parsed again, whatever they hold.
 */
import * as fc from 'fast-check';
import { buildRequest, compileRequest, createPlainResolver, renderRequest, SendApiRequestError } from '../../shared';

const RUNS = { numRuns: 400 };

/** Any UTF-16 string, lone surrogates and control characters included. */
const anyString = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength: 40 });
/** Any well-formed Unicode string (what can round-trip through UTF-8 and percent-encoding). */
const unicodeString = fc.string({ unit: 'binary', maxLength: 40 });
/** Strings salted with the characters that matter to URLs, JSON and templates. */
const trickyString = fc.array(fc.oneof(
  unicodeString,
  fc.constantFrom('/', '?', '#', '&', '=', '%', '.', '..', '\\', '"', "'", '{', '}', '[', ']', '@', ':', '%2e', '%2F', '\r\n', ' ', '+'),
), { maxLength: 8 }).map((a) => a.join(''));

function raw(rawBody: string, values: Record<string, unknown>): unknown {
  const r = buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'raw', raw: rawBody } }, { values });
  return JSON.parse(String(r.body));
}

test('any JSON value in raw-JSON value position parses back deep-equal', () => {
  fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (x, y) => {
    const parsed = raw('{"x": #x, "list": [#x, #y], "y":#y}', { x, y }) as { x: unknown; list: unknown[]; y: unknown };
    // JSON itself has no -0: compare with what JSON makes of the value.
    const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));
    expect(parsed.x).toEqual(asJson(x));
    expect(parsed.list).toEqual([asJson(x), asJson(y)]);
    expect(parsed.y).toEqual(asJson(y));
  }), RUNS);
});

test('any string inside a JSON string literal parses back equal', () => {
  fc.assert(fc.property(anyString, anyString, (s, t) => {
    const parsed = raw('{"a": "#s", "b": "pre #{s} mid #t post", "#t": 1}', { s, t }) as Record<string, unknown>;
    expect(parsed.a).toBe(s);
    expect(parsed.b).toBe(`pre ${s} mid ${t} post`);
    expect(parsed[t]).toBe(1);
    expect(Object.keys(parsed)).toHaveLength(t === 'a' || t === 'b' ? 2 : 3);
  }), RUNS);
});

test('any string in a path segment or query value round-trips and never changes the host or the segments', () => {
  fc.assert(fc.property(fc.oneof(trickyString, unicodeString), fc.oneof(trickyString, unicodeString), (p, q) => {
    let url: URL;
    try {
      url = new URL(buildRequest({ url: 'https://api.test:8443/a/#p/b?q=#q&z=1', method: 'GET' }, { values: { p, q } }).url);
    } catch (e) {
      // The only refusal: a value that would make the segment "." or "..".
      expect(e).toBeInstanceOf(SendApiRequestError);
      expect((e as SendApiRequestError).code).toBe('INVALID_URL');
      expect(['.', '..']).toContain(p);
      return;
    }
    expect(url.host).toBe('api.test:8443');
    expect(url.username + url.password).toBe('');
    const segments = url.pathname.split('/');
    expect(segments).toHaveLength(4);
    expect(segments[1]).toBe('a');
    expect(segments[3]).toBe('b');
    expect(decodeURIComponent(segments[2])).toBe(p);
    expect(url.hash).toBe('');
    const rawQuery = url.search.slice(1).split('&');
    expect(rawQuery).toHaveLength(2);
    expect(rawQuery[0].startsWith('q=')).toBe(true);
    expect(decodeURIComponent(rawQuery[0].slice(2))).toBe(q);
    expect(rawQuery[1]).toBe('z=1');
  }), RUNS);
});

test('the query-parameter list round-trips any string through URLSearchParams', () => {
  fc.assert(fc.property(unicodeString, trickyString, (k, v) => {
    fc.pre(k !== '');
    const r = buildRequest({ url: 'https://api.test/x', method: 'GET', query: [{ key: '#k', value: '#v' }] }, { values: { k, v } });
    const url = new URL(r.url);
    expect(url.host).toBe('api.test');
    expect([...url.searchParams.entries()]).toEqual([[k, v]]);
  }), RUNS);
});

test('no header value with CR, LF or NUL passes; every other allowed value is sent as it is', () => {
  const forbidden = fc.tuple(anyString, fc.constantFrom('\r', '\n', '\u0000'), anyString).map(([a, c, b]) => a + c + b);
  fc.assert(fc.property(forbidden, (v) => {
    let error: unknown;
    try {
      buildRequest({ url: 'https://api.test/', method: 'GET', headers: [{ key: 'X-Value', value: 'a #v' }] }, { values: { v } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SendApiRequestError);
    expect((error as SendApiRequestError).code).toBe('INVALID_HEADER');
    expect((error as SendApiRequestError).field).toBe('headers[0]');
  }), RUNS);
  const allowed = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(9)).map((n) => String.fromCharCode(n)) });
  fc.assert(fc.property(allowed, (v) => {
    const r = buildRequest({ url: 'https://api.test/', method: 'GET', headers: [{ key: 'X-Value', value: '#v' }] }, { values: { v } });
    expect(r.headers['X-Value']).toBe(v);
  }), RUNS);
});

test('a value holding #secrets.X, #{…} or {{ }} is inserted literally in every place, in both hosts\' parse modes', () => {
  const secrets = { KEY: 'the-real-secret-value' };
  const hostile = fc.tuple(trickyString, fc.constantFrom('#secrets.KEY', '#{secrets.KEY}', '{{ $secrets.KEY }}', '{{ $env.HOME }}', '#json', '##', '#x'), trickyString)
    .map(([a, b, c]) => `${a}${b}${c}`.replace(/[\r\n\u0000]/g, ''));
  fc.assert(fc.property(hostile, fc.boolean(), (v, expressions) => {
    const compiled = compileRequest({
      url: 'https://api.test/p/#v?q=#v',
      method: 'POST',
      headers: [{ key: 'X-V', value: '#v' }],
      body: { mode: 'raw', raw: '{"v": #v, "s": "#v"}' },
    }, { expressions });
    let r;
    try {
      r = renderRequest(compiled, createPlainResolver({ values: { v, x: 'X' }, secrets }), { secrets: Object.values(secrets) });
    } catch (e) {
      // Only the header may refuse a value (characters outside Latin-1), and the path "."/"..".
      expect(e).toBeInstanceOf(SendApiRequestError);
      expect(['INVALID_HEADER', 'INVALID_URL']).toContain((e as SendApiRequestError).code);
      return;
    }
    expect(decodeURIComponent(new URL(r.url).pathname.split('/')[2])).toBe(v);
    expect(r.headers['X-V']).toBe(v);
    expect(JSON.parse(String(r.body))).toEqual({ v, s: v });
    expect(JSON.stringify(r)).not.toContain(secrets.KEY);
    expect(r.sensitiveHeaders).toEqual([]);
  }), RUNS);
});

test('secret values containing template syntax are inserted literally too', () => {
  fc.assert(fc.property(trickyString, (s) => {
    const secret = `#x{{ a }}${s}`;
    const r = buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'raw', raw: '{"k": "#secrets.K"}' } }, { values: { x: 'X' }, secrets: { K: secret } });
    expect(JSON.parse(String(r.body))).toEqual({ k: secret });
  }), RUNS);
});
