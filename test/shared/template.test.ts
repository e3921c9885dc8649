/**
 * The # template engine (SPEC §1): grammar, INVALID_CONFIG cases, onMissing per place, URL places,
 * raw JSON positions and INVALID_JSON positions. Most cases go through buildRequest, as a user's
 * form would; the grammar cases read parseTemplate's parts directly.
 */
import { buildRequest, compileRequest, createPlainResolver, parseTemplate, renderRequest, SendApiRequestError, type RequestConfig, type TemplatePart } from '../../shared';

type Vars = { values: Record<string, unknown>; secrets?: Record<string, string> };

function vars(values: Record<string, unknown> = {}, secrets?: Record<string, string>): Vars {
  return { values, secrets };
}

/** The parts of a template in a compact form: text as a string, variables as their path. */
function parts(template: string): Array<string | Array<string | number>> {
  return parseTemplate(template, { field: 'f' }).parts.map((p: TemplatePart) => (p.kind === 'text' ? p.text : p.kind === 'var' ? p.path : p.source));
}

function errorOf(fn: () => unknown): SendApiRequestError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SendApiRequestError);
    return e as SendApiRequestError;
  }
  throw new Error('expected a SendApiRequestError');
}

function url(template: string, values: Record<string, unknown> = {}, onMissing?: 'error' | 'empty' | 'keep'): string {
  return buildRequest({ url: template, method: 'GET' }, vars(values), { onMissing }).url;
}

function rawJson(raw: string, values: Record<string, unknown> = {}, onMissing?: 'error' | 'empty' | 'keep'): unknown {
  const body = buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'raw', raw } }, vars(values), { onMissing }).body;
  return JSON.parse(String(body));
}

describe('grammar', () => {
  test.each<[string, ReturnType<typeof parts>]>([
    ['Hello #name.', ['Hello ', ['name'], '.']],
    ['#a.b.c', [['a', 'b', 'c']]],
    ['#items[0].id', [['items', 0, 'id']]],
    ['#steps["Node name"].x', [['steps', 'Node name', 'x']]],
    ["#steps['it''s'].x", [['steps'], "['it''s'].x"]],
    ["#a['k'][2]", [['a', 'k', 2]]],
    ['#$x_1.y$', [['$x_1', 'y$']]],
    ['#{ a . b }', [['a', 'b']]],
    ['#{a["x.y]"].z}', [['a', 'x.y]', 'z']]],
    ["#{a['q\"'][3]}", [['a', 'q"', 3]]],
    ['#{key with spaces}', [['key with spaces']]],
    ['##', ['#']],
    ['##fff and ##{x}', ['#fff and #{x}']],
    ['#1 # #- end#', ['#1 # #- end#']],
    ['/users/#id.json', ['/users/', ['id', 'json']]],
    ['/users/#{id}.json', ['/users/', ['id'], '.json']],
    ['#fff', [['fff']]],
    ['#a[x] #b[0', [['a'], '[x] ', ['b'], '[0']],
    ['#a. #b.1', [['a'], '. ', ['b'], '.1']],
    ['x#a#b', ['x', ['a'], ['b']]],
    ['', []],
  ])('%j parses to %j', (template, expected) => {
    expect(parts(template)).toEqual(expected);
  });

  test('n8n mode: {{ }} islands are opaque, # inside them is not a variable', () => {
    const t = parseTemplate('a {{ $json["#x"] }} #y {{ unclosed', { field: 'url', expressions: true });
    expect(t.parts.map((p) => p.kind)).toEqual(['text', 'expr', 'text', 'var', 'text']);
    expect(t.parts[1]).toMatchObject({ source: '{{ $json["#x"] }}' });
    // Without expressions (Node-RED), braces are text and #x inside them is a variable.
    expect(parseTemplate('{{ #x }}', { field: 'url' }).parts.map((p) => p.kind)).toEqual(['text', 'var', 'text']);
  });

  test('single and literal flags', () => {
    expect(parseTemplate('#x', { field: 'f' })).toMatchObject({ single: true, literal: false });
    expect(parseTemplate(' #x', { field: 'f' })).toMatchObject({ single: false, literal: false });
    expect(parseTemplate('plain ##', { field: 'f' })).toMatchObject({ single: false, literal: true });
  });

  test.each([
    ['#{', 'unclosed #{'],
    ['abc #{name', 'unclosed #{'],
    ['#{}', 'empty variable'],
    ['#{  }', 'empty variable'],
    ['#{a..b}', 'empty path segment'],
    ['#{a.}', 'empty path segment'],
    ['#{.a}', 'empty path segment'],
    ['#{a["x}', 'unclosed quote'],
    ['#{a[x]}', 'must hold digits or a quoted key'],
    ['#{a[]}', 'must hold digits or a quoted key'],
    ['#{a[-1]}', 'must hold digits or a quoted key'],
    ['#{a[0]b}', 'expected . [ or } after ]'],
    ['#{a"b"}', 'quoted keys go in brackets'],
  ])('%j fails with INVALID_CONFIG (%s), naming the field and the position', (template, what) => {
    const err = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'GET', headers: [{ key: 'X', value: template }] }, vars()));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.field).toBe('headers[0]');
    expect(err.message).toContain(what);
    expect(err.message).toMatch(/in headers\[0\] at character \d+/);
    expect(err.hint).toContain('##');
  });
});

describe('values', () => {
  test('text of a value: strings as they are, scalars via String, objects as JSON, Buffers as UTF-8', () => {
    const body = buildRequest({
      url: 'https://api.test/', method: 'POST',
      body: { mode: 'raw', contentType: 'text/plain', raw: '#s|#n|#b|#z|#o|#a|#buf' },
    }, vars({ s: 'text', n: 1.5, b: false, z: null, o: { k: [1] }, a: [1, 'x'], buf: Buffer.from('héllo') })).body;
    expect(body).toBe('text|1.5|false|null|{"k":[1]}|[1,"x"]|héllo');
  });

  test('only own properties are read: #x.constructor and #x.__proto__ are unknown', () => {
    for (const path of ['#x.constructor', '#x.__proto__', '#x.toString', '#s.length']) {
      const err = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'GET', headers: [{ key: 'X', value: path }] }, vars({ x: {}, s: 'abc' })));
      expect(err.code).toBe('UNKNOWN_VARIABLE');
    }
  });

  test('roots: #json and #msg read the values, a field named like a root is reached through them', () => {
    const r = buildRequest({ url: 'https://api.test/#json.a/#msg.a/#a', method: 'GET' }, vars({ a: 'x', json: 'field' }));
    expect(r.url).toBe('https://api.test/x/x/x');
    expect(buildRequest({ url: 'https://api.test/#json.json', method: 'GET' }, vars({ json: 'field' })).url).toBe('https://api.test/field');
  });

  test('a circular value (a Node-RED msg.req, say) gives INVALID_BODY naming the body, not a crash', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    const err = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'fields', fields: [{ key: 'm', value: '#m' }] } }, vars({ m: loop })));
    expect(err.code).toBe('INVALID_BODY');
    expect(err.field).toBe('body.fields[0]');
    expect(err.message).toContain('circular');
    const raw = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'raw', raw: '{"m": #m}' } }, vars({ m: loop })));
    expect(raw).toMatchObject({ code: 'INVALID_BODY', field: 'body.raw' });
    const header = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'GET', headers: [{ key: 'X', value: '#m' }] }, vars({ m: { big: BigInt(1) } })));
    expect(header).toMatchObject({ code: 'INVALID_HEADER', field: 'headers[0]' });
    const query = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'GET', query: [{ key: 'q', value: '#m' }] }, vars({ m: [loop] })));
    expect(query).toMatchObject({ code: 'INVALID_URL', field: 'query[0]' });
  });
});

describe('unknown variables and onMissing', () => {
  test('error (default): UNKNOWN_VARIABLE naming the variable, the field and what exists', () => {
    const err = errorOf(() => buildRequest({ url: 'https://api.test/#user.idd', method: 'GET' }, vars({ user: { id: 1, name: 'a' }, other: 2 })));
    expect(err.code).toBe('UNKNOWN_VARIABLE');
    expect(err.field).toBe('url');
    expect(err.message).toContain('#user.idd');
    expect(err.message).toContain('#user has: id, name');
    const top = errorOf(() => buildRequest({ url: 'https://api.test/#nope', method: 'GET' }, vars({ user: 1, other: 2 })));
    expect(top.message).toContain('The input has: user, other');
    expect(top.message).toContain('Roots: json, msg, secrets');
  });

  test('an unknown secret lists secret names, never values; #secrets alone is unknown', () => {
    const secrets = { API_KEY: 'value-of-the-key', OTHER: 'another-value' };
    const err = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'GET', headers: [{ key: 'A', value: '#secrets.API_KEYS' }] }, vars({}, secrets)));
    expect(err.code).toBe('UNKNOWN_VARIABLE');
    expect(err.field).toBe('headers[0]');
    expect(err.message).toContain('API_KEY, OTHER');
    expect(err.message).not.toContain('value-of-the-key');
    expect(errorOf(() => buildRequest({ url: 'https://api.test/#secrets', method: 'GET' }, vars({}, secrets))).code).toBe('UNKNOWN_VARIABLE');
    expect(errorOf(() => buildRequest({ url: 'https://api.test/#secrets.API_KEY.x', method: 'GET' }, vars({}, secrets))).code).toBe('UNKNOWN_VARIABLE');
  });

  const config = (): RequestConfig => ({
    url: 'https://api.test/p/#x?q=#x',
    method: 'POST',
    query: [{ key: 'k', value: '#x' }, { key: 'm', value: 'a#x' }],
    headers: [{ key: 'X-H', value: '#x' }],
    body: { mode: 'fields', fields: [{ key: 'single', value: '#x' }, { key: 'mixed', value: 'a#x' }] },
  });

  test('empty: nothing in text places, null where a JSON value is needed', () => {
    const r = buildRequest(config(), vars(), { onMissing: 'empty' });
    expect(r.url).toBe('https://api.test/p/?q=&k=&m=a');
    expect(r.headers['X-H']).toBe('');
    expect(JSON.parse(String(r.body))).toEqual({ single: null, mixed: 'a' });
    expect(rawJson('{"v": #x, "s": "a#x"}', {}, 'empty')).toEqual({ v: null, s: 'a' });
    const mp = buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'fields', encoding: 'multipart', fields: [{ key: 'f', value: '#x' }] } }, vars(), { onMissing: 'empty' });
    expect((mp.body as Buffer).toString()).toContain('name="f"\r\n\r\n\r\n');
  });

  test('keep: the written text, encoded for its place; a JSON string where a JSON value is needed', () => {
    const r = buildRequest(config(), vars(), { onMissing: 'keep' });
    expect(r.url).toBe('https://api.test/p/%23x?q=%23x&k=%23x&m=a%23x');
    expect(r.headers['X-H']).toBe('#x');
    expect(JSON.parse(String(r.body))).toEqual({ single: '#x', mixed: 'a#x' });
    expect(rawJson('{"v": #x, "s": "a#{x}"}', {}, 'keep')).toEqual({ v: '#x', s: 'a#{x}' });
    const text = buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'raw', contentType: 'text/plain', raw: 'hi #x' } }, vars(), { onMissing: 'keep' });
    expect(text.body).toBe('hi #x');
    const form = buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'fields', encoding: 'form', fields: [{ key: 'f', value: '#x' }] } }, vars(), { onMissing: 'keep' });
    expect(form.body).toBe('f=%23x');
  });
});

describe('URL places', () => {
  test('path and query values are percent-encoded; scheme/host/port inserted as written', () => {
    expect(url('https://#host/u/#id?q=#q&r=x#frag', { host: 'api.test:8443', id: 'a/b?c#d', q: 'x&y=z', frag: 'never' })).toBe(
      'https://api.test:8443/u/a%2Fb%3Fc%23d?q=x%26y%3Dz&r=x' + 'never',
    );
  });

  test('a fragment written as ## is literal; a variable after it is encoded for the fragment', () => {
    expect(url('https://api.test/p##sec-#n', { n: 'a b' })).toBe('https://api.test/p#sec-a%20b');
  });

  test('a whole-URL variable is inserted as written (white space trimmed)', () => {
    expect(url('  #u  ', { u: ' https://api.test/a/b?c=d&e=%20 ' })).toBe('https://api.test/a/b?c=d&e=%20');
  });

  test('a base-URL variable, then path and query: the rest is encoded for its place', () => {
    expect(url('#base/users/#id?x=#x', { base: 'https://api.test/v1', id: 'a b', x: '1/2' })).toBe('https://api.test/v1/users/a%20b?x=1%2F2');
    expect(url('#base&x=#x', { base: 'https://api.test/v1?a=1', x: '&' })).toBe('https://api.test/v1?a=1&x=%26');
  });

  test('a value that makes a path segment . or .. fails with INVALID_URL; elsewhere dots are fine', () => {
    for (const [template, values] of [
      ['https://api.test/a/#id/b', { id: '..' }],
      ['https://api.test/a/#id', { id: '.' }],
      ['https://api.test/a/.#id/b', { id: '.' }],
      ['https://api.test/a/#x#y/b', { x: '.', y: '.' }],
    ] as Array<[string, Record<string, unknown>]>) {
      const err = errorOf(() => url(template, values));
      expect(err.code).toBe('INVALID_URL');
      expect(err.field).toBe('url');
    }
    expect(url('https://api.test/a/#id/b?q=#id', { id: '...' })).toBe('https://api.test/a/.../b?q=...');
    expect(url('https://api.test/a/#id/b?q=#q', { id: 'x.y', q: '..' })).toBe('https://api.test/a/x.y/b?q=..');
    // Dot segments the user wrote are the user's: the URL parser resolves them as usual.
    expect(url('https://api.test/a/../b')).toBe('https://api.test/b');
  });

  test('a lone surrogate in a path value is sent as U+FFFD (as URL and UTF-8 do), not a crash', () => {
    expect(url('https://api.test/#x?q=#x', { x: 'a\uD800b' })).toBe('https://api.test/a%EF%BF%BDb?q=a%EF%BF%BDb');
  });

  test.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['api.test/x', 'not a valid absolute URL'],
    ['ftp://api.test/x', 'only http and https'],
    ['#u', 'only http and https'],
    ['https://', 'not a valid absolute URL'],
  ])('URL %j fails with INVALID_URL (%s)', (template, what) => {
    const err = errorOf(() => url(template, { u: 'javascript:alert(1)' }));
    expect(err.code).toBe('INVALID_URL');
    expect(err.field).toBe('url');
    expect(err.message).toContain(what);
  });

  test('query list: URLSearchParams encoding, arrays repeat the key, empty arrays drop it, empty rows skipped', () => {
    const r = buildRequest({
      url: 'https://api.test/x?a=1',
      method: 'GET',
      query: [{ key: 'ids', value: '#ids' }, { key: 'none', value: '#empty' }, { key: '', value: '' }, { key: 'sp', value: 'a b+c' }, { key: 'mixed', value: 'x#ids' }],
    }, vars({ ids: [1, 'two'], empty: [] }));
    expect(r.url).toBe('https://api.test/x?a=1&ids=1&ids=two&sp=a+b%2Bc&mixed=x%5B1%2C%22two%22%5D');
  });
});

describe('headers', () => {
  test.each([
    ['a\r\nX-Injected: 1', 'carriage return'],
    ['a\nb', 'line feed'],
    ['a\u0000b', 'NUL'],
    ['a\u007fb', 'DEL'],
    ['\u0100', 'U+0100'],
    ['emoji 😀', 'U+D83D'],
  ])('a value with %j fails with INVALID_HEADER (%s)', (value, what) => {
    const err = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'GET', headers: [{ key: 'X', value: '#v' }] }, vars({ v: value })));
    expect(err.code).toBe('INVALID_HEADER');
    expect(err.field).toBe('headers[0]');
    expect(err.message).toContain(what);
  });

  test('tab, visible ASCII, Latin-1 and empty values pass', () => {
    const r = buildRequest({ url: 'https://api.test/', method: 'GET', headers: [{ key: 'A', value: 'x\ty é ~' }, { key: 'B', value: '#e' }] }, vars({ e: '' }));
    expect(r.headers).toEqual({ A: 'x\ty é ~', B: '' });
  });

  test('header names must be tokens; a row with a value and no name fails', () => {
    for (const key of ['Bad Name', 'a:b', 'x\ny', '#v']) {
      const err = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'GET', headers: [{ key, value: '1' }] }, vars({ v: 'a b' })));
      expect(err.code).toBe('INVALID_HEADER');
    }
    expect(errorOf(() => buildRequest({ url: 'https://api.test/', method: 'GET', headers: [{ key: '', value: 'x' }] }, vars())).code).toBe('INVALID_HEADER');
  });

  test('contentType is checked like a header value (field body.contentType)', () => {
    const err = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'raw', raw: 'x', contentType: 'text/plain\r\nX: 1' } }, vars()));
    expect(err.code).toBe('INVALID_HEADER');
    expect(err.field).toBe('body.contentType');
  });
});

describe('raw JSON body', () => {
  test('value position inserts JSON; inside a string literal inserts escaped text', () => {
    const v = { q: 'say "hi"\n\\', n: 3, o: { a: [1, null] } };
    expect(rawJson('{"v": #v, "s": "<#v.q>", "n": #v.n, "t": "#v.n", "arr": [#v.n, #v.o]}', { v })).toEqual({
      v,
      s: `<${v.q}>`,
      n: 3,
      t: '3',
      arr: [3, v.o],
    });
  });

  test('escaped quotes and backslashes in the template keep string tracking right', () => {
    expect(rawJson('{"a": "x\\"#v\\\\", "b": #v, "c": "\\\\#v"}', { v: 'q"' })).toEqual({ a: 'x"q"\\', b: 'q"', c: '\\q"' });
  });

  test('a backslash right before a variable inside a string fails with INVALID_JSON at the backslash', () => {
    const err = errorOf(() => rawJson('{\n  "a": "\\#v"\n}', { v: '"' }));
    expect(err.code).toBe('INVALID_JSON');
    expect(err.field).toBe('body.raw');
    expect(err.message).toContain('line 2, column 9');
  });

  test('a body of just #payload sends the value as JSON; an empty raw body sends no body', () => {
    const r = buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'raw', raw: '#payload' } }, vars({ payload: [1, { a: 'b' }] }));
    expect(r.body).toBe('[1,{"a":"b"}]');
    expect(r.headers['content-type']).toBe('application/json');
    const empty = buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'raw', raw: '  ' } }, vars());
    expect(empty.body).toBeUndefined();
    expect(empty.headers['content-type']).toBeUndefined();
  });

  test('INVALID_JSON names the line and column of the template, not of the rendered text', () => {
    const template = '{\n  "a": #long,\n  "b": #x\n  "c": 2\n}';
    const err = errorOf(() => rawJson(template, { long: 'a very long value that shifts every offset', x: 5 }));
    expect(err.code).toBe('INVALID_JSON');
    expect(err.field).toBe('body.raw');
    expect(err.message).toContain('line 4, column 3');
    expect(err.message).toContain('expected a comma or }');
    const two = errorOf(() => rawJson('{"a": #x #y}', { x: 1, y: 2 }));
    expect(two.message).toContain('line 1, column 10');
    const trailing = errorOf(() => rawJson('[1, 2,]'));
    expect(trailing.message).toContain('line 1, column 7');
  });

  test('content type decides JSON: empty, application/json or +json (parameters ignored); else text', () => {
    const send = (contentType: string) => buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'raw', raw: '{"a": #v}', contentType } }, vars({ v: 'x' }));
    expect(send('application/vnd.api+json; charset=utf-8').body).toBe('{"a": "x"}');
    expect(send('Application/JSON').body).toBe('{"a": "x"}');
    expect(send('text/plain').body).toBe('{"a": x}');
    expect(send('text/plain').headers['content-type']).toBe('text/plain');
  });
});

describe('body modes', () => {
  test('JSON fields keep the type of a single variable; mixed text is a string', () => {
    const r = buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'fields', fields: [{ key: 'n', value: '#n' }, { key: 'o', value: '#o' }, { key: 't', value: 'n=#n' }, { key: 'b', value: '#buf' }] } },
      vars({ n: 2, o: { a: true }, buf: Buffer.from('hi') }));
    expect(JSON.parse(String(r.body))).toEqual({ n: 2, o: { a: true }, t: 'n=2', b: 'hi' });
  });

  test('n8n: an expression that gives undefined keeps its JSON field, as null', () => {
    const compiled = compileRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'fields', fields: [{ key: 'a', value: '{{ $json.missing }}' }, { key: 'b', value: '#b' }] } }, { expressions: true });
    const resolver = { ...createPlainResolver({ values: { b: 1 } }), evaluate: () => undefined };
    const r = renderRequest(compiled, resolver);
    expect(JSON.parse(String(r.body))).toEqual({ a: null, b: 1 });
  });

  test('a JSON field named __proto__ is sent like any other field', () => {
    const r = buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'fields', fields: [{ key: '__proto__', value: '#v' }, { key: 'constructor', value: 'c' }] } }, vars({ v: { polluted: true } }));
    expect(r.body).toBe('{"__proto__":{"polluted":true},"constructor":"c"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a header row sets Content-Type, except for multipart which sends its boundary', () => {
    const fields = [{ key: 'a', value: '1' }];
    const json = buildRequest({ url: 'https://api.test/', method: 'POST', headers: [{ key: 'Content-Type', value: 'application/merge-patch+json' }], body: { mode: 'fields', fields } }, vars());
    expect(json.headers).toEqual({ 'Content-Type': 'application/merge-patch+json' });
    const mp = buildRequest({ url: 'https://api.test/', method: 'POST', headers: [{ key: 'content-type', value: 'text/plain' }], body: { mode: 'fields', encoding: 'multipart', fields } }, vars());
    expect(mp.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(Object.keys(mp.headers)).toEqual(['content-type']);
  });

  test('multipart: a Buffer or a file object is a file part; a value cannot end a part early', () => {
    const r = buildRequest({
      url: 'https://api.test/', method: 'POST',
      body: { mode: 'fields', encoding: 'multipart', fields: [{ key: 'f', value: '#file' }, { key: 'n"x', value: '#text' }] },
    }, vars({ file: { data: Buffer.from('PNG'), fileName: 'a.png', mimeType: 'image/png' }, text: 'line\r\n--x' }));
    const body = (r.body as Buffer).toString();
    const boundary = /boundary=(.*)$/.exec(r.headers['content-type'])![1];
    expect(body).toContain('name="f"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nPNG\r\n');
    expect(body).toContain('name="n%22x"');
    expect(body.split(`--${boundary}`)).toHaveLength(4);
  });

  test('binary mode: a Buffer is sent as it is; the source must be one variable', () => {
    const r = buildRequest({ url: 'https://api.test/', method: 'PUT', body: { mode: 'binary', source: '#payload' } }, vars({ payload: Buffer.from([1, 2]) }));
    expect(r.body).toEqual(Buffer.from([1, 2]));
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(errorOf(() => buildRequest({ url: 'https://api.test/', method: 'PUT', body: { mode: 'binary', source: 'x #payload' } }, vars())).field).toBe('body.source');
    const notBinary = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'PUT', body: { mode: 'binary', source: '#payload' } }, vars({ payload: { a: 1 } })));
    expect(notBinary.code).toBe('INVALID_BODY');
  });

  test('a file whose MIME type holds a line break fails with INVALID_HEADER (binary and multipart)', () => {
    const file = { data: Buffer.from('x'), fileName: 'a.txt', mimeType: 'text/plain\r\nX-Injected: 1' };
    const binary = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'PUT', body: { mode: 'binary', source: '#f' } }, vars({ f: file })));
    expect(binary).toMatchObject({ code: 'INVALID_HEADER', field: 'body.source' });
    const mp = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'fields', encoding: 'multipart', fields: [{ key: 'f', value: '#f' }] } }, vars({ f: file })));
    expect(mp).toMatchObject({ code: 'INVALID_HEADER', field: 'body.fields[0]' });
    const ok = buildRequest({ url: 'https://api.test/', method: 'PUT', body: { mode: 'binary', source: '#f' } }, vars({ f: { ...file, mimeType: 'image/png' } }));
    expect(ok.headers['content-type']).toBe('image/png');
  });

  test('a saved configuration of another shape is INVALID_CONFIG naming the property, not a TypeError', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ headers: {} }, 'headers'],
      [{ query: 'a=b' }, 'query'],
      [{ body: { mode: 'fields', fields: {} } }, 'body.fields'],
    ];
    for (const [bad, field] of cases) {
      const err = errorOf(() => buildRequest({ url: 'https://api.test/', method: 'GET', ...bad } as RequestConfig, vars()));
      expect(err).toMatchObject({ code: 'INVALID_CONFIG', field });
    }
    // Numbers where text is saved are taken as the text typed.
    const r = buildRequest({ url: 'https://api.test/', method: 'POST', headers: [{ key: 'X-N', value: 5 }], body: { mode: 'raw', raw: 42, contentType: 7 } } as never, vars());
    expect(r.headers['X-N']).toBe('5');
    expect(r.body).toBe('42');
    expect(r.headers['content-type']).toBe('7');
  });

  test('unknown method, body mode or encoding: INVALID_CONFIG naming the field', () => {
    expect(errorOf(() => buildRequest({ url: 'https://api.test/', method: 'FETCH' }, vars())).field).toBe('method');
    expect(errorOf(() => buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'xml' } as never }, vars())).field).toBe('body.mode');
    expect(errorOf(() => buildRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'fields', encoding: 'yaml', fields: [] } as never }, vars())).field).toBe('body.encoding');
    expect(buildRequest({ url: 'https://api.test/', method: ' patch ' }, vars()).method).toBe('PATCH');
  });
});
