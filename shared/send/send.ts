import { sendWithAuth } from '../auth/lifecycle';
import type { AuthSession } from '../auth/types';
import { SendApiRequestError, type ErrorCode, type ErrorDetails, type RequestEcho } from '../errors';
import { createRedactor, type Redactor } from '../redact';
import type { HttpMethod, PreparedRequest, RequestBody } from '../request/types';
import { DEFAULT_OPTIONS, type NodeOptions } from '../options';
import { isRedirect, leavesOrigin, methodAfterRedirect, stripCredentials, withoutBodyHeaders } from './redirect';
import { StreamedBody, readBodyStream, type BodyStream } from './body-stream';
import { excerpt, headerValue, isBinaryResponse, parseBody } from './response';
import { MAX_SLEEP_MS, RETRY_STATUS, backoffDelay, methodMayRetry, parseRetryAfter } from './retry';
import { TransportError, classifyTransportError, type Sleep, type Transport, type TransportResponse } from './transport';

export interface ApiResponse {
  statusCode: number;
  statusMessage?: string;
  headers: Record<string, string | string[]>;
  body: unknown;
  /** The URL that answered, after redirects. */
  url: string;
}

export type Progress =
  | { type: 'attempt'; attempt: number; maxAttempts: number }
  | { type: 'retry'; attempt: number; maxAttempts: number; delayMs: number; reason: string }
  | { type: 'redirect'; url: string };

export type SendSettings = Pick<NodeOptions,
  'timeout' | 'retries' | 'retryNonIdempotent' | 'retryMaxDelay' | 'followRedirects' | 'maxRedirects' |
  'responseFormat' | 'neverError' | 'maxResponseBytes' | 'ignoreTlsErrors'>;

export interface SendOptions extends Partial<SendSettings> {
  transport: Transport;
  sleep: Sleep;
  signal?: AbortSignal;
  /** Secret values to mask in errors (the ones the request was built with). */
  secrets?: Iterable<string>;
  onProgress?: (progress: Progress) => void;
  /** Host check run on every URL before it is requested (allowed hosts, SSRF guard); throws to refuse. */
  checkUrl?: (url: URL) => void;
  /** Statuses handed back as responses instead of errors (pagination's stop statuses). */
  acceptStatus?: (statusCode: number) => boolean;
  random?: () => number;
  now?: () => number;
  /** Authentication hook: adds credentials before sending and answers a 401 once (shared/auth). */
  auth?: AuthSession;
  /**
   * The host stores a binary body from a stream (n8n's binary data): a 2xx binary response is then
   * passed on unread as a StreamedBody in ApiResponse.body, checked against maxResponseBytes as it is read.
   */
  streamBinary?: boolean;
}

const KIND_CODE: Record<TransportError['kind'], ErrorCode> = {
  timeout: 'TIMEOUT',
  network: 'NETWORK',
  tls: 'TLS',
  aborted: 'ABORTED',
  tooLarge: 'RESPONSE_TOO_LARGE',
  blocked: 'BLOCKED_HOST',
};

/** The option an error of this kind is about; the rest are about the URL. */
const KIND_FIELD: Partial<Record<TransportError['kind'], string>> = {
  timeout: 'options.timeout',
  tooLarge: 'options.maxResponseBytes',
  blocked: 'options.ssrfGuard',
};

const KIND_HINT: Record<TransportError['kind'], string> = {
  timeout: 'The API did not answer in time: raise the Timeout option, or check that the server is up.',
  network: 'Check the URL and that the server is reachable from this machine.',
  tls: 'The server\'s certificate was not accepted: fix the certificate, add its CA, or switch on "Ignore TLS errors" for this node.',
  aborted: 'The request was cancelled, for example because the flow was redeployed or the workflow stopped.',
  tooLarge: 'Raise the "Max response size" option (maxResponseBytes), or ask the API for less data.',
  blocked: 'The host is not allowed by this node\'s SSRF guard or allowed hosts.',
};

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name could not be found',
  EAI_AGAIN: 'the host name could not be looked up',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection closed while sending',
  // The socket closed before the announced body arrived (dropped mid-body, short content-length).
  ERR_BAD_RESPONSE: 'the response broke off before its end',
  // zlib, decoding a Content-Encoding the server announced.
  Z_DATA_ERROR: 'the compressed body is corrupt',
  Z_BUF_ERROR: 'the compressed body is cut short',
};

/** Words for a network error code; Node's HTTP parser errors (HPE_*) all mean a malformed response. */
function networkWords(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return NETWORK_WORDS[code] ?? (code.startsWith('HPE_') ? 'the server sent a malformed HTTP response' : undefined);
}

interface Hop {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: RequestBody;
}

function echo(hop: Hop, sensitive: readonly string[], redactor: Redactor): RequestEcho {
  return { method: hop.method, url: redactor.url(hop.url), headers: redactor.headers(hop.headers, sensitive) };
}

function isAborted(signal?: AbortSignal): boolean {
  return signal?.aborted === true;
}

class Attempt {
  constructor(readonly response: TransportResponse, readonly hop: Hop) {}
}

/** A transport failure on a redirect hop: the error names the URL that failed, not the first one. */
class HopFailure {
  constructor(readonly cause: unknown, readonly hop: Hop, readonly sensitive: readonly string[]) {}
}

/** Sends one attempt, following redirects itself so credentials never cross an origin. */
async function exchange(prepared: PreparedRequest, s: SendSettings, o: SendOptions, redactor: Redactor): Promise<Attempt> {
  let hop: Hop = { method: prepared.method, url: prepared.url, headers: { ...prepared.headers }, body: prepared.body };
  let sensitive = prepared.sensitiveHeaders;
  for (let redirects = 0; ; redirects++) {
    const target = new URL(hop.url);
    // Only http(s) is sent. Redirects are checked below; this catches a next-page URL from a response
    // (an HTTP client may read a data: URL itself and hand it back as a page).
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new SendApiRequestError('INVALID_URL', `${hop.method} ${redactor.url(hop.url)} cannot be sent: only http and https URLs can.`, {
        field: 'url',
        hint: 'A next-page URL from the response must be an http or https URL; check the "Next URL" option.',
      });
    }
    o.checkUrl?.(target);
    let response: TransportResponse;
    try {
      response = await o.transport({
        method: hop.method,
        url: hop.url,
        headers: hop.headers,
        body: hop.body,
        timeout: s.timeout,
        maxResponseBytes: s.maxResponseBytes,
        ignoreTlsErrors: s.ignoreTlsErrors,
        signal: o.signal,
        streamBody: o.streamBinary === true ? true : undefined,
      });
      // Only a final binary 2xx goes on unread; every other body is read here, where a failure while
      // reading it is a transport failure of this attempt (and retried like one).
      if (response.stream && !(isFinal(response, s) && keepsStream(response, hop.method, s))) {
        response = { ...response, body: await readBodyStream(response.stream, s.maxResponseBytes), stream: undefined };
      }
    } catch (err) {
      throw redirects > 0 ? new HopFailure(err, hop, sensitive) : err;
    }
    const location = headerValue(response.headers, 'location');
    if (!s.followRedirects || !isRedirect(response.statusCode) || !location) return new Attempt(response, hop);
    if (redirects >= s.maxRedirects) {
      throw new SendApiRequestError('TOO_MANY_REDIRECTS', `${hop.method} ${redactor.url(prepared.url)} was redirected more than ${s.maxRedirects} times.`, {
        field: 'options.maxRedirects',
        request: echo(hop, sensitive, redactor),
        hint: 'The server may be in a redirect loop; check the URL, or raise "Max redirects".',
      });
    }
    let next: URL;
    try {
      next = new URL(location, hop.url);
    } catch {
      throw new SendApiRequestError('INVALID_RESPONSE', `The server redirected ${hop.method} ${redactor.url(hop.url)} to an invalid location.`, { request: echo(hop, sensitive, redactor) });
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new SendApiRequestError('INVALID_RESPONSE', `The server redirected to a ${next.protocol.replace(':', '')} URL, which cannot be followed.`, { request: echo(hop, sensitive, redactor) });
    }
    const after = methodAfterRedirect(response.statusCode, hop.method);
    let headers = after.keepBody ? hop.headers : withoutBodyHeaders(hop.headers);
    if (leavesOrigin(new URL(hop.url), next)) {
      headers = stripCredentials(headers, sensitive);
      sensitive = [];
    }
    hop = { method: after.method, url: next.href, headers, body: after.keepBody ? hop.body : undefined };
    o.onProgress?.({ type: 'redirect', url: redactor.url(hop.url) });
  }
}

/** A response the life cycle does not follow on (no redirect to take). */
function isFinal(response: TransportResponse, s: SendSettings): boolean {
  return !s.followRedirects || !isRedirect(response.statusCode) || headerValue(response.headers, 'location') === undefined;
}

/** A 2xx response with a binary body that has bytes to pass on (a HEAD or a 204 has none). */
function keepsStream(response: TransportResponse, method: HttpMethod, s: SendSettings): boolean {
  const status = response.statusCode;
  if (status < 200 || status >= 300 || status === 204 || status === 205 || method === 'HEAD') return false;
  if (headerValue(response.headers, 'content-length') === '0') return false;
  return isBinaryResponse(response.headers, s.responseFormat);
}

function transportFailure(err: TransportError, hop: Hop, sensitive: readonly string[], redactor: Redactor, attempts: number): SendApiRequestError {
  const words = err.kind === 'network' ? networkWords(err.causeCode) : undefined;
  const what = words
    ? `${words} (${err.causeCode})`
    : err.kind === 'timeout' ? 'no answer within the timeout' : err.message;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  return new SendApiRequestError(KIND_CODE[err.kind], redactor.text(`${hop.method} ${redactor.url(hop.url)} failed: ${what}${tries}.`), {
    field: KIND_FIELD[err.kind] ?? 'url',
    hint: KIND_HINT[err.kind],
    request: echo(hop, sensitive, redactor),
    attempts,
    cause: err,
  });
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) return 'The API refused the credentials: check the secret keys and the headers that use them.';
  if (status === 404) return 'Check the URL and the variables it uses.';
  if (status === 429) return 'The API is rate limiting: lower the concurrency, add batching, or allow more retries.';
  if (status >= 500) return 'The API had a server error; it may pass on a later try.';
  return 'Check the request against the API\'s documentation, or switch on "Never error" to handle the status in the flow.';
}

/** SPEC §4: the request life cycle over an injected transport and sleep. */
export async function sendRequest(prepared: PreparedRequest, options: SendOptions): Promise<ApiResponse> {
  return options.auth ? sendWithAuth(prepared, options, options.auth, sendAttempts) : sendAttempts(prepared, options);
}

/** The life cycle without authentication: attempts, retries, redirects, errors. */
async function sendAttempts(prepared: PreparedRequest, options: SendOptions): Promise<ApiResponse> {
  const s: SendSettings = { ...DEFAULT_OPTIONS, ...definedOnly(options) };
  const redactor = createRedactor(options.secrets);
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const maxAttempts = methodMayRetry(prepared.method, s.retryNonIdempotent) ? Math.max(0, Math.floor(s.retries)) + 1 : 1;
  const initialHop: Hop = { method: prepared.method, url: prepared.url, headers: prepared.headers, body: prepared.body };

  for (let attempt = 1; ; attempt++) {
    if (isAborted(options.signal)) throw transportFailure(new TransportError('aborted', 'cancelled'), initialHop, prepared.sensitiveHeaders, redactor, attempt - 1);
    options.onProgress?.({ type: 'attempt', attempt, maxAttempts });
    let result: Attempt;
    try {
      result = await exchange(prepared, s, options, redactor);
    } catch (caught) {
      // Allowed-hosts and SSRF refusals name the host, which a secret may have filled in.
      if (caught instanceof SendApiRequestError) throw masked(caught, redactor);
      const err = caught instanceof HopFailure ? caught.cause : caught;
      const failedHop = caught instanceof HopFailure ? caught.hop : initialHop;
      const failedSensitive = caught instanceof HopFailure ? caught.sensitive : prepared.sensitiveHeaders;
      const failure = classifyTransportError(err);
      const aborted = failure.kind === 'aborted' || isAborted(options.signal);
      const retryable = !aborted && (failure.kind === 'network' || failure.kind === 'timeout');
      if (retryable && attempt < maxAttempts) {
        await wait(backoffDelay(attempt, s.retryMaxDelay, random), `${failure.kind === 'timeout' ? 'timeout' : failure.causeCode ?? 'network error'}`, attempt, maxAttempts, options, prepared, redactor);
        continue;
      }
      throw transportFailure(aborted ? new TransportError('aborted', 'cancelled') : failure, failedHop, failedSensitive, redactor, attempt);
    }
    const { response, hop } = result;
    if (response.stream) return streamedResponse(response, response.stream, hop, s, options, prepared, redactor, attempt);
    if (s.maxResponseBytes > 0 && response.body.length > s.maxResponseBytes) {
      throw transportFailure(new TransportError('tooLarge', `the response has ${response.body.length} bytes, over the limit of ${s.maxResponseBytes}`), hop, prepared.sensitiveHeaders, redactor, attempt);
    }
    const status = response.statusCode;
    if (RETRY_STATUS.has(status) && attempt < maxAttempts && !(options.acceptStatus?.(status))) {
      const retryAfter = parseRetryAfter(response.headers['retry-after'] ?? headerValue(response.headers, 'retry-after'), now());
      const delay = Math.min(s.retryMaxDelay, retryAfter ?? backoffDelay(attempt, s.retryMaxDelay, random));
      await wait(delay, `status ${status}`, attempt, maxAttempts, options, prepared, redactor);
      continue;
    }
    const ok = (status >= 200 && status < 400) || s.neverError || options.acceptStatus?.(status) === true;
    if (ok) {
      let parsed: unknown;
      try {
        parsed = parseBody(response, s.responseFormat, status >= 400);
      } catch (err) {
        // INVALID_RESPONSE quotes the body, and a server may echo a secret back: mask it like any error.
        if (!(err instanceof SendApiRequestError)) throw err;
        throw masked(err, redactor, { statusCode: status, request: echo(hop, prepared.sensitiveHeaders, redactor), attempts: attempt });
      }
      return { statusCode: status, statusMessage: response.statusMessage, headers: response.headers, body: parsed, url: hop.url };
    }
    const body = parseBody(response, s.responseFormat, true);
    const bodyExcerpt = redactor.text(excerpt(body));
    const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
    throw new SendApiRequestError('HTTP_STATUS', redactor.text(`The API answered ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''} to ${hop.method} ${redactor.url(hop.url)}${tries}${bodyExcerpt ? `: ${bodyExcerpt}` : '.'}`), {
      statusCode: status,
      // The reason phrase is the server's text, shown with the error: a server may put a secret in it.
      statusMessage: response.statusMessage === undefined ? undefined : redactor.text(response.statusMessage),
      responseHeaders: response.headers,
      responseExcerpt: bodyExcerpt,
      responseBody: body,
      request: echo(hop, prepared.sensitiveHeaders, redactor),
      attempts: attempt,
      hint: statusHint(status),
    });
  }
}

/** A binary 2xx passed on unread: a declared size over the limit fails now, the rest as it is read. */
function streamedResponse(response: TransportResponse, stream: BodyStream, hop: Hop, s: SendSettings, o: SendOptions, prepared: PreparedRequest, redactor: Redactor, attempt: number): ApiResponse {
  const declared = Number(headerValue(response.headers, 'content-length'));
  if (s.maxResponseBytes > 0 && declared > s.maxResponseBytes) {
    stream.destroy();
    throw transportFailure(new TransportError('tooLarge', `the response has ${declared} bytes, over the limit of ${s.maxResponseBytes}`), hop, prepared.sensitiveHeaders, redactor, attempt);
  }
  const fail = (err: unknown): Error => {
    const failure = isAborted(o.signal) ? new TransportError('aborted', 'cancelled') : classifyTransportError(err);
    return transportFailure(failure, hop, prepared.sensitiveHeaders, redactor, attempt);
  };
  const body = new StreamedBody(stream, s.maxResponseBytes, fail);
  return { statusCode: response.statusCode, statusMessage: response.statusMessage, headers: response.headers, body, url: hop.url };
}

/** The same error with its message passed through the redactor (and details added); no-op without secrets. */
function masked(err: SendApiRequestError, redactor: Redactor, extra: ErrorDetails = {}): SendApiRequestError {
  const message = redactor.text(err.message);
  if (message === err.message && Object.keys(extra).length === 0) return err;
  return new SendApiRequestError(err.code, message, {
    field: err.field,
    hint: err.hint,
    statusCode: err.statusCode,
    statusMessage: err.statusMessage,
    responseHeaders: err.responseHeaders,
    responseExcerpt: err.responseExcerpt,
    responseBody: err.responseBody,
    request: err.request,
    attempts: err.attempts,
    ...extra,
  });
}

async function wait(delayMs: number, reason: string, attempt: number, maxAttempts: number, o: SendOptions, prepared: PreparedRequest, redactor: Redactor): Promise<void> {
  o.onProgress?.({ type: 'retry', attempt: attempt + 1, maxAttempts, delayMs, reason });
  let aborted = false;
  try {
    await o.sleep(Math.min(delayMs, MAX_SLEEP_MS), o.signal);
  } catch {
    // A sleep only fails when it is cancelled.
    aborted = true;
  }
  if (aborted || isAborted(o.signal)) {
    throw transportFailure(new TransportError('aborted', 'cancelled'), { method: prepared.method, url: prepared.url, headers: prepared.headers }, prepared.sensitiveHeaders, redactor, attempt);
  }
}

function definedOnly(o: SendOptions): Partial<SendSettings> {
  const out: Record<string, unknown> = {};
  for (const k of ['timeout', 'retries', 'retryNonIdempotent', 'retryMaxDelay', 'followRedirects', 'maxRedirects', 'responseFormat', 'neverError', 'maxResponseBytes', 'ignoreTlsErrors'] as const) {
    if (o[k] !== undefined) out[k] = o[k];
  }
  return out as Partial<SendSettings>;
}
