import { SendApiRequestError } from '../errors';
import type { TransportResponse } from './transport';

export type ResponseFormat = 'auto' | 'json' | 'text' | 'binary';

export function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return Array.isArray(v) ? v.join(', ') : v;
  return undefined;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function charsetOf(contentType: string | undefined): string {
  const m = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return m ? m[1].toLowerCase() : 'utf-8';
}

const TEXT_TYPES = new Set(['application/xml', 'application/javascript', 'application/x-www-form-urlencoded', 'application/x-ndjson', 'application/graphql', 'application/yaml', 'application/x-yaml', 'image/svg+xml']);

export function isJsonMedia(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json') || type === 'text/json';
}

function isTextMedia(type: string): boolean {
  return type.startsWith('text/') || TEXT_TYPES.has(type) || type.endsWith('+xml');
}

function decodeText(body: Buffer, contentType: string | undefined): string {
  try {
    return new TextDecoder(charsetOf(contentType)).decode(body);
  } catch {
    return body.toString('utf8');
  }
}

/** Text of a body without a content type, or binary when it is not valid UTF-8. */
function sniff(body: Buffer): string | Buffer {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return body;
  }
}

/**
 * Whether a 2xx response's body is passed on as bytes without being looked at: the binary format, or
 * a content type that is neither JSON nor text (an empty or absent type is sniffed, so it is read).
 */
export function isBinaryResponse(headers: Record<string, string | string[]>, format: ResponseFormat): boolean {
  if (format === 'binary') return true;
  if (format !== 'auto') return false;
  const type = mediaType(headerValue(headers, 'content-type'));
  return type !== '' && !isJsonMedia(type) && !isTextMedia(type);
}

/**
 * Parses a body by its content type (JSON → value, text → string, else Buffer), or as `format` forces.
 * An empty body is '' whatever the type. JSON that does not parse is an INVALID_RESPONSE error when
 * JSON was asked for or announced; `lenient` (used for error bodies) falls back to text instead.
 */
export function parseBody(res: TransportResponse, format: ResponseFormat, lenient = false): unknown {
  const contentType = headerValue(res.headers, 'content-type');
  const type = mediaType(contentType);
  if (format === 'binary') return res.body;
  if (res.body.length === 0) return '';
  if (format === 'text') return decodeText(res.body, contentType);
  const wantJson = format === 'json' || (format === 'auto' && isJsonMedia(type));
  if (wantJson) {
    const text = decodeText(res.body, contentType).replace(/^\uFEFF/, '');
    try {
      return JSON.parse(text);
    } catch {
      if (lenient) return text;
      throw new SendApiRequestError('INVALID_RESPONSE', `The response says it is JSON (${type || 'forced by the response format'}) but its body is not valid JSON: ${excerpt(text)}`, {
        field: 'options.responseFormat',
        statusCode: res.statusCode,
        hint: 'Set the response format to text to receive the body as it is.',
      });
    }
  }
  if (type === '') return sniff(res.body);
  if (isTextMedia(type)) return decodeText(res.body, contentType);
  return res.body;
}

/** The start of a body for an error message. */
export function excerpt(body: unknown, max = 300): string {
  let s: string;
  if (typeof body === 'string') s = body;
  else if (Buffer.isBuffer(body)) s = `<${body.length} bytes of binary data>`;
  else s = JSON.stringify(body) ?? '';
  // Only the start is shown: collapsing the white space of a 50 MB error page would stall the event loop.
  const head = s.length > max * 8 ? s.slice(0, max * 8) : s;
  const flat = head.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : head.length < s.length ? `${flat}…` : flat;
}
