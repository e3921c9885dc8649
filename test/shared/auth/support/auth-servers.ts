/**
 * Real HTTP servers on 127.0.0.1 that check credentials the way real ones do, for the auth tests.
 * The Digest check is written here from RFC 7616 on its own (it shares no code with shared/auth), so
 * the client is tested against an independent reading of the RFC.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Header names as sent, repeated ones repeated. */
  headerNames: string[];
  body: string;
}

export interface TestServer {
  url(path?: string): string;
  readonly origin: string;
  /** Every request received, in order. */
  readonly seen: Seen[];
  close(): Promise<void>;
}

type Handler = (req: Seen, res: http.ServerResponse) => void;

export async function startServer(handler: Handler): Promise<TestServer> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, headerNames: req.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase()), body: Buffer.concat(chunks).toString('utf8') };
      seen.push(r);
      handler(r, res);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    url: (path = '/') => `${origin}${path}`,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * A 401 whose body echoes what the client sent in Authorization and the query, as some APIs and
 * debugging proxies do: the client must mask it in its error.
 */
function refuse(res: http.ServerResponse, req: Seen, challenge: string | string[]): void {
  json(res, 401, { error: 'unauthorized', youSent: req.headers.authorization ?? null, url: req.url }, { 'WWW-Authenticate': challenge });
}

/** RFC 7617 Basic: base64 of user:password, UTF-8. */
export function basicServer(user: string, password: string): Promise<TestServer> {
  return startServer((req, res) => {
    const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
    const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (m && colon > 0 && decoded.slice(0, colon) === user && decoded.slice(colon + 1) === password) return json(res, 200, { ok: true, user });
    refuse(res, req, 'Basic realm="test", charset="UTF-8"');
  });
}

/** RFC 6750 Bearer. */
export function bearerServer(token: string): Promise<TestServer> {
  return startServer((req, res) => {
    if (req.headers.authorization === `Bearer ${token}`) return json(res, 200, { ok: true });
    refuse(res, req, 'Bearer realm="test", error="invalid_token"');
  });
}

/** An API key in a header (lower-case name as Node gives it) or a query parameter. */
export function apiKeyServer(name: string, key: string, where: 'header' | 'query'): Promise<TestServer> {
  return startServer((req, res) => {
    const got = where === 'header' ? req.headers[name.toLowerCase()] : new URL(req.url, 'http://x').searchParams.getAll(name);
    const ok = where === 'header' ? got === key : Array.isArray(got) && got.length === 1 && got[0] === key;
    if (ok) return json(res, 200, { ok: true, query: new URL(req.url, 'http://x').search });
    json(res, 401, { error: 'invalid api key', youSent: got ?? null });
  });
}

// ---------- Digest (RFC 7616), server side ----------

const NODE_HASH: Record<string, string> = { 'MD5': 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };

function h(algorithm: string, text: string): string {
  return createHash(NODE_HASH[algorithm.replace(/-sess$/i, '').toUpperCase()]).update(text, 'utf8').digest('hex');
}

/** Parses the client's `Authorization: Digest k=v, k="v"` (its own small parser, not the client's). */
export function parseDigestAuthorization(header: string | undefined): Record<string, string> | undefined {
  if (!header || !/^Digest\s/i.test(header)) return undefined;
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9*_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const m of header.slice(7).matchAll(re)) out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  return out;
}

export interface DigestServerOptions {
  user: string;
  password: string;
  realm?: string;
  /** The algorithms offered, one challenge each, in this order (e.g. ['SHA-256', 'MD5']). */
  algorithms: string[];
  /** qop offered; 'none' for an RFC 2069 server without qop. */
  qop?: 'auth' | 'auth-int' | 'auth,auth-int' | 'none';
  userhash?: boolean;
}

export interface DigestServer extends TestServer {
  /** Why the last refused request was refused ('no credentials' on the first, unanswered request). */
  readonly lastRefusal: string | undefined;
}

export async function digestServer(o: DigestServerOptions): Promise<DigestServer> {
  const realm = o.realm ?? 'api@example.test';
  const qop = o.qop ?? 'auth';
  const opaque = randomBytes(12).toString('base64');
  const nonces = new Map<string, number>(); // nonce → highest nc seen
  let lastRefusal: string | undefined;

  const challenges = (): string[] => o.algorithms.map((algorithm) => {
    const nonce = randomBytes(24).toString('base64');
    nonces.set(nonce, 0);
    const parts = [`realm="${realm}"`];
    if (qop !== 'none') parts.push(`qop="${qop}"`);
    parts.push(`algorithm=${algorithm}`, `nonce="${nonce}"`, `opaque="${opaque}"`);
    if (o.userhash) parts.push('userhash=true');
    return `Digest ${parts.join(', ')}`;
  });

  const check = (req: Seen): string | undefined => {
    const p = parseDigestAuthorization(req.headers.authorization);
    if (!p) return 'no credentials';
    const algorithm = p.algorithm ?? 'MD5';
    if (!o.algorithms.some((a) => a.toUpperCase() === algorithm.toUpperCase())) return `algorithm ${algorithm} not offered`;
    const seenNc = nonces.get(p.nonce);
    if (seenNc === undefined) return 'unknown nonce';
    if (p.realm !== realm) return 'wrong realm';
    if (p.opaque !== opaque) return 'wrong opaque';
    if (p.uri !== req.url) return `uri ${p.uri} is not the request-target ${req.url}`;
    const expectedUser = o.userhash ? h(algorithm, `${o.user}:${realm}`) : o.user;
    const user = p['username*'] !== undefined ? decodeURIComponent(p['username*'].replace(/^UTF-8''/i, '')) : p.username;
    if (user !== expectedUser) return 'unknown user';
    let ha1 = h(algorithm, `${o.user}:${realm}:${o.password}`);
    if (/-sess$/i.test(algorithm)) ha1 = h(algorithm, `${ha1}:${p.nonce}:${p.cnonce}`);
    const a2 = p.qop === 'auth-int' ? `${req.method}:${p.uri}:${h(algorithm, req.body)}` : `${req.method}:${p.uri}`;
    let expected: string;
    if (qop === 'none') {
      if (p.qop !== undefined) return 'qop sent but not offered';
      expected = h(algorithm, `${ha1}:${p.nonce}:${h(algorithm, a2)}`);
    } else {
      if (!qop.split(',').includes(p.qop ?? '')) return `qop ${p.qop} not offered`;
      const nc = parseInt(p.nc ?? '', 16);
      if (!/^[0-9a-f]{8}$/i.test(p.nc ?? '') || nc <= seenNc) return 'nc missing or replayed';
      if (!p.cnonce) return 'no cnonce';
      nonces.set(p.nonce, nc);
      expected = h(algorithm, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${h(algorithm, a2)}`);
    }
    return p.response === expected ? undefined : 'wrong response';
  };

  const server = await startServer((req, res) => {
    const why = check(req);
    if (why === undefined) return json(res, 200, { ok: true, method: req.method, body: req.body });
    lastRefusal = why;
    refuse(res, req, challenges());
  });
  return Object.defineProperty(server, 'lastRefusal', { get: () => lastRefusal }) as DigestServer;
}

// ---------- OAuth2 client credentials: token endpoint and protected API ----------

export interface OAuth2ServerOptions {
  clientId: string;
  clientSecret: string;
  /** expires_in of issued tokens, seconds; undefined: none sent. */
  lifetimeSeconds?: number;
  /** The server's clock (shared with the client's in deterministic tests). */
  clock?: () => number;
  /** Scope the API requires in the token (the token gets what was asked for). */
  requiredScope?: string;
  /** Audience to require in the token request, if any. */
  audience?: string;
  /** Answer the token request as application/x-www-form-urlencoded instead of JSON. */
  formResponse?: boolean;
}

export interface OAuth2Server extends TestServer {
  tokenUrl: string;
  /** Token requests received (also the refused ones). */
  readonly tokenRequests: number;
  /** Every token issued, in order. */
  readonly issued: string[];
  /** Makes every issued token invalid (as a server-side revocation or key rotation would). */
  revokeAll(): void;
  /** API requests that were let through. */
  readonly served: number;
}

interface Issued {
  expiresAt?: number;
  scope: string;
}

function clientOf(req: Seen, form: URLSearchParams): { id?: string; secret?: string; how: string } {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
  if (m) {
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)), how: 'header' };
  }
  return { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined, how: 'body' };
}

export async function oauth2Server(o: OAuth2ServerOptions): Promise<OAuth2Server> {
  const clock = o.clock ?? Date.now;
  const tokens = new Map<string, Issued>();
  const issued: string[] = [];
  let tokenRequests = 0;
  let served = 0;

  const server = await startServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/token') {
      tokenRequests++;
      const form = new URLSearchParams(req.body);
      if (req.method !== 'POST' || !/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
        return json(res, 400, { error: 'invalid_request', error_description: 'POST a form' });
      }
      const client = clientOf(req, form);
      if (client.id !== o.clientId || client.secret !== o.clientSecret) {
        return json(res, 401, { error: 'invalid_client', error_description: `Client authentication failed (${client.how})` }, { 'WWW-Authenticate': 'Basic realm="token"' });
      }
      if (form.get('grant_type') !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type' });
      if (o.audience !== undefined && form.get('audience') !== o.audience) return json(res, 403, { error: 'access_denied', error_description: 'wrong audience' });
      const token = randomBytes(24).toString('base64url');
      const scope = form.get('scope') ?? '';
      tokens.set(token, { expiresAt: o.lifetimeSeconds === undefined ? undefined : clock() + o.lifetimeSeconds * 1000, scope });
      issued.push(token);
      const answer: Record<string, string | number> = { access_token: token, token_type: 'Bearer', scope };
      if (o.lifetimeSeconds !== undefined) answer.expires_in = o.lifetimeSeconds;
      if (o.formResponse) {
        res.writeHead(200, { 'Content-Type': 'application/x-www-form-urlencoded' });
        return res.end(new URLSearchParams(Object.entries(answer).map(([k, v]): [string, string] => [k, String(v)])).toString());
      }
      return json(res, 200, answer, { 'Cache-Control': 'no-store' });
    }
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const t = m ? tokens.get(m[1]) : undefined;
    const valid = t !== undefined && (t.expiresAt === undefined || clock() < t.expiresAt);
    if (!valid) return refuse(res, req, 'Bearer realm="api", error="invalid_token"');
    if (o.requiredScope && !t.scope.split(' ').includes(o.requiredScope)) {
      return json(res, 403, { error: 'insufficient_scope' }, { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${o.requiredScope}"` });
    }
    served++;
    if (path === '/api/echo-500') return json(res, 500, { error: 'boom', debug: { authorization: req.headers.authorization } });
    json(res, 200, { ok: true, path });
  });
  return Object.defineProperties(server, {
    tokenUrl: { value: server.url('/token') },
    tokenRequests: { get: () => tokenRequests },
    issued: { get: () => issued },
    served: { get: () => served },
    revokeAll: { value: () => tokens.clear() },
  }) as OAuth2Server;
}
