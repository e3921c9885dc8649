import { SendApiRequestError } from '../errors';
import { findJsonSyntaxError, lineAndColumn } from './json-syntax';
import type { ExpressionPart, OnMissing, ParsedTemplate, VariablePart, VariableResolver } from './types';

/** Everything a render needs besides the template; `usedSecret` is set when a secret was inserted. */
export interface RenderContext {
  resolver: VariableResolver;
  onMissing: OnMissing;
  field: string;
  usedSecret?: boolean;
}

type Resolved = { missing: false; value: unknown } | { missing: true; written: string };

/**
 * The error for a value that has no text or JSON form: a circular object (a Node-RED `msg.req`, say)
 * or a nested BigInt. Its code follows the place the value was meant for.
 */
export function unwritable(err: unknown, field = 'body'): SendApiRequestError {
  const code = /^(url|query)/.test(field) ? 'INVALID_URL' : field.startsWith('headers') ? 'INVALID_HEADER' : 'INVALID_BODY';
  const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new SendApiRequestError(code, `A value used in ${field} cannot be written as text or JSON: ${why}.`, {
    field,
    hint: 'Point the variable at plain data (text, numbers, lists, objects without loops), not at a whole message or request object.',
  });
}

function stringify(value: unknown, field: string | undefined): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw unwritable(err, field);
  }
}

/** Text of a value (SPEC §1): strings as they are, scalars via String(), objects as JSON, Buffers as UTF-8. */
export function textOf(value: unknown, field?: string): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Date) return value.toISOString();
  return stringify(value, field) ?? '';
}

/**
 * Replaces lone UTF-16 surrogates with U+FFFD, as URL, URLSearchParams and UTF-8 encoding do, so
 * encodeURIComponent cannot throw on a value (a lone surrogate has no UTF-8 form to send).
 */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** A value as a JSON text, for value positions of a raw JSON body. */
export function jsonOf(value: unknown, field?: string): string {
  // Scalars first: they cannot fail, and they are most of what a body holds.
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return JSON.stringify(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return JSON.stringify(textOf(value));
  if (typeof value === 'bigint') return value.toString();
  return stringify(value, field) ?? 'null';
}

function resolvePart(part: VariablePart | ExpressionPart, ctx: RenderContext): Resolved {
  if (part.kind === 'expr') {
    if (!ctx.resolver.evaluate) return { missing: false, value: part.source };
    return { missing: false, value: ctx.resolver.evaluate(part) };
  }
  const r = ctx.resolver.resolve(part.path);
  if (r.found) {
    if (r.secret) ctx.usedSecret = true;
    return { missing: false, value: r.value };
  }
  if (ctx.onMissing === 'error') {
    throw new SendApiRequestError(
      'UNKNOWN_VARIABLE',
      `Unknown variable ${part.written} in ${ctx.field}. ${ctx.resolver.describe(part.path)}`,
      {
        field: ctx.field,
        hint: 'Check the spelling against the data above, write ## for a literal #, or set the option "On missing variable" to empty or keep.',
      },
    );
  }
  return { missing: true, written: part.written };
}

/** Renders a template as text (headers, form fields, text bodies, keys). */
export function renderText(t: ParsedTemplate, ctx: RenderContext): string {
  if (t.literal) return t.parts.length ? (t.parts[0] as { text: string }).text : '';
  let out = '';
  for (const part of t.parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const r = resolvePart(part, ctx);
    if (r.missing) out += ctx.onMissing === 'keep' ? r.written : '';
    else out += textOf(r.value, ctx.field);
  }
  return out;
}

/**
 * Renders a template where a value may keep its type (JSON body fields, query arrays, file parts):
 * a template that is exactly one variable gives the value itself; anything else gives text.
 * `jsonPlace` false: the place needs text in the end, so a missing value under "empty" is ''.
 */
export function renderValue(t: ParsedTemplate, ctx: RenderContext, jsonPlace = true): unknown {
  if (!t.single) return renderText(t, ctx);
  const r = resolvePart(t.parts[0] as VariablePart | ExpressionPart, ctx);
  if (!r.missing) return r.value;
  if (ctx.onMissing === 'keep') return r.written;
  // onMissing empty: null only where a JSON value is needed; text places (query, multipart) get nothing.
  return jsonPlace ? null : '';
}

type UrlPlace = 'authority' | 'path' | 'query' | 'fragment';

/** Where the next inserted value lands, decided by the URL rendered so far (SPEC §1). */
export function urlPlace(rendered: string): UrlPlace {
  const scheme = rendered.indexOf('://');
  if (scheme < 0) return 'authority';
  const afterAuthority = rendered.slice(scheme + 3).search(/[/?#]/);
  if (afterAuthority < 0) return 'authority';
  const tail = rendered.slice(scheme + 3 + afterAuthority);
  if (tail.includes('#')) return 'fragment';
  if (tail.includes('?')) return 'query';
  return 'path';
}

/** The path's bounds in a rendered URL, or undefined when it has none. */
function pathBounds(url: string): { start: number; end: number } | undefined {
  const scheme = url.indexOf('://');
  if (scheme < 0) return undefined;
  const rel = url.slice(scheme + 3).search(/[/?#]/);
  if (rel < 0 || url[scheme + 3 + rel] !== '/') return undefined;
  const start = scheme + 3 + rel;
  const endRel = url.slice(start).search(/[?#]/);
  return { start, end: endRel < 0 ? url.length : start + endRel };
}

/** The place after `text` is appended to a URL already past its authority (only ? and # move it). */
function placeAfter(place: UrlPlace, text: string): UrlPlace {
  if (place === 'fragment') return place;
  if (text.includes('#')) return 'fragment';
  return place === 'path' && text.includes('?') ? 'query' : place;
}

/** Renders a URL template, encoding each value for the place it lands in. */
export function renderUrl(t: ParsedTemplate, ctx: RenderContext): string {
  let out = '';
  const inserted: Array<[number, number]> = [];
  const parts = t.parts;
  const last = parts.length - 1;
  // Tracked as the URL grows: once past the authority, the place only moves forward, and only through
  // text (an encoded value holds no ? or #); while in the authority, it is worked out from the whole.
  let place: UrlPlace = 'authority';
  for (let idx = 0; idx <= last; idx++) {
    const part = parts[idx];
    if (part.kind === 'text') {
      let s = part.text;
      if (idx === 0) s = s.trimStart();
      if (idx === last) s = s.trimEnd();
      out += s;
      place = place === 'authority' ? urlPlace(out) : placeAfter(place, s);
      continue;
    }
    const r = resolvePart(part, ctx);
    const text = r.missing ? (ctx.onMissing === 'keep' ? r.written : '') : textOf(r.value, ctx.field);
    if (place === 'authority') {
      out += idx === 0 && idx === last ? text.trim() : text;
      place = urlPlace(out);
      continue;
    }
    let encoded = encodeURIComponent(wellFormed(text));
    // WHATWG URL also escapes ' in the query of an http(s) URL: written as it would be, so a URL that
    // needs no parse (CompiledRequest.canonicalUrl) is the same text as one that is parsed.
    if (place === 'query' && encoded.includes("'")) encoded = encoded.replaceAll("'", '%27');
    if (place === 'path') inserted.push([out.length, out.length + encoded.length]);
    out += encoded;
  }
  // A "." or ".." segment follows a slash: without "/." there is none to look for.
  const bounds = inserted.length && out.includes('/.') ? pathBounds(out) : undefined;
  if (bounds) {
    let segStart = bounds.start + 1;
    for (const seg of out.slice(bounds.start + 1, bounds.end).split('/')) {
      const segEnd = segStart + seg.length;
      const touched = inserted.some(([a, b]) => a < segEnd && b > segStart) ||
        inserted.some(([a, b]) => a === b && a >= segStart && a <= segEnd);
      if (touched && (seg === '.' || seg === '..')) {
        throw new SendApiRequestError('INVALID_URL', `A value in ${ctx.field} makes the path segment "${seg}", which would change the path it points to.`, {
          field: ctx.field,
          hint: 'Check the variable used in the path; "." and ".." cannot be sent as a path segment.',
        });
      }
      segStart = segEnd + 1;
    }
  }
  return out;
}

/** Inside a JSON string literal, and right after a backslash there, at the start of a template part. */
interface JsonState {
  inString: boolean;
  escaped: boolean;
}

/**
 * What a raw JSON template's text alone decides, worked out once per template (compileRequest keeps it):
 * the string state at each part, and whether every render is valid JSON whatever the values.
 */
export interface JsonPlan {
  states: JsonState[];
  /**
   * True when the template rendered with placeholders (null in value position, no characters inside
   * strings) parses. A value in value position is inserted as one whole JSON value and one inside a
   * string as complete escaped content, so every render then parses too and need not be re-checked.
   */
  alwaysValid: boolean;
}

function jsonStatesOf(t: ParsedTemplate): JsonState[] {
  const states: JsonState[] = [];
  let inString = false;
  let escaped = false;
  for (const part of t.parts) {
    states.push({ inString, escaped });
    if (part.kind !== 'text') continue;
    for (const c of part.text) {
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
    }
  }
  return states;
}

/** Scans a raw JSON template once: string states, and whether its structure alone makes it valid. */
export function planJson(t: ParsedTemplate): JsonPlan {
  const states = jsonStatesOf(t);
  let placeholder = '';
  for (let idx = 0; idx < t.parts.length; idx++) {
    const part = t.parts[idx];
    if (part.kind === 'text') placeholder += part.text;
    else if (states[idx].escaped) return { states, alwaysValid: false }; // every render fails: keep the checks
    else if (!states[idx].inString) placeholder += 'null';
  }
  let alwaysValid = true;
  try {
    JSON.parse(placeholder);
  } catch {
    alwaysValid = false; // `-#x`, say: valid for some values only, so each render is checked
  }
  return { states, alwaysValid };
}

/**
 * Renders a raw JSON body: a variable in value position is inserted as JSON, one inside a string
 * literal as escaped string content. The result must parse, or INVALID_JSON names the line and column
 * of the template.
 */
export function renderJson(t: ParsedTemplate, ctx: RenderContext, plan: JsonPlan = planJson(t)): string {
  let out = '';
  const { states, alwaysValid } = plan;
  // Output offset → template offset, for error positions.
  const map: Array<{ out: number; tpl: number; value: boolean }> = [];
  for (let idx = 0; idx < t.parts.length; idx++) {
    const part = t.parts[idx];
    if (part.kind === 'text') {
      if (!alwaysValid) map.push({ out: out.length, tpl: part.start, value: false });
      out += part.text;
      continue;
    }
    if (!alwaysValid) map.push({ out: out.length, tpl: part.start, value: true });
    const { inString, escaped } = states[idx];
    if (inString && escaped) {
      // The template's backslash would escape the value's first character: the value could then end
      // the string early. JSON has no escape for what follows, so the template is invalid as written.
      const { line, column } = lineAndColumn(t.source, part.start - 1);
      throw new SendApiRequestError('INVALID_JSON', `The JSON body is not valid JSON at line ${line}, column ${column}: a backslash stands right before the variable ${part.kind === 'var' ? part.written : part.source}.`, {
        field: ctx.field,
        hint: 'Write \\\\ for a literal backslash before a variable inside a JSON string.',
      });
    }
    const r = resolvePart(part, ctx);
    if (inString) {
      const text = r.missing ? (ctx.onMissing === 'keep' ? r.written : '') : textOf(r.value, ctx.field);
      out += JSON.stringify(text).slice(1, -1);
    } else if (r.missing) {
      out += ctx.onMissing === 'keep' ? JSON.stringify(r.written) : 'null';
    } else {
      out += jsonOf(r.value, ctx.field);
    }
  }
  if (alwaysValid) return out; // valid JSON, so not blank either (see JsonPlan)
  if (out.trim() === '') return '';
  try {
    JSON.parse(out);
  } catch {
    const bad = findJsonSyntaxError(out) ?? { offset: out.length, expected: 'valid JSON' };
    let tplOffset = t.source.length;
    for (let k = map.length - 1; k >= 0; k--) {
      const m = map[k];
      if (m.out <= bad.offset) {
        tplOffset = m.value ? m.tpl : m.tpl + (bad.offset - m.out);
        break;
      }
    }
    const { line, column } = lineAndColumn(t.source, tplOffset);
    throw new SendApiRequestError('INVALID_JSON', `The JSON body is not valid JSON at line ${line}, column ${column}: expected ${bad.expected}.`, {
      field: ctx.field,
      hint: 'Fix the JSON in the body. Variables in value position are inserted as JSON; put them inside quotes to insert them as text.',
    });
  }
  return out;
}
