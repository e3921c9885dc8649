import type { HttpMethod } from '../request/types';

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUS.has(status);
}

/** Method after a redirect, as browsers and curl do: 303 (and 301/302 after POST) become GET without a body. */
export function methodAfterRedirect(status: number, method: HttpMethod): { method: HttpMethod; keepBody: boolean } {
  if (status === 303 && method !== 'HEAD') return { method: 'GET', keepBody: false };
  if ((status === 301 || status === 302) && method === 'POST') return { method: 'GET', keepBody: false };
  return { method, keepBody: true };
}

/** True when following from `from` to `to` leaves the origin or drops from https to http. */
export function leavesOrigin(from: URL, to: URL): boolean {
  return from.origin !== to.origin || (from.protocol === 'https:' && to.protocol === 'http:');
}

/** Headers to send on after leaving the origin: credentials and every header that used a secret removed. */
export function stripCredentials(headers: Record<string, string>, sensitive: readonly string[]): Record<string, string> {
  const drop = new Set([...CREDENTIAL_HEADERS, ...sensitive.map((s) => s.toLowerCase())]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!drop.has(k.toLowerCase())) out[k] = v;
  return out;
}

export function withoutBodyHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const lower = k.toLowerCase();
    if (lower !== 'content-type' && lower !== 'content-length') out[k] = v;
  }
  return out;
}
