/**
 * What prepareBinaryData is given for a binary response: the Buffer, or for a streamed body a Readable,
 * so n8n writes the download to its binary data store as it arrives instead of holding it in memory.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { StreamedBody, readBodyStream } from '../../shared/send/body-stream';
import { HelperBody } from './transport';

type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];
type ReadableFrom = (chunks: AsyncIterable<Uint8Array>) => BinaryInput;

/**
 * n8n's stores take a Buffer or a Node Readable (they listen for its events). The n8n package may
 * import no node:stream, so the Readable is made by the class of the stream n8n's own helper returned
 * (a Readable; an http.IncomingMessage would do too, it inherits Readable.from).
 */
function readableFrom(source: unknown): ReadableFrom | undefined {
  const from = (source as { constructor?: { from?: unknown } } | null)?.constructor?.from;
  return typeof from === 'function' ? (from as ReadableFrom) : undefined;
}

export async function binaryInput(body: Buffer | StreamedBody): Promise<BinaryInput> {
  if (Buffer.isBuffer(body)) return body;
  const from = readableFrom(body.source instanceof HelperBody ? body.source.stream : body.source);
  // The size limit is checked while reading a StreamedBody, so a fallback read needs none of its own.
  return from ? from(body) : await readBodyStream(body, 0);
}
