/** Stable error codes: hosts, tests and users' Catch/continueOnFail logic match on these. */
export type ErrorCode =
  | 'UNKNOWN_VARIABLE'
  | 'INVALID_URL'
  | 'INVALID_HEADER'
  | 'INVALID_JSON'
  | 'INVALID_CONFIG'
  | 'INVALID_BODY'
  | 'HTTP_STATUS'
  | 'TIMEOUT'
  | 'NETWORK'
  | 'TLS'
  | 'ABORTED'
  | 'TOO_MANY_REDIRECTS'
  | 'RESPONSE_TOO_LARGE'
  | 'INVALID_RESPONSE'
  | 'BLOCKED_HOST'
  | 'QUEUE_FULL'
  | 'AUTH_FAILED';

/** What a host may show of the request that failed; always already masked. */
export interface RequestEcho {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export interface ErrorDetails {
  field?: string;
  /** A second line for the user: what to do about it. */
  hint?: string;
  statusCode?: number;
  statusMessage?: string;
  /** Response headers of an HTTP_STATUS error. */
  responseHeaders?: Record<string, string | string[]>;
  /** A short excerpt of the response body (masked), for HTTP_STATUS errors. */
  responseExcerpt?: string;
  /** The parsed response body of an HTTP_STATUS error, as a successful response would carry it. */
  responseBody?: unknown;
  request?: RequestEcho;
  attempts?: number;
  cause?: unknown;
}

export class SendApiRequestError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly hint?: string;
  readonly statusCode?: number;
  readonly statusMessage?: string;
  readonly responseHeaders?: Record<string, string | string[]>;
  readonly responseExcerpt?: string;
  readonly responseBody?: unknown;
  readonly request?: RequestEcho;
  readonly attempts?: number;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'SendApiRequestError';
    this.code = code;
    this.field = details.field;
    this.hint = details.hint;
    this.statusCode = details.statusCode;
    this.statusMessage = details.statusMessage;
    this.responseHeaders = details.responseHeaders;
    this.responseExcerpt = details.responseExcerpt;
    this.responseBody = details.responseBody;
    this.request = details.request;
    this.attempts = details.attempts;
    // The cause is kept off the enumerable surface: it may be a transport error holding the raw request.
    if (details.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: details.cause, enumerable: false, writable: true, configurable: true });
    }
  }

  /** A plain, serialisable view of the error for outputs (no cause, no stack). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    if (this.field !== undefined) out.field = this.field;
    if (this.hint !== undefined) out.hint = this.hint;
    if (this.statusCode !== undefined) out.statusCode = this.statusCode;
    if (this.statusMessage !== undefined) out.statusMessage = this.statusMessage;
    if (this.responseExcerpt !== undefined) out.responseExcerpt = this.responseExcerpt;
    if (this.request !== undefined) out.request = this.request;
    if (this.attempts !== undefined) out.attempts = this.attempts;
    return out;
  }
}

export function isSendApiRequestError(value: unknown): value is SendApiRequestError {
  return value instanceof SendApiRequestError;
}
