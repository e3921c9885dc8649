import { SendApiRequestError } from '../errors';
import { createRedactor, type Redactor } from '../redact';
import { parseTemplate } from '../template/parse';
import { jsonOf, planJson, renderJson, renderText, renderUrl, renderValue, textOf, unwritable, urlPlace, type JsonPlan, type RenderContext } from '../template/render';
import { createPlainResolver, type PlainVars } from '../template/resolve';
import type { OnMissing, ParsedTemplate, VariableResolver } from '../template/types';
import { checkHeaderName, checkHeaderValue, findHeader } from './headers';
import { asFile, encodeMultipart, type MultipartPart } from './multipart';
import { METHODS, type HttpMethod, type PreparedRequest, type RequestBody, type RequestConfig } from './types';

interface CompiledRow {
  key: ParsedTemplate;
  value: ParsedTemplate;
  index: number;
}

/** A header row, with what its literal text already proved at compile time (checked then, not per render). */
interface CompiledHeaderRow extends CompiledRow {
  /** The trimmed name, when the name is literal and a valid header name. */
  checkedName?: string;
  /** The value, when it is literal and a valid header value. */
  checkedValue?: string;
}

type CompiledBody =
  | { mode: 'none' }
  | { mode: 'fields'; encoding: 'json' | 'form' | 'multipart'; fields: CompiledRow[] }
  | { mode: 'raw'; raw: ParsedTemplate; contentType: string; json: boolean; jsonPlan?: JsonPlan }
  | { mode: 'binary'; source: ParsedTemplate; contentType: string };

/** A RequestConfig whose templates are parsed once; render it for each item or message. */
export interface CompiledRequest {
  method: HttpMethod;
  url: ParsedTemplate;
  query: CompiledRow[];
  headers: CompiledHeaderRow[];
  body: CompiledBody;
  /** The finished URL, when the URL is literal text, valid, and has no query rows: the same every render. */
  fixedUrl?: string;
  /**
   * Every render of the URL is already what WHATWG URL makes of it, so it is not parsed again per
   * render: see canonicalUrlTemplate.
   */
  canonicalUrl?: boolean;
}

/** Which fields hold `{{ }}` expressions (n8n: those saved in expression mode), by field name. */
export type ExpressionFields = (field: string) => boolean;

export function expressionsIn(expressions: boolean | ExpressionFields | undefined): ExpressionFields {
  return typeof expressions === 'function' ? expressions : () => expressions === true;
}

export interface CompileOptions {
  /** n8n: `{{ }}` islands are expressions — in every field, or in the fields this says (by field name). */
  expressions?: boolean | ExpressionFields;
}

export interface BuildOptions {
  onMissing?: OnMissing;
}

/** JSON when the content type is empty, application/json or ends in +json (SPEC §1). */
export function isJsonContentType(contentType: string | undefined): boolean {
  const base = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return base === '' || base === 'application/json' || base.endsWith('+json');
}

/** A saved text property as text: numbers as typed, missing as '' (an imported flow may hold either). */
function textProperty(value: unknown): string {
  return typeof value === 'string' ? value : value == null ? '' : String(value);
}

function compileRows(rows: Array<{ key?: unknown; value?: unknown }> | undefined, prefix: string, expressionsAt: ExpressionFields): CompiledRow[] {
  const out: CompiledRow[] = [];
  if (rows != null && !Array.isArray(rows)) {
    throw new SendApiRequestError('INVALID_CONFIG', `${prefix} must be a list of { key, value } rows.`, { field: prefix, hint: 'Re-enter the rows in the node\'s form; the saved configuration has another shape.' });
  }
  (rows ?? []).forEach((row, index) => {
    const key = textProperty(row?.key);
    const value = textProperty(row?.value);
    if (key === '' && value === '') return; // empty rows are skipped (SPEC §1)
    const field = `${prefix}[${index}]`;
    const expressions = expressionsAt(field);
    out.push({ key: parseTemplate(key, { field, expressions }), value: parseTemplate(value, { field, expressions }), index });
  });
  return out;
}

function compileBody(body: RequestConfig['body'], expressionsAt: ExpressionFields): CompiledBody {
  if (!body || body.mode === 'none' || (body.mode as string) === undefined) return { mode: 'none' };
  switch (body.mode) {
    case 'fields': {
      const encoding = body.encoding ?? 'json';
      if (!['json', 'form', 'multipart'].includes(encoding)) {
        throw new SendApiRequestError('INVALID_CONFIG', `Unknown body encoding "${encoding}".`, { field: 'body.encoding', hint: 'Choose json, form or multipart.' });
      }
      return { mode: 'fields', encoding, fields: compileRows(body.fields, 'body.fields', expressionsAt) };
    }
    case 'raw': {
      const contentType = textProperty(body.contentType).trim();
      checkHeaderValue(contentType, 'body.contentType', 'The content type');
      const raw = parseTemplate(textProperty(body.raw), { field: 'body.raw', expressions: expressionsAt('body.raw') });
      const json = isJsonContentType(contentType);
      return { mode: 'raw', raw, contentType, json, jsonPlan: json ? planJson(raw) : undefined };
    }
    case 'binary': {
      const contentType = textProperty(body.contentType).trim();
      checkHeaderValue(contentType, 'body.contentType', 'The content type');
      const source = parseTemplate(textProperty(body.source), { field: 'body.source', expressions: expressionsAt('body.source') });
      if (!source.single) {
        throw new SendApiRequestError('INVALID_CONFIG', 'The binary body source must be exactly one variable, like #payload.', { field: 'body.source' });
      }
      return { mode: 'binary', source, contentType };
    }
    default:
      throw new SendApiRequestError('INVALID_CONFIG', `Unknown body mode "${String((body as { mode: unknown }).mode)}".`, {
        field: 'body.mode',
        hint: 'Choose none, fields, raw or binary.',
      });
  }
}

export function normalizeMethod(method: unknown): HttpMethod {
  const upper = String(method ?? '').trim().toUpperCase() || 'GET';
  if (!(METHODS as readonly string[]).includes(upper)) {
    throw new SendApiRequestError('INVALID_CONFIG', `Unknown method "${String(method)}".`, { field: 'method', hint: `Choose one of ${METHODS.join(', ')}.` });
  }
  return upper as HttpMethod;
}

/** Parses every template of a config once. Throws INVALID_CONFIG for malformed variables. */
export function compileRequest(config: RequestConfig, options: CompileOptions = {}): CompiledRequest {
  const expressionsAt = expressionsIn(options.expressions);
  if (!config || typeof config !== 'object') {
    throw new SendApiRequestError('INVALID_CONFIG', 'The request configuration is missing.', { field: 'url' });
  }
  const compiled: CompiledRequest = {
    method: normalizeMethod(config.method),
    url: parseTemplate(textProperty(config.url), { field: 'url', expressions: expressionsAt('url') }),
    query: compileRows(config.query, 'query', expressionsAt),
    headers: compileRows(config.headers, 'headers', expressionsAt).map(checkLiteralHeader),
    body: compileBody(config.body, expressionsAt),
  };
  compiled.fixedUrl = fixedUrlOf(compiled);
  compiled.canonicalUrl = compiled.fixedUrl === undefined && compiled.query.length === 0 && canonicalUrlTemplate(compiled.url);
  return compiled;
}

/** Whether `check` passes; a failing check is left to each render, which reports it as before. */
function passes(check: () => void): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

function checkLiteralHeader(row: CompiledRow): CompiledHeaderRow {
  const field = `headers[${row.index}]`;
  const out: CompiledHeaderRow = { ...row };
  if (row.key.literal) {
    const name = renderText(row.key, ctxFor(NO_VARIABLES, 'error', field)).trim();
    if (passes(() => checkHeaderName(name, field))) out.checkedName = name;
  }
  if (row.value.literal) {
    const value = renderText(row.value, ctxFor(NO_VARIABLES, 'error', field));
    if (passes(() => checkHeaderValue(value, field))) out.checkedValue = value;
  }
  return out;
}

/** A resolver for literal templates, which never ask it anything. */
const NO_VARIABLES: VariableResolver = {
  resolve: () => ({ found: false }),
  describe: () => '',
};

/** The URL finished once, when nothing in it changes per render; an invalid one is left to each render. */
function fixedUrlOf(compiled: CompiledRequest): string | undefined {
  if (!compiled.url.literal || compiled.query.length > 0) return undefined;
  try {
    return finishUrl(compiled, NO_VARIABLES, 'error', (s) => s);
  } catch {
    return undefined;
  }
}

function ctxFor(resolver: VariableResolver, onMissing: OnMissing, field: string): RenderContext {
  return { resolver, onMissing, field };
}

function invalidUrl(message: string, hint: string): SendApiRequestError {
  return new SendApiRequestError('INVALID_URL', message, { field: 'url', hint });
}

/**
 * Whether every render of a URL template comes out as WHATWG URL would write it, so the parse per
 * render can be skipped. True when the scheme and host are literal (each variable lands in the path,
 * query or fragment, where renderUrl percent-encodes its value: it holds no / ? # \\ and no
 * white space, so it cannot move the URL's parts) and the template, with a placeholder for each
 * variable, is an http(s) URL already in canonical form. Dot segments a value could make are refused
 * by renderUrl itself; a literal "%2e" (a dot segment in disguise) keeps the per-render parse.
 */
function canonicalUrlTemplate(t: ParsedTemplate): boolean {
  const parts = t.parts;
  const last = parts.length - 1;
  let skeleton = '';
  for (let idx = 0; idx <= last; idx++) {
    const part = parts[idx];
    if (part.kind !== 'text') {
      if (urlPlace(skeleton) === 'authority') return false;
      skeleton += 'x';
      continue;
    }
    let text = part.text;
    if (idx === 0) text = text.trimStart();
    if (idx === last) text = text.trimEnd();
    skeleton += text;
  }
  if (/%2e/i.test(skeleton)) return false;
  try {
    const url = new URL(skeleton);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.href === skeleton;
  } catch {
    return false;
  }
}

function finishUrl(compiled: CompiledRequest, resolver: VariableResolver, onMissing: OnMissing, redactUrl: (s: string) => string): string {
  if (compiled.fixedUrl !== undefined) return compiled.fixedUrl;
  const rendered = renderUrl(compiled.url, ctxFor(resolver, onMissing, 'url'));
  if (compiled.canonicalUrl) return rendered;
  if (rendered === '') throw invalidUrl('The URL is empty.', 'Enter the full URL of the API, starting with https:// or http://.');
  let url: URL;
  try {
    url = new URL(rendered);
  } catch {
    throw invalidUrl(`The URL "${redactUrl(rendered)}" is not a valid absolute URL.`, 'Enter the full URL, starting with https:// or http://; check the variables it uses.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidUrl(`The URL "${redactUrl(rendered)}" uses ${url.protocol.replace(':', '')}, but only http and https can be sent.`, 'Start the URL with https:// or http://.');
  }
  if (url.hostname === '') throw invalidUrl(`The URL "${redactUrl(rendered)}" has no host.`, 'Put the API host after https://.');
  if (compiled.query.length === 0) return url.href;
  const params = new URLSearchParams();
  for (const row of compiled.query) {
    const field = `query[${row.index}]`;
    const key = renderText(row.key, ctxFor(resolver, onMissing, field));
    const value = renderValue(row.value, ctxFor(resolver, onMissing, field), false);
    if (Array.isArray(value) && row.value.single) {
      for (const v of value) params.append(key, textOf(v, field));
    } else {
      params.append(key, textOf(value, field));
    }
  }
  const qs = params.toString();
  if (qs) url.search = url.search.length > 1 ? `${url.search}&${qs}` : `?${qs}`;
  return url.href;
}

function finishHeaders(compiled: CompiledRequest, resolver: VariableResolver, onMissing: OnMissing): { headers: Record<string, string>; sensitive: string[] } {
  const headers: Record<string, string> = {};
  const sensitive: string[] = [];
  // Names seen so far by lower case: a repeated header is found without scanning every name again.
  const namesByLower = new Map<string, string>();
  for (const row of compiled.headers) {
    const field = `headers[${row.index}]`;
    const ctx = ctxFor(resolver, onMissing, field);
    let name = row.checkedName;
    if (name === undefined) {
      name = renderText(row.key, ctx).trim();
      checkHeaderName(name, field);
    }
    let value = row.checkedValue;
    if (value === undefined) {
      value = renderText(row.value, ctx);
      checkHeaderValue(value, field);
    }
    const lower = name.toLowerCase();
    const existing = namesByLower.get(lower);
    // A repeated header is one field with its values joined (RFC 9110 §5.3); cookies join with "; ".
    if (existing !== undefined) headers[existing] = `${headers[existing]}${lower === 'cookie' ? '; ' : ', '}${value}`;
    else {
      headers[name] = value;
      namesByLower.set(lower, name);
    }
    if (ctx.usedSecret) sensitive.push(name);
  }
  return { headers, sensitive };
}

function rowKey(row: CompiledRow, resolver: VariableResolver, onMissing: OnMissing): string {
  const field = `body.fields[${row.index}]`;
  const key = renderText(row.key, ctxFor(resolver, onMissing, field));
  if (key === '') {
    throw new SendApiRequestError('INVALID_CONFIG', `The body field ${field} has a value but no name.`, { field, hint: 'Give the field a name, or clear both its name and value.' });
  }
  return key;
}

function finishBody(compiled: CompiledRequest, resolver: VariableResolver, onMissing: OnMissing): { body?: RequestBody; contentType?: string; forceType?: boolean } {
  const b = compiled.body;
  switch (b.mode) {
    case 'none':
      return {};
    case 'fields': {
      if (b.encoding === 'json') {
        // No prototype: a field named __proto__ is a field like any other, not a silent drop.
        const obj: Record<string, unknown> = Object.create(null);
        for (const row of b.fields) {
          const key = rowKey(row, resolver, onMissing);
          let v = renderValue(row.value, ctxFor(resolver, onMissing, `body.fields[${row.index}]`));
          if (Buffer.isBuffer(v)) v = textOf(v);
          else if (v !== null && typeof v === 'object') jsonOf(v, `body.fields[${row.index}]`); // fails early, naming the row, for a value with no JSON form
          // An n8n expression may give undefined (or a function): JSON.stringify would drop the field silently.
          else if (v === undefined || typeof v === 'function' || typeof v === 'symbol') v = null;
          obj[key] = v;
        }
        return { body: JSON.stringify(obj), contentType: 'application/json' };
      }
      if (b.encoding === 'form') {
        const params = new URLSearchParams();
        for (const row of b.fields) {
          const key = rowKey(row, resolver, onMissing);
          params.append(key, renderText(row.value, ctxFor(resolver, onMissing, `body.fields[${row.index}]`)));
        }
        return { body: params.toString(), contentType: 'application/x-www-form-urlencoded' };
      }
      const parts: MultipartPart[] = [];
      for (const row of b.fields) {
        const key = rowKey(row, resolver, onMissing);
        const v = renderValue(row.value, ctxFor(resolver, onMissing, `body.fields[${row.index}]`), false);
        const file = row.value.single ? asFile(v) : undefined;
        if (file?.mimeType) checkHeaderValue(file.mimeType, `body.fields[${row.index}]`, 'The file\'s MIME type');
        parts.push(file ? { name: key, file } : { name: key, value: textOf(v, `body.fields[${row.index}]`) });
      }
      const mp = encodeMultipart(parts);
      return { body: mp.body, contentType: mp.contentType, forceType: true };
    }
    case 'raw': {
      const ctx = ctxFor(resolver, onMissing, 'body.raw');
      const text = b.json ? renderJson(b.raw, ctx, b.jsonPlan) : renderText(b.raw, ctx);
      if (text === '') return {};
      return { body: text, contentType: b.contentType || 'application/json' };
    }
    case 'binary': {
      const v = renderValue(b.source, ctxFor(resolver, onMissing, 'body.source'));
      const file = asFile(v);
      // A file's MIME type (an n8n binary property's, say) becomes the Content-Type header.
      if (file?.mimeType && !b.contentType) checkHeaderValue(file.mimeType, 'body.source', 'The file\'s MIME type');
      if (file) return { body: file.data, contentType: b.contentType || file.mimeType || 'application/octet-stream' };
      if (typeof v === 'string') return { body: Buffer.from(v, 'utf8'), contentType: b.contentType || 'application/octet-stream' };
      if (v === null || v === undefined) return {};
      throw new SendApiRequestError('INVALID_BODY', `The binary body source ${b.source.source} holds ${Array.isArray(v) ? 'a list' : typeof v}, not binary data.`, {
        field: 'body.source',
        hint: 'Point it at a Buffer (Node-RED) or a binary property (n8n), or use a raw body for text and JSON.',
      });
    }
  }
}

/** Renders a compiled request with a host's resolver. Errors have secrets masked. */
export function renderRequest(compiled: CompiledRequest, resolver: VariableResolver, options: BuildOptions & { secrets?: Iterable<string> } = {}): PreparedRequest {
  const onMissing = options.onMissing ?? 'error';
  // Made only when an error has to be masked: most renders never need it.
  let made: Redactor | undefined;
  const redactor = (): Redactor => (made ??= createRedactor(options.secrets));
  let place = 'url';
  try {
    const url = finishUrl(compiled, resolver, onMissing, (s) => redactor().url(s));
    place = 'headers';
    const { headers, sensitive } = finishHeaders(compiled, resolver, onMissing);
    place = 'body';
    const body = finishBody(compiled, resolver, onMissing);
    if (body.contentType) {
      const existing = findHeader(headers, 'content-type');
      if (existing && body.forceType) delete headers[existing];
      if (!existing || body.forceType) headers['content-type'] = body.contentType;
    }
    const prepared: PreparedRequest = { method: compiled.method, url, headers, sensitiveHeaders: sensitive };
    if (body.body !== undefined) prepared.body = body.body;
    return prepared;
  } catch (err) {
    if (err instanceof SendApiRequestError) {
      if (redactor().empty) throw err;
      throw new SendApiRequestError(err.code, redactor().text(err.message), { field: err.field, hint: err.hint });
    }
    // A value with no JSON form that slipped past the checks above (JSON.stringify's TypeError).
    if (err instanceof TypeError && /circular|BigInt/i.test(err.message)) throw unwritable(new Error(redactor().text(err.message)), place);
    throw err;
  }
}

/** SPEC §4: a RequestConfig and plain vars in, a PreparedRequest out (or a SendApiRequestError). */
export function buildRequest(config: RequestConfig, vars: PlainVars, options: BuildOptions = {}): PreparedRequest {
  return renderRequest(compileRequest(config), createPlainResolver(vars ?? { values: {} }), {
    onMissing: options.onMissing,
    secrets: Object.values(vars?.secrets ?? {}),
  });
}
