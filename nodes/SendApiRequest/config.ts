/**
 * Reads the node's saved parameters (SPEC §5 names) into the core's RequestConfig. Template fields are
 * read as the author wrote them (rawExpressions): the core parses `#` variables and `{{ }}` islands
 * once, and n8n evaluates each island as a value; a resolved value is never parsed again.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { AUTH_FIELDS } from '../../shared/form';
import type { BodyConfig, KeyValue, RequestConfig } from '../../shared/request/types';

/** An n8n parameter as template text: expression mode saves a leading "=", which is not part of it. */
export function templateText(value: unknown): string {
  if (typeof value === 'string') return value.startsWith('=') ? value.slice(1) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** True for a value saved in expression mode: only there is `{{ }}` an expression (fixed mode sends it as written). */
export function isExpressionMode(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('=');
}

/** The core's field names (url, headers[0], body.raw, …) whose text was saved in expression mode. */
export type ExpressionModeFields = Set<string>;

function raw(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback: unknown): unknown {
  return ctx.getNodeParameter(name, itemIndex, fallback, { rawExpressions: true });
}

/** `{ values: [{ key, value }] }` → rows of template text; rows with a part in expression mode are noted under `prefix[i]`. */
export function rowsOf(collection: unknown, prefix = '', expressionFields?: ExpressionModeFields): KeyValue[] {
  const values = (collection as { values?: unknown } | undefined)?.values;
  if (!Array.isArray(values)) return [];
  return values.map((row: { key?: unknown; value?: unknown }, i) => {
    if (expressionFields && (isExpressionMode(row?.key) || isExpressionMode(row?.value))) expressionFields.add(`${prefix}[${i}]`);
    return { key: templateText(row?.key), value: templateText(row?.value) };
  });
}

/** A template parameter's text, noting the field when it was saved in expression mode. */
function templateOf(value: unknown, field: string, expressionFields: ExpressionModeFields): string {
  if (isExpressionMode(value)) expressionFields.add(field);
  return templateText(value);
}

/** Quotes a binary property name for a `#binary["…"]` path. */
export function binaryVariable(property: string): string {
  return `#binary["${property.replace(/[\\"]/g, '\\$&')}"]`;
}

function bodyConfig(ctx: IExecuteFunctions, itemIndex: number, binaryProperty: string, expressionFields: ExpressionModeFields): BodyConfig {
  const mode = String(ctx.getNodeParameter('bodyMode', itemIndex, 'none'));
  switch (mode) {
    case 'fields': {
      const encoding = String(ctx.getNodeParameter('bodyEncoding', itemIndex, 'json')) as 'json' | 'form' | 'multipart';
      return { mode: 'fields', encoding, fields: rowsOf(raw(ctx, 'fields', itemIndex, {}), 'body.fields', expressionFields) };
    }
    case 'raw':
      return { mode: 'raw', raw: templateOf(raw(ctx, 'rawBody', itemIndex, ''), 'body.raw', expressionFields), contentType: String(ctx.getNodeParameter('contentType', itemIndex, '')) };
    case 'binary':
      return { mode: 'binary', source: binaryVariable(binaryProperty), contentType: String(ctx.getNodeParameter('contentType', itemIndex, '')) };
    case 'none':
      return { mode: 'none' };
    default:
      // The core names the field and the modes it knows.
      return { mode } as unknown as BodyConfig;
  }
}

/**
 * The request as written, and which of its fields were saved in expression mode: only those hold
 * `{{ }}` expressions, as in n8n's own nodes (a fixed-mode `{{` is sent as written).
 */
export function readRequestConfig(ctx: IExecuteFunctions, itemIndex: number, binaryProperty: string, expressionFields: ExpressionModeFields): RequestConfig {
  return {
    url: templateOf(raw(ctx, 'url', itemIndex, ''), 'url', expressionFields),
    method: String(ctx.getNodeParameter('method', itemIndex, 'GET')),
    query: rowsOf(raw(ctx, 'query', itemIndex, {}), 'query', expressionFields),
    headers: rowsOf(raw(ctx, 'headers', itemIndex, {}), 'headers', expressionFields),
    body: bodyConfig(ctx, itemIndex, binaryProperty, expressionFields),
  };
}

/** The options collection, evaluated by n8n, except nextUrl: a template, read as written. */
export function readOptions(ctx: IExecuteFunctions, itemIndex: number, expressionFields: ExpressionModeFields): IDataObject {
  const options = { ...(ctx.getNodeParameter('options', itemIndex, {}) as IDataObject) };
  const rawOptions = raw(ctx, 'options', itemIndex, {}) as IDataObject;
  if (rawOptions && rawOptions.nextUrl !== undefined) options.nextUrl = templateOf(rawOptions.nextUrl, 'options.nextUrl', expressionFields);
  return options;
}

/** The authentication settings (secret names and plain values, evaluated by n8n like any parameter). */
export function readAuth(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
  const out: IDataObject = {};
  for (const f of AUTH_FIELDS) out[f.name] = ctx.getNodeParameter(f.name, itemIndex, f.default) as IDataObject[string];
  return out;
}
