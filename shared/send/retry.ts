import type { HttpMethod } from '../request/types';

export const RETRY_STATUS = new Set([408, 413, 429, 500, 502, 503, 504]);
const IDEMPOTENT = new Set<HttpMethod>(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const BASE_DELAY_MS = 500;

export function methodMayRetry(method: HttpMethod, retryNonIdempotent: boolean): boolean {
  return IDEMPOTENT.has(method) || retryNonIdempotent;
}

/** Exponential backoff with equal jitter: half fixed, half random, so clients spread out but still back off. */
export function backoffDelay(attempt: number, maxDelay: number, random: () => number): number {
  const ceiling = Math.min(maxDelay, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const trimmed = v.trim();
  // Seconds; a fraction (not in the RFC, seen in the wild) is read as meant, not as a date.
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // HTTP dates begin with a day name ("Wed, 21 Oct 2015 …"); Date.parse alone would read "-1" or
  // "2026" as dates in the past and retry at once.
  if (!/^[A-Za-z]{3,9},? /.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The longest wait a host's timer-based sleep can hold (2^31 - 1 ms); longer ones fire at once in Node. */
export const MAX_SLEEP_MS = 2147483647;
