/**
 * The core's Transport over n8n's own request helper, so the instance's proxy, TLS, SSRF and
 * allowed-domain settings apply. One exchange per call: redirects, retries and status handling are
 * the core's, so the helper follows no redirect and throws on no status.
 */
import { sleep, type IExecuteFunctions, type IHttpRequestMethods, type IHttpRequestOptions } from 'n8n-workflow';
import { isBodyStream, type BodyStream } from '../../shared/send/body-stream';
import { TransportError, classifyTransportError, type Transport, type TransportRequest, type TransportResponse } from '../../shared/send/transport';

interface FullResponse {
  statusCode: number;
  statusMessage?: string;
  headers?: Record<string, unknown> | { toJSON(): Record<string, unknown> };
  body?: unknown;
}

function plainHeaders(headers: FullResponse['headers']): Record<string, string | string[]> {
  const source = headers && typeof (headers as { toJSON?: unknown }).toJSON === 'function'
    ? (headers as { toJSON(): Record<string, unknown> }).toJSON()
    : ((headers ?? {}) as Record<string, unknown>);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

function bodyBuffer(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body === undefined || body === null) return Buffer.alloc(0);
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

/**
 * n8n wraps what its helper throws (a NodeApiError around an axios error, an SSRF UserError): the
 * socket-level code sits somewhere down the `cause` chain.
 */
function unwrap(err: unknown): unknown {
  let current: unknown = err;
  for (let depth = 0; depth < 5; depth++) {
    const e = current as { code?: unknown; name?: unknown; cause?: unknown } | undefined;
    if (!e || typeof e !== 'object') return current;
    if (typeof e.code === 'string' || /^Ssrf/.test(String(e.name))) return current;
    if (e.cause === undefined) return current;
    current = e.cause;
  }
  return current;
}

export function classifyN8nError(err: unknown): TransportError {
  const inner = unwrap(err) as { name?: unknown; message?: unknown };
  const name = String(inner?.name ?? '');
  const message = typeof inner?.message === 'string' ? inner.message : '';
  if (/^Ssrf/.test(name) || /not allowed|allowed domains/i.test(message)) {
    return new TransportError('blocked', 'n8n refused the address: it is blocked by this instance\'s SSRF protection or allowed domains.');
  }
  return classifyTransportError(inner);
}

/**
 * Bytes, so the helper's HTTP client neither re-encodes nor trims a text body; except a form body,
 * which n8n's helper re-reads with URLSearchParams when the content type is exactly form-urlencoded
 * (it cannot read a Buffer), and then sends as the text it was.
 */
function helperBody(body: string | Buffer, headers: Record<string, string>): string | Buffer {
  const type = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  if (type === 'application/x-www-form-urlencoded') return Buffer.isBuffer(body) ? body.toString('utf8') : body;
  return Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
}

/** Node's timers hold at most 2^31 - 1 ms; a longer one would fire at once. */
const MAX_TIMER_MS = 2147483647;

/**
 * The spec's timeout is the whole exchange, body included. The helper's own timeout ends at the
 * response headers when the body is a stream, so the deadline is kept here, with n8n-workflow's
 * sleep (the n8n package may not use timers of its own). It aborts the request, headers or not: the
 * helper then ends its body stream with an error (destroying that stream does not end a read
 * waiting on a silent socket). Released when the body closes.
 */
class Deadline {
  readonly controller = new AbortController();
  timedOut = false;
  private readonly stop = new AbortController();
  private readonly onCallerAbort = (): void => this.controller.abort();

  constructor(private readonly req: TransportRequest) {
    if (req.signal?.aborted) this.controller.abort();
    else req.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
    if (req.timeout > 0) {
      sleep(Math.min(req.timeout, MAX_TIMER_MS), this.stop.signal).then(() => this.expire(), () => undefined);
    }
  }

  error(): TransportError {
    return new TransportError('timeout', `no answer within ${this.req.timeout} ms`, 'ETIMEDOUT');
  }

  release(): void {
    this.stop.abort();
    this.req.signal?.removeEventListener('abort', this.onCallerAbort);
  }

  private expire(): void {
    this.timedOut = true;
    this.controller.abort();
  }
}

interface HelperStream extends BodyStream {
  once(event: 'close', listener: () => void): unknown;
}

function isHelperStream(body: unknown): body is HelperStream {
  return isBodyStream(body) && typeof (body as { once?: unknown }).once === 'function';
}

/** The helper's body stream, read with the deadline: an error after it passed is a timeout. */
export class HelperBody implements BodyStream {
  constructor(readonly stream: HelperStream, private readonly deadline: Deadline) {
    stream.once('close', () => deadline.release());
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of this.stream) yield chunk;
    } catch (err) {
      throw this.deadline.timedOut ? this.deadline.error() : err;
    }
  }

  destroy(error?: Error): void {
    this.stream.destroy(error);
  }
}

/** `credentialType`: send through httpRequestWithAuthentication with that credential (pass-through). */
export function createN8nTransport(ctx: IExecuteFunctions, credentialType: string | undefined): Transport {
  return async (req: TransportRequest): Promise<TransportResponse> => {
    const options: IHttpRequestOptions = {
      url: req.url,
      method: req.method as IHttpRequestMethods,
      headers: { ...req.headers },
      returnFullResponse: true,
      ignoreHttpStatusErrors: true,
      disableFollowRedirect: true,
      // A binary download may be handed on unread (the core decides by status and content type).
      encoding: req.streamBody ? 'stream' : 'arraybuffer',
      json: false,
      skipSslCertificateValidation: req.ignoreTlsErrors,
    };
    if (req.body !== undefined) options.body = helperBody(req.body, req.headers);
    if (req.timeout > 0) options.timeout = req.timeout;
    const deadline = new Deadline(req);
    options.abortSignal = deadline.controller.signal;
    let response: FullResponse;
    try {
      response = (credentialType
        ? await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, options)
        : await ctx.helpers.httpRequest(options)) as FullResponse;
    } catch (err) {
      deadline.release();
      if (deadline.timedOut && !req.signal?.aborted) throw deadline.error();
      throw classifyN8nError(err);
    }
    const headers = plainHeaders(response.headers);
    if (req.streamBody && isHelperStream(response.body)) {
      return { statusCode: response.statusCode, statusMessage: response.statusMessage, headers, body: Buffer.alloc(0), stream: new HelperBody(response.body, deadline) };
    }
    deadline.release();
    const body = bodyBuffer(response.body);
    if (req.maxResponseBytes > 0 && body.length > req.maxResponseBytes) {
      throw new TransportError('tooLarge', `The response is larger than ${req.maxResponseBytes} bytes.`);
    }
    return { statusCode: response.statusCode, statusMessage: response.statusMessage, headers, body };
  };
}
