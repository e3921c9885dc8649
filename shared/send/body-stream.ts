/**
 * A response body handed on unread, for a host that can store it piece by piece (n8n writes a binary
 * response to its binary data store): a 200 MB download then never sits in memory. The core keeps
 * only what it must: the size limit, checked as the bytes pass, and errors in its own words.
 */
import { TransportError } from './transport';

/** What a transport returns unread: an async iterable of chunks that can be abandoned. */
export interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): void;
}

export function isBodyStream(value: unknown): value is BodyStream {
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return false;
  const v = value as Partial<BodyStream>;
  return typeof v[Symbol.asyncIterator] === 'function' && typeof v.destroy === 'function';
}

/** Reads a whole stream into one Buffer, failing with 'tooLarge' past `limit` bytes (0: no limit). */
export async function readBodyStream(stream: BodyStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (limit > 0 && size > limit) {
      stream.destroy();
      throw new TransportError('tooLarge', `The response is larger than ${limit} bytes.`);
    }
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

/**
 * A 2xx body passed on as a stream (ApiResponse.body). Reading it enforces the size limit; a failure
 * while reading (the limit, a dropped connection, a cancelled run) is thrown as `fail` words it, so
 * the host gets the same SendApiRequestError it would get for a buffered body.
 */
export class StreamedBody implements BodyStream {
  private started = false;

  constructor(
    /** What the transport returned (n8n: its helper's http.IncomingMessage). */
    readonly source: BodyStream,
    private readonly limit: number,
    private readonly fail: (err: unknown) => Error,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.started) throw new Error('A streamed response body can be read once.');
    this.started = true;
    let size = 0;
    try {
      for await (const chunk of this.source) {
        size += chunk.length;
        if (this.limit > 0 && size > this.limit) throw new TransportError('tooLarge', `the response is larger than the limit of ${this.limit} bytes`);
        yield chunk;
      }
    } catch (err) {
      this.source.destroy();
      throw this.fail(err);
    }
  }

  destroy(error?: Error): void {
    this.source.destroy(error);
  }
}
