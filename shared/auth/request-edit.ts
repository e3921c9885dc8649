/** Adding credentials to a prepared request without touching anything else in it. */
import { SendApiRequestError } from '../errors';
import { findHeader } from '../request/headers';
import type { PreparedRequest } from '../request/types';
import { authField, type AuthSettings } from './config';

// Tab, visible ASCII and Latin-1, as for header rows (request/headers.ts).
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Sets a credential header (replacing a header row of the same name: the chosen scheme wins) and
 * marks it sensitive, so it is masked in echoes and dropped on a redirect to another origin.
 */
export function withCredentialHeader(request: PreparedRequest, name: string, value: string): PreparedRequest {
  const headers = { ...request.headers };
  const existing = findHeader(headers, name);
  if (existing !== undefined) delete headers[existing];
  headers[name] = value;
  const lower = name.toLowerCase();
  const sensitive = request.sensitiveHeaders.some((h) => h.toLowerCase() === lower) ? request.sensitiveHeaders : [...request.sensitiveHeaders, lower];
  return { ...request, headers, sensitiveHeaders: sensitive };
}

/** Appends `name=value` to the query, leaving the rest of the URL exactly as it was rendered. */
export function withQueryParam(request: PreparedRequest, name: string, value: string): PreparedRequest {
  const hashAt = request.url.indexOf('#');
  const base = hashAt >= 0 ? request.url.slice(0, hashAt) : request.url;
  const fragment = hashAt >= 0 ? request.url.slice(hashAt) : '';
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return { ...request, url: `${base}${separator}${encodeURIComponent(name)}=${encodeURIComponent(value)}${fragment}` };
}

/** A secret's value must fit in a header; the message names the setting, never the value. */
export function checkSecretForHeader(value: string, name: keyof AuthSettings, chosen: string): void {
  const m = BAD_VALUE_CHAR.exec(value);
  if (m) {
    throw new SendApiRequestError('INVALID_HEADER', `Authentication: the secret "${chosen}" contains a character that cannot be sent in a header (at character ${m.index + 1}).`, {
      field: authField(name),
      hint: 'Remove line breaks and control characters from the secret\'s value.',
    });
  }
}

/** Base64 of UTF-8 text (RFC 7617 credentials). */
export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
