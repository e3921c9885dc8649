/** A real HTTP server on 127.0.0.1 for the n8n tests: records each request, answers with a per-test handler. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export type Handler = (req: Received, res: http.ServerResponse) => void | Promise<void>;

export interface TestServer {
  url(path: string): string;
  readonly requests: Received[];
  /** Most requests in flight at once since the last reset. */
  readonly maxInFlight: number;
  handle(handler: Handler): void;
  reset(): void;
  close(): Promise<void>;
}

export function json(res: http.ServerResponse, status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

/** Default handler: echoes what arrived as JSON. */
export const echo: Handler = (req, res) => json(res, 200, { method: req.method, url: req.url, headers: req.headers, body: req.body.toString('utf8') });

export async function startServer(): Promise<TestServer> {
  let handler: Handler = echo;
  const requests: Received[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
      requests.push(received);
      Promise.resolve(handler(received, res)).catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    handle(h) {
      handler = h;
    },
    reset() {
      requests.length = 0;
      maxInFlight = 0;
      handler = echo;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One server per test file: started before the tests, reset after each, closed at the end. */
export function useTestServer(): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => server?.reset());
  afterAll(() => server?.close());
  return () => {
    if (!server) throw new Error('the test server has not started');
    return server;
  };
}
