import type { RequestBody } from '../request/types';
import type { BodyStream } from './body-stream';

/** One HTTP exchange, no redirects followed: the core follows them itself (SPEC §3). */
export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: RequestBody;
  /** Whole exchange, ms; 0 means none. */
  timeout: number;
  /** Stop reading past this many bytes (0: no limit) and fail with kind 'tooLarge'. */
  maxResponseBytes: number;
  ignoreTlsErrors: boolean;
  signal?: AbortSignal;
  /**
   * The caller can take the body unread: the transport may return it in `stream` (body left empty)
   * instead of reading it. A transport that cannot stream ignores this.
   */
  streamBody?: boolean;
}

export interface TransportResponse {
  statusCode: number;
  statusMessage?: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** The body unread, when the request asked for `streamBody`; the core reads or passes it on. */
  stream?: BodyStream;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

export type TransportErrorKind = 'timeout' | 'network' | 'tls' | 'aborted' | 'tooLarge' | 'blocked';

/** What a transport throws; anything else it throws is classified by classifyTransportError. */
export class TransportError extends Error {
  constructor(readonly kind: TransportErrorKind, message: string, readonly causeCode?: string) {
    super(message);
    this.name = 'TransportError';
  }
}

const TLS_CODES = /^(CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Maps errors of Node's sockets and n8n's helper (axios underneath) onto our kinds, by their codes. */
export function classifyTransportError(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const e = (err ?? {}) as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  const cause = (e.cause ?? {}) as { code?: unknown };
  const code = typeof e.code === 'string' ? e.code : typeof cause.code === 'string' ? cause.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (e.name === 'AbortError' || e.name === 'CanceledError' || code === 'ERR_CANCELED' || code === 'ABORT_ERR') return new TransportError('aborted', 'The request was cancelled.', code);
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || /timeout/i.test(message)) {
    return new TransportError('timeout', 'The request timed out.', code);
  }
  if (code && TLS_CODES.test(code)) return new TransportError('tls', `TLS error: ${code}`, code);
  if (/maxContentLength|too large/i.test(message) || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED') return new TransportError('tooLarge', 'The response is larger than the limit.', code);
  return new TransportError('network', code ? `Network error ${code}` : 'Network error', code);
}

/** Sleep injected by the host (n8n-workflow's sleep, a timer in Node-RED); rejects when aborted. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
