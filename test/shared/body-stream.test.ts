/**
 * Streamed response bodies in the core's life cycle (SendOptions.streamBinary): which responses go on
 * unread, the size limit while reading, errors in the core's words, redirects and retries reading
 * their bodies as before. The transport here is scripted: the n8n tests cover the real helper.
 */
import { Readable } from 'node:stream';
import { SendApiRequestError } from '../../shared/errors';
import { StreamedBody, isBodyStream, readBodyStream } from '../../shared/send/body-stream';
import { sendRequest, type SendOptions } from '../../shared/send/send';
import type { TransportRequest, TransportResponse } from '../../shared/send/transport';
import type { PreparedRequest } from '../../shared/request/types';

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  chunks?: Buffer[];
  /** Fail after the chunks, as a socket that closes mid-body does. */
  breakOff?: boolean;
}

function sourceOf(step: Scripted): Readable & { destroyedByReader?: boolean } {
  const chunks = step.chunks ?? [];
  return Readable.from((async function* () {
    for (const c of chunks) yield c;
    if (step.breakOff) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  })());
}

/** A transport answering each call with the next scripted response, streamed when asked. */
function scripted(steps: Scripted[]): { transport: SendOptions['transport']; calls: TransportRequest[]; sources: Readable[] } {
  const calls: TransportRequest[] = [];
  const sources: Readable[] = [];
  const transport = async (req: TransportRequest): Promise<TransportResponse> => {
    calls.push(req);
    const step = steps[Math.min(calls.length - 1, steps.length - 1)];
    const headers = step.headers ?? {};
    if (req.streamBody) {
      const stream = sourceOf(step);
      sources.push(stream);
      return { statusCode: step.status, headers, body: Buffer.alloc(0), stream };
    }
    return { statusCode: step.status, headers, body: Buffer.concat(step.chunks ?? []) };
  };
  return { transport, calls, sources };
}

const request = (over: Partial<PreparedRequest> = {}): PreparedRequest => ({ method: 'GET', url: 'https://api.example.com/files/1?key=s3cret-key-value', headers: {}, sensitiveHeaders: [], ...over });
const options = (transport: SendOptions['transport'], extra: Partial<SendOptions> = {}): SendOptions => ({
  transport,
  sleep: async () => undefined,
  streamBinary: true,
  secrets: ['s3cret-key-value'],
  retries: 0,
  ...extra,
});
const bytes = (n: number, fill = 7) => Buffer.alloc(n, fill);

test('a binary 2xx goes on unread as a StreamedBody; its bytes come when it is read', async () => {
  const { transport, calls, sources } = scripted([{ status: 200, headers: { 'content-type': 'image/png' }, chunks: [bytes(10), bytes(5, 9)] }]);
  const res = await sendRequest(request(), options(transport));
  expect(calls[0].streamBody).toBe(true);
  expect(res.body).toBeInstanceOf(StreamedBody);
  expect(isBodyStream(res.body)).toBe(true);
  expect((res.body as StreamedBody).source).toBe(sources[0]);
  expect(await readBodyStream(res.body as StreamedBody, 0)).toEqual(Buffer.concat([bytes(10), bytes(5, 9)]));
});

test('JSON, text, an empty type, HEAD and 204 are read and parsed as without streaming', async () => {
  const cases: Array<[Scripted, Partial<PreparedRequest>, unknown]> = [
    [{ status: 200, headers: { 'content-type': 'application/json' }, chunks: [Buffer.from('{"a":'), Buffer.from('1}')] }, {}, { a: 1 }],
    [{ status: 200, headers: { 'content-type': 'text/plain' }, chunks: [Buffer.from('hello')] }, {}, 'hello'],
    [{ status: 200, chunks: [Buffer.from('sniffed text')] }, {}, 'sniffed text'],
    [{ status: 200, headers: { 'content-type': 'image/png', 'content-length': '99' } }, { method: 'HEAD' }, ''],
    [{ status: 204, headers: { 'content-type': 'application/octet-stream' } }, {}, ''],
  ];
  for (const [step, over, body] of cases) {
    const { transport } = scripted([step]);
    const res = await sendRequest(request(over), options(transport));
    expect(res.body).toEqual(body);
  }
});

test('without streamBinary the transport is never asked to stream', async () => {
  const { transport, calls } = scripted([{ status: 200, headers: { 'content-type': 'application/octet-stream' }, chunks: [bytes(3)] }]);
  const res = await sendRequest(request(), options(transport, { streamBinary: undefined }));
  expect(calls[0].streamBody).toBeUndefined();
  expect(res.body).toEqual(bytes(3));
});

test('the size limit: a declared length over it fails at once, a longer stream fails while read', async () => {
  const declared = scripted([{ status: 200, headers: { 'content-type': 'application/zip', 'content-length': '5000' }, chunks: [bytes(100)] }]);
  await expect(sendRequest(request(), options(declared.transport, { maxResponseBytes: 1000 }))).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE', field: 'options.maxResponseBytes' });
  expect(declared.sources[0].destroyed).toBe(true);

  const long = scripted([{ status: 200, headers: { 'content-type': 'application/zip' }, chunks: [bytes(600), bytes(600), bytes(600)] }]);
  const res = await sendRequest(request(), options(long.transport, { maxResponseBytes: 1000 }));
  const error = await readBodyStream(res.body as StreamedBody, 0).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SendApiRequestError);
  expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', field: 'options.maxResponseBytes' });
  expect(long.sources[0].destroyed).toBe(true);
});

test('a stream that breaks off is a NETWORK error naming the request, with its secret masked', async () => {
  const { transport } = scripted([{ status: 200, headers: { 'content-type': 'application/octet-stream' }, chunks: [bytes(10)], breakOff: true }]);
  const res = await sendRequest(request(), options(transport));
  const error = (await readBodyStream(res.body as StreamedBody, 0).catch((e: unknown) => e)) as SendApiRequestError;
  expect(error.code).toBe('NETWORK');
  expect(error.message).toMatch(/^GET https:\/\/api\.example\.com\/files\/1\?key=\*\*\* failed: the connection was reset \(ECONNRESET\)/);
  expect(JSON.stringify(error.request)).not.toContain('s3cret-key-value');
});

test('a redirect and a retried 503 have their bodies read; the final binary response streams', async () => {
  const { transport, calls, sources } = scripted([
    { status: 302, headers: { location: '/files/2', 'content-type': 'text/html' }, chunks: [Buffer.from('<a>moved</a>')] },
    { status: 503, headers: { 'retry-after': '0', 'content-type': 'application/octet-stream' }, chunks: [Buffer.from('busy')] },
    { status: 200, headers: { 'content-type': 'application/octet-stream' }, chunks: [bytes(4)] },
  ]);
  const res = await sendRequest(request(), options(transport, { retries: 2 }));
  // 302 → /files/2 answers 503 → the retry starts again at /files/1, which now answers 200.
  expect(calls.map((c) => c.url)).toEqual(['https://api.example.com/files/1?key=s3cret-key-value', 'https://api.example.com/files/2', 'https://api.example.com/files/1?key=s3cret-key-value']);
  expect(sources.slice(0, -1).every((s) => s.readableEnded)).toBe(true);
  expect(await readBodyStream(res.body as StreamedBody, 0)).toEqual(bytes(4));
});

test('an error status is read for its excerpt, never streamed', async () => {
  const { transport } = scripted([{ status: 404, headers: { 'content-type': 'application/octet-stream' }, chunks: [Buffer.from('no such file')] }]);
  await expect(sendRequest(request(), options(transport))).rejects.toMatchObject({ code: 'HTTP_STATUS', statusCode: 404, responseExcerpt: expect.stringContaining('bytes of binary data') });
});

test('a StreamedBody is read once', async () => {
  const { transport } = scripted([{ status: 200, headers: { 'content-type': 'application/octet-stream' }, chunks: [bytes(2)] }]);
  const res = await sendRequest(request(), options(transport));
  await readBodyStream(res.body as StreamedBody, 0);
  await expect(readBodyStream(res.body as StreamedBody, 0)).rejects.toThrow(/read once/);
});
