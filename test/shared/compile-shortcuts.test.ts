/**
 * The work compileRequest does once so renders need not (issue 7's engine speed-ups): each shortcut
 * gives exactly what the per-render path gives — the same text, or the same error (code, field,
 * message with line and column). Property tests compare the shortcut with the shortcut switched off.
 */
import * as fc from 'fast-check';
import { compileRequest, createPlainResolver, parseTemplate, renderRequest, SendApiRequestError, type CompiledRequest, type PreparedRequest, type RenderContext } from '../../shared';
import { planJson, renderJson, renderUrl, textOf, urlPlace, wellFormed } from '../../shared/template/render';
import type { OnMissing, ParsedTemplate, TemplatePart } from '../../shared/template/types';

const RUNS = { numRuns: 500 };

type Outcome = { ok: unknown } | { code: string; field?: string; message: string };

function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: fn() };
  } catch (err) {
    if (!(err instanceof SendApiRequestError)) throw err;
    return { code: err.code, field: err.field, message: err.message };
  }
}

const tpl = (source: string): ParsedTemplate => parseTemplate(source, { field: 'body.raw' });

const ctxOf = (values: Record<string, unknown>, onMissing: OnMissing = 'error', field = 'body.raw'): RenderContext => ({ resolver: createPlainResolver({ values }), onMissing, field });

/** A value of any JSON-ish kind, and the odd ones the engine also takes. */
const anyValue = fc.oneof(fc.jsonValue(), fc.string(), fc.constantFrom(undefined, Number.NaN, -0, 10n, Buffer.from('b"\\'), '\uD800', '"', '\\'));

describe('raw JSON: validity worked out once from the template text', () => {
  test('a template whose structure is valid skips the per-render check; one that is not keeps it', () => {
    expect(planJson(tpl('{"a": #x, "b": "pre #y post", "c": [#x, 1]}')).alwaysValid).toBe(true);
    expect(planJson(tpl('#payload')).alwaysValid).toBe(true);
    // Valid only for some values (a number after the minus), or never: checked per render.
    expect(planJson(tpl('{"a": -#x}')).alwaysValid).toBe(false);
    expect(planJson(tpl('{"a": "\\#x"}')).alwaysValid).toBe(false);
    expect(planJson(tpl('{"a": #x,}')).alwaysValid).toBe(false);
    expect(planJson(tpl('{"a": #x #y}')).alwaysValid).toBe(false);
    expect(planJson(tpl('   ')).alwaysValid).toBe(false);
  });

  test('templates that need the check still fail with the same code, field, line and column', () => {
    const send = (raw: string, values: Record<string, unknown>) => outcome(() => renderRequest(compileRequest({ url: 'https://api.test/', method: 'POST', body: { mode: 'raw', raw } }), createPlainResolver({ values })));
    const minus = send('{\n  "a": -#x\n}', { x: 'text' });
    expect(minus).toMatchObject({ code: 'INVALID_JSON', field: 'body.raw' });
    expect((minus as { message: string }).message).toContain('line 2, column 8'); // the minus, as before
    expect(send('{\n  "a": -#x\n}', { x: 5 })).toEqual({ ok: expect.objectContaining({ body: '{\n  "a": -5\n}' }) });
    const backslash = send('{\n  "a": "\\#v"\n}', { v: '"' });
    expect(backslash).toMatchObject({ code: 'INVALID_JSON', field: 'body.raw' });
    expect((backslash as { message: string }).message).toContain('line 2, column 9');
    const comma = send('{\n  "a": #long,\n  "b": #x\n  "c": 2\n}', { long: 'a long value', x: 5 });
    expect((comma as { message: string }).message).toContain('line 4, column 3');
    expect(send('  ', {})).toEqual({ ok: expect.not.objectContaining({ body: expect.anything() }) });
  });

  /** Template pieces: JSON structure, strings, escapes, variables in and out of strings, broken bits. */
  const jsonPiece = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '"k"', ' ', '\n', '\\', '\\\\', '\\"', '-', '1', 'null', 'true', '#a', '#b', '#{a}x', '#missing', '##', 'e5', '.');

  test('property: the planned render equals the always-checked render (same text or same error)', () => {
    fc.assert(fc.property(fc.array(jsonPiece, { maxLength: 14 }), anyValue, anyValue, fc.constantFrom<OnMissing>('error', 'empty', 'keep'), (pieces, a, b, onMissing) => {
      const t = parseTemplate(pieces.join(''), { field: 'body.raw' });
      const plan = planJson(t);
      const fast = outcome(() => renderJson(t, ctxOf({ a, b }, onMissing), plan));
      const slow = outcome(() => renderJson(t, ctxOf({ a, b }, onMissing), { states: plan.states, alwaysValid: false }));
      expect(fast).toEqual(slow);
      if (plan.alwaysValid && 'ok' in fast) expect(() => JSON.parse(String(fast.ok))).not.toThrow();
    }), RUNS);
  });

  test('property: a structurally valid template renders valid JSON for any values', () => {
    const valid = fc.constantFrom('{"a": #a, "b": "x#{b}y", "c": [#a, #b, "#a"]}', '[#a]', '#a', '{"s": "\\\\#a \\"#b\\""}', '{"n": {"m": #b}}');
    fc.assert(fc.property(valid, anyValue, anyValue, (source, a, b) => {
      const t = parseTemplate(source, { field: 'body.raw' });
      expect(planJson(t).alwaysValid).toBe(true);
      const out = renderJson(t, ctxOf({ a, b }, 'empty'), planJson(t));
      expect(() => JSON.parse(out)).not.toThrow();
    }), RUNS);
  });
});

/** The URL render as it was: the place of each value worked out from the whole URL rendered so far. */
function referenceUrl(t: ParsedTemplate, ctx: RenderContext): string {
  let out = '';
  const last = t.parts.length - 1;
  t.parts.forEach((part: TemplatePart, idx) => {
    if (part.kind === 'text') {
      let s = part.text;
      if (idx === 0) s = s.trimStart();
      if (idx === last) s = s.trimEnd();
      out += s;
      return;
    }
    if (part.kind !== 'var') throw new Error('no expressions here');
    const r = ctx.resolver.resolve(part.path);
    const text = r.found ? textOf(r.value) : ctx.onMissing === 'keep' ? part.written : '';
    if (urlPlace(out) === 'authority') out += idx === 0 && idx === last ? text.trim() : text;
    else out += encodeURIComponent(wellFormed(text));
  });
  return out;
}

describe('URL: the place of each value tracked while rendering', () => {
  const urlPiece = fc.constantFrom('https://', 'http:/', ':', '//', 'api.test', '/', '?', '#', '&', '=', 'a', '.', ' ', '#a', '#b', '#{a}', '#missing', '@', '%2F');
  const urlValue = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('/', '?', '#', '://', 'h.test/p?q#f', ' x ', '.', '..', '\uDC00', 5, null));

  test('property: same text as the whole-URL place rule, or the same dot-segment error', () => {
    fc.assert(fc.property(fc.array(urlPiece, { maxLength: 12 }), urlValue, urlValue, fc.constantFrom<OnMissing>('empty', 'keep'), (pieces, a, b, onMissing) => {
      const t = parseTemplate(pieces.join(''), { field: 'url' });
      const ctx = ctxOf({ a, b }, onMissing, 'url');
      const ours = outcome(() => renderUrl(t, ctx));
      if ('ok' in ours) expect(ours.ok).toBe(referenceUrl(t, ctx));
      else expect(ours).toMatchObject({ code: 'INVALID_URL', field: 'url', message: expect.stringContaining('path segment') });
    }), RUNS);
  });
});

/** The same compiled request with every compile-time shortcut of the URL and the headers removed. */
function withoutShortcuts(c: CompiledRequest): CompiledRequest {
  return { ...c, fixedUrl: undefined, canonicalUrl: undefined, headers: c.headers.map(({ key, value, index }) => ({ key, value, index })) };
}

function render(c: CompiledRequest, values: Record<string, unknown>, secrets: Record<string, string> = {}): Outcome {
  return outcome(() => renderRequest(c, createPlainResolver({ values, secrets }), { secrets: Object.values(secrets) }) as PreparedRequest);
}

describe('URL and headers: literal text checked once at compile time', () => {
  test('a literal URL is finished once; an invalid one still fails at render, as before', () => {
    const ok = compileRequest({ method: 'GET', url: '  HTTPS://API.test:443/a/../b?x=1 ' });
    expect(ok.fixedUrl).toBe('https://api.test/b?x=1');
    expect(render(ok, {})).toEqual(render(withoutShortcuts(ok), {}));
    expect(compileRequest({ method: 'GET', url: 'https://api.test/#x' }).fixedUrl).toBeUndefined();
    expect(compileRequest({ method: 'GET', url: 'https://api.test/', query: [{ key: 'a', value: '1' }] }).fixedUrl).toBeUndefined();
    for (const url of ['ftp://api.test/', 'not a url', '', 'https://sk-secret-1@/x']) {
      const c = compileRequest({ method: 'GET', url });
      expect(c.fixedUrl).toBeUndefined();
      const failed = render(c, {}, { T: 'sk-secret-1' });
      expect(failed).toMatchObject({ code: 'INVALID_URL', field: 'url' });
      expect(JSON.stringify(failed)).not.toContain('sk-secret-1');
    }
  });

  test('an invalid literal header still fails at render with its field, not at compile', () => {
    const bad = compileRequest({ method: 'GET', url: 'https://api.test/', headers: [{ key: 'Ok', value: 'v' }, { key: 'Bad Name', value: 'v' }, { key: 'X', value: 'line\nbreak' }] });
    expect(render(bad, {})).toMatchObject({ code: 'INVALID_HEADER', field: 'headers[1]' });
    expect(render(bad, {})).toEqual(render(withoutShortcuts(bad), {}));
  });

  const headerText = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('Accept', ' X-Id ', 'cookie', 'Cookie', 'a b', 'v\r\n', 'Bearer #secrets.T', '#a', 'x-#a', '', 'é', '\u0100'));
  const headerRow = fc.record({ key: headerText, value: headerText });

  test('property: headers with the compile-time checks equal headers checked per render', () => {
    fc.assert(fc.property(fc.array(headerRow, { maxLength: 6 }), fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('\n', 'ok')), (headers, a) => {
      const compiled = outcome(() => compileRequest({ method: 'GET', url: 'https://api.test/', headers }));
      if (!('ok' in compiled)) return; // a malformed variable: INVALID_CONFIG at compile, as before
      const c = compiled.ok as CompiledRequest;
      const secrets = { T: 'tok-secret' };
      expect(render(c, { a }, secrets)).toEqual(render(withoutShortcuts(c), { a }, secrets));
    }), RUNS);
  });

  test('property: any literal URL gives what the per-render path gives', () => {
    const urlText = fc.array(fc.constantFrom('https://', 'http://', 'ftp://', 'api.test', ':8080', ':x', '/', '..', '.', '?', '#', 'a b', '%', '%41', '@', 'user:pw@', '[::1]', ' ', 'é'), { maxLength: 8 }).map((p) => p.join('').replace(/#(?!#)/g, '##'));
    fc.assert(fc.property(urlText, (url) => {
      const c = compileRequest({ method: 'GET', url });
      expect(render(c, {})).toEqual(render(withoutShortcuts(c), {}));
    }), RUNS);
  });
});

describe('URL: a template already in canonical form is not parsed per render', () => {
  test('which templates qualify: literal scheme and host, canonical text, no literal %2e', () => {
    const canonical = (url: string) => compileRequest({ method: 'GET', url }).canonicalUrl;
    expect(canonical('https://api.test/v1/customers/#id/orders/#order?expand=lines&tier=#tier#frag')).toBe(true);
    expect(canonical('  https://api.test/#id  ')).toBe(true);
    expect(canonical('https://#host/x')).toBe(false); // a variable in the authority
    expect(canonical('https://api.test#id')).toBe(false); // no path yet: still the authority
    expect(canonical('HTTPS://API.test/#id')).toBe(false); // not canonical (case)
    expect(canonical('https://api.test:443/#id')).toBe(false); // default port
    expect(canonical('https://api.test/a b/#id')).toBe(false); // a space to escape
    expect(canonical('https://api.test/%2e/#id')).toBe(false);
    expect(canonical('ftp://api.test/#id')).toBe(false);
    expect(canonical('https://api.test/x')).toBe(false); // literal: fixedUrl instead
    expect(compileRequest({ method: 'GET', url: 'https://api.test/#id', query: [{ key: 'a', value: '1' }] }).canonicalUrl).toBe(false);
  });

  test('a quote in the query is escaped as WHATWG URL escapes it; dot segments from values still fail', () => {
    const c = compileRequest({ method: 'GET', url: "https://api.test/p/#v?q=#v" });
    expect(render(c, { v: "it's" })).toEqual({ ok: expect.objectContaining({ url: "https://api.test/p/it's?q=it%27s" }) });
    expect(render(c, { v: "it's" })).toEqual(render(withoutShortcuts(c), { v: "it's" }));
    expect(render(c, { v: '..' })).toMatchObject({ code: 'INVALID_URL', field: 'url' });
  });

  const canonicalPiece = fc.constantFrom('/', '/a', '?', '&', '=', '#a', '#b', '#{a}', '#missing', '.', '-', '~', '%41', '##', 'x');
  const anyUrlValue = fc.oneof(fc.string({ maxLength: 10, unit: 'grapheme' }), fc.string({ maxLength: 10 }), fc.constantFrom('/', '?', '#', '.', '..', "'", '\\', ' x ', '\t', '%2e', '%', '\uD800', 5, null, true));

  test('property: the unparsed render equals the parsed one (same URL or same error)', () => {
    fc.assert(fc.property(fc.constantFrom('https://api.test/', 'http://h.test:8080/v1/'), fc.array(canonicalPiece, { maxLength: 10 }), anyUrlValue, anyUrlValue, fc.constantFrom<OnMissing>('error', 'empty', 'keep'), (base, pieces, a, b, onMissing) => {
      const compiled = outcome(() => compileRequest({ method: 'GET', url: base + pieces.join('') }));
      if (!('ok' in compiled)) return;
      const c = compiled.ok as CompiledRequest;
      const run = (cr: CompiledRequest) => outcome(() => renderRequest(cr, createPlainResolver({ values: { a, b } }), { onMissing }).url);
      expect(run(c)).toEqual(run(withoutShortcuts(c)));
    }), { numRuns: 2000 });
  });
});
