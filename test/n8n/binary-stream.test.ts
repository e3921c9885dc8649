/**
 * Binary downloads in n8n's filesystem binary data mode (a default instance's): the response is
 * written to the store as it arrives, the size limit is checked while it streams, and a download
 * that breaks off or is too large ends in a clear error item with no file left behind.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { binaryBuffer, runWorkflow, source, sendNode } from './harness';
import { useTestServer, type TestServer } from './server';

const testServer = useTestServer();
let server: TestServer;
beforeEach(() => {
  server = testServer();
});

beforeAll(async () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Container } = require('@n8n/di') as typeof import('@n8n/di');
  const core = require('n8n-core') as typeof import('n8n-core');
  /* eslint-enable @typescript-eslint/no-require-imports */
  await Container.get(core.BinaryDataService).init();
});

const MB = 1024 * 1024;

/** Every file under the n8n user folder (the binary data store lives there). */
function storedFiles(): string[] {
  const root = process.env.N8N_USER_FOLDER as string;
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

/** Sends `total` bytes in 64 KB chunks without a Content-Length; resolves whether all were written. */
function chunked(res: import('node:http').ServerResponse, total: number, type = 'application/octet-stream'): Promise<boolean> {
  res.writeHead(200, { 'content-type': type });
  const chunk = crypto.randomBytes(64 * 1024);
  return new Promise((resolve) => {
    let sent = 0;
    res.on('close', () => resolve(sent >= total));
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
}

test('a 24 MB binary download is stored as a file, byte for byte, with its name and type', async () => {
  const bytes = crypto.randomBytes(24 * MB);
  server.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="report.pdf"' });
    res.end(bytes);
  });
  const r = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/report'), options: { maxResponseBytes: 32 * MB } })], chain: ['Source', 'Send'] });
  expect(r.error('Send')).toBeUndefined();
  const [item] = r.output('Send');
  expect(item.json).toMatchObject({ statusCode: 200 });
  expect(item.binary?.data).toMatchObject({ fileName: 'report.pdf', mimeType: 'application/pdf' });
  // Filesystem mode: an id that points at the stored file, no base64 copy in the item.
  expect(item.binary?.data.id).toMatch(/^filesystem/);
  expect((await binaryBuffer(item, 'data')).equals(bytes)).toBe(true);
});

test('the binary format streams any type; a JSON response in the default format is still parsed', async () => {
  server.handle((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url }));
  });
  const r = await runWorkflow({
    nodes: [source([{ json: { f: 'binary' } }, { json: { f: 'auto' } }]), sendNode({ url: server.url('/x/#f'), options: { responseFormat: '={{ $json.f }}' } })],
    chain: ['Source', 'Send'],
  });
  expect(r.error('Send')).toBeUndefined();
  const [asFile, parsed] = r.output('Send');
  expect(JSON.parse((await binaryBuffer(asFile, 'data')).toString('utf8'))).toEqual({ url: '/x/binary' });
  expect(parsed.json).toMatchObject({ statusCode: 200, body: { url: '/x/auto' } });
});

test('a chunked download past maxResponseBytes stops reading at the limit and leaves no file', async () => {
  let finished: Promise<boolean> = Promise.resolve(true);
  server.handle((_req, res) => {
    finished = chunked(res, 64 * MB);
  });
  const before = storedFiles().length;
  const r = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/big'), options: { maxResponseBytes: 2 * MB, retries: 0 } }, { continueOnFail: true })], chain: ['Source', 'Send'] });
  const [item] = r.output('Send');
  expect(item.json.error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', field: 'options.maxResponseBytes' });
  expect(String((item.json.error as { message: string }).message)).toMatch(/larger than the limit of 2097152 bytes/);
  expect(item.pairedItem).toEqual({ item: 0 });
  // The connection was dropped long before the server could send its 64 MB.
  expect(await finished).toBe(false);
  expect(storedFiles().length).toBe(before);
});

test('a declared Content-Length over the limit fails before the body is read', async () => {
  server.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(50 * MB) });
    res.write(Buffer.alloc(1024));
    // The rest never comes: the node must not wait for it.
  });
  const r = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/zip'), options: { maxResponseBytes: MB, timeout: 20000 } }, { continueOnFail: true })], chain: ['Source', 'Send'] });
  expect(r.output('Send')[0].json.error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', field: 'options.maxResponseBytes' });
  expect(String((r.output('Send')[0].json.error as { message: string }).message)).toMatch(/52428800 bytes, over the limit of 1048576/);
});

test('a download that breaks off midway is a NETWORK error naming the request, not a truncated file', async () => {
  server.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(4 * MB) });
    res.write(crypto.randomBytes(MB), () => res.socket?.destroy());
  });
  const before = storedFiles().length;
  const r = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/cut'), options: { retries: 0 } }, { continueOnFail: true })], chain: ['Source', 'Send'] });
  const error = r.output('Send')[0].json.error as { code: string; message: string; request: { url: string } };
  expect(error.code).toBe('NETWORK');
  expect(error.message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/cut failed/);
  expect(r.output('Send')[0].binary).toBeUndefined();
  expect(storedFiles().length).toBe(before);
});

test('an error status with a binary type is an HTTP_STATUS error, its body read for the excerpt', async () => {
  server.handle((_req, res) => {
    res.writeHead(403, { 'content-type': 'application/octet-stream' });
    res.end('quota exceeded');
  });
  const r = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/denied'), options: { responseFormat: 'binary' } }, { continueOnFail: true })], chain: ['Source', 'Send'] });
  expect(r.output('Send')[0].json.error).toMatchObject({ code: 'HTTP_STATUS', statusCode: 403 });
});
