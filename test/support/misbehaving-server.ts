/**
 * A real local HTTP(S) server on 127.0.0.1 that misbehaves on request, for the core's transport tests
 * and the hosts' fault tests. It records every request it receives (method, URL, headers, body,
 * arrival time, whether the client went away before the answer was complete).
 *
 * Usage:
 *   const server = await startMisbehavingServer();            // http
 *   const secure = await startMisbehavingServer({ tls: true }); // https, self-signed (see tls.ts)
 *   server.url('/echo')  →  'http://127.0.0.1:PORT/echo'
 *   server.requests, server.requestsTo('/storm'), server.route('/mine', handler), server.reset()
 *   await server.close()  // destroys every socket and timer: no open handle left
 *
 * Routes (query parameters in brackets; `key` separates counters of concurrent tests):
 *   /echo                         200 JSON { method, url, headers, body } of what arrived
 *   /json /text /binary /empty    200 with that kind of body ([type] overrides the content type)
 *   /status?code=N[&body=…]       that status, text body
 *   /drop-mid-body                announces 1000 bytes, sends 100, destroys the socket
 *   /never                        never answers (the socket stays open until the client leaves)
 *   /slow?bytes=N&interval=ms     sends N bytes one at a time, `interval` ms apart
 *   /retry-after?times=K&seconds=S[&date=1]&key=k
 *                                 429 with Retry-After (seconds, or an HTTP date S seconds ahead)
 *                                 for the first K requests of `key`, then 200 JSON { attempt }
 *   /storm?failures=K[&status=503]&key=k
 *                                 that status K times, then 200 JSON { attempt }
 *   /redirect-loop                302 to itself, forever
 *   /redirect?to=URL[&status=302] a redirect to URL (another origin, https→http, …)
 *   /gzip-bomb?mb=N               gzip, ~N MiB of zeros decompressed, tens of kB on the wire
 *   /bad-gzip                     says gzip, sends bytes that are not gzip
 *   /big?bytes=N                  N bytes of "a" (text/plain, with content-length)
 *   /invalid-json                 application/json whose body does not parse
 *   /wrong-length?declared=N&actual=M
 *                                 content-length N, M bytes sent, then the socket ends
 */
import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import * as zlib from 'node:zlib';
import { selfSignedCertificate } from './tls';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  /** Lower-case names, as Node gives them. */
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Date.now() when the request head arrived. */
  arrivedAt: number;
  /** True once the client went away before the response was complete (aborts, timeouts). */
  clientLeft: boolean;
  /** Resolves when the exchange is over (answered, or the socket closed). */
  done: Promise<void>;
}

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest) => void;

export interface MisbehavingServer {
  /** http://127.0.0.1:PORT or https://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
  /** PEM certificate of the https server (its own CA), to prove verification with a trusted CA. */
  readonly cert?: string;
  url(pathAndQuery: string): string;
  readonly requests: RecordedRequest[];
  requestsTo(path: string, key?: string): RecordedRequest[];
  /** Adds or replaces a route (exact path match) for one test's needs. */
  route(path: string, handler: RouteHandler): void;
  /** Forgets recorded requests, counters and custom routes. */
  reset(): void;
  /** Open client sockets right now. */
  readonly openSockets: number;
  close(): Promise<void>;
}

export interface ServerOptions {
  tls?: boolean;
}

const ZERO_MIB = Buffer.alloc(1024 * 1024);
const bombs = new Map<number, Buffer>();

/** ~`mib` MiB of zeros, gzipped once per size (about 1 kB on the wire per MiB). */
function gzipBomb(mib: number): Buffer {
  let bomb = bombs.get(mib);
  if (!bomb) {
    bomb = zlib.gzipSync(Buffer.concat(Array.from({ length: mib }, () => ZERO_MIB)), { level: 9 });
    bombs.set(mib, bomb);
  }
  return bomb;
}

function num(q: URLSearchParams, name: string, def: number): number {
  const v = q.get(name);
  const n = v === null ? NaN : Number(v);
  return Number.isFinite(n) ? n : def;
}

export async function startMisbehavingServer(options: ServerOptions = {}): Promise<MisbehavingServer> {
  const requests: RecordedRequest[] = [];
  const counters = new Map<string, number>();
  const custom = new Map<string, RouteHandler>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const cert = options.tls ? selfSignedCertificate() : undefined;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const count = (name: string, key: string | null): number => {
    const k = `${name}:${key ?? ''}`;
    const n = (counters.get(k) ?? 0) + 1;
    counters.set(k, n);
    return n;
  };
  const json = (res: http.ServerResponse, status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) => {
    const body = Buffer.from(JSON.stringify(value));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length, ...headers });
    res.end(body);
  };
  /** Writes a raw HTTP/1.1 response on the socket, bypassing Node's own checks (for broken framing). */
  const raw = (req: http.IncomingMessage, head: string, body: Buffer, then: 'end' | 'destroy') => {
    const socket = req.socket;
    socket.write(`${head}\r\n\r\n`);
    socket.write(body, () => (then === 'end' ? socket.end() : socket.destroy()));
  };

  const builtIn: Record<string, RouteHandler> = {
    '/echo': (req, res, rec) => json(res, 200, { method: rec.method, url: rec.url, headers: rec.headers, body: rec.body.toString('utf8') }),
    '/json': (_req, res, rec) => json(res, 200, { ok: true, items: [1, 2, 3] }, rec.query.get('type') ? { 'content-type': rec.query.get('type')! } : {}),
    '/text': (_req, res, rec) => {
      res.writeHead(200, { 'content-type': rec.query.get('type') ?? 'text/plain; charset=utf-8' });
      res.end(rec.query.get('body') ?? 'hello text');
    },
    '/binary': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([0, 1, 2, 253, 254, 255]));
    },
    '/empty': (_req, res) => {
      res.writeHead(204);
      res.end();
    },
    '/status': (_req, res, rec) => {
      res.writeHead(num(rec.query, 'code', 500), { 'content-type': 'text/plain' });
      res.end(rec.query.get('body') ?? `status ${num(rec.query, 'code', 500)}`);
    },
    '/drop-mid-body': (req) => raw(req, 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000', Buffer.alloc(100, 'x'), 'destroy'),
    '/never': () => undefined,
    '/slow': (_req, res, rec) => {
      const total = num(rec.query, 'bytes', 10);
      const interval = num(rec.query, 'interval', 100);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': total });
      let sent = 0;
      const tick = () => {
        if (res.destroyed) return;
        res.write('z');
        sent++;
        if (sent >= total) res.end();
        else later(interval, tick);
      };
      tick();
    },
    '/retry-after': (_req, res, rec) => {
      const attempt = count('/retry-after', rec.query.get('key'));
      if (attempt > num(rec.query, 'times', 1)) return json(res, 200, { attempt });
      const seconds = num(rec.query, 'seconds', 1);
      const value = rec.query.get('date') ? new Date(Date.now() + seconds * 1000).toUTCString() : String(seconds);
      json(res, 429, { error: 'slow down', attempt }, { 'retry-after': value });
    },
    '/storm': (_req, res, rec) => {
      const attempt = count('/storm', rec.query.get('key'));
      if (attempt > num(rec.query, 'failures', 3)) return json(res, 200, { attempt });
      json(res, num(rec.query, 'status', 503), { error: 'unavailable', attempt });
    },
    '/redirect-loop': (_req, res, rec) => {
      res.writeHead(302, { location: rec.url });
      res.end();
    },
    '/redirect': (_req, res, rec) => {
      res.writeHead(num(rec.query, 'status', 302), { location: rec.query.get('to') ?? '/echo' });
      res.end();
    },
    '/gzip-bomb': (_req, res, rec) => {
      const bomb = gzipBomb(num(rec.query, 'mb', 50));
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', 'content-length': bomb.length });
      res.end(bomb);
    },
    '/bad-gzip': (_req, res) => {
      const junk = Buffer.from('this is not gzip data at all');
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': junk.length });
      res.end(junk);
    },
    '/big': (_req, res, rec) => {
      const body = Buffer.alloc(num(rec.query, 'bytes', 1024), 'a');
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
      res.end(body);
    },
    '/invalid-json': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end('{"id": 1, "name": ');
    },
    '/wrong-length': (req, _res, rec) => {
      const body = Buffer.alloc(num(rec.query, 'actual', 10), 'w');
      raw(req, `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${num(rec.query, 'declared', 100)}`, body, 'end');
    },
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const arrivedAt = Date.now();
    const parsed = new URL(req.url ?? '/', 'http://placeholder');
    const chunks: Buffer[] = [];
    let finish!: () => void;
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      body: Buffer.alloc(0),
      arrivedAt,
      clientLeft: false,
      done: new Promise<void>((resolve) => (finish = resolve)),
    };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.clientLeft = true;
      finish();
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      record.body = Buffer.concat(chunks);
      const handler = custom.get(record.path) ?? builtIn[record.path];
      if (!handler) return json(res, 404, { error: `no route ${record.path}` });
      try {
        handler(req, res, record);
      } catch (err) {
        json(res, 500, { error: String(err) });
      }
    });
  };

  const server: http.Server = cert ? https.createServer({ key: cert.key, cert: cert.cert }, handle) : http.createServer(handle);
  server.on(cert ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Sockets that fail the TLS handshake never become secure connections; they must not be tracked.
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const protocol = cert ? 'https' : 'http';
  const origin = `${protocol}://127.0.0.1:${port}`;

  return {
    origin,
    port,
    protocol,
    cert: cert?.cert,
    url: (p) => `${origin}${p.startsWith('/') ? p : `/${p}`}`,
    requests,
    requestsTo: (p, key) => requests.filter((r) => r.path === p && (key === undefined || r.query.get('key') === key)),
    route: (p, handler) => void custom.set(p, handler),
    reset: () => {
      requests.length = 0;
      counters.clear();
      custom.clear();
    },
    get openSockets() {
      return sockets.size;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
