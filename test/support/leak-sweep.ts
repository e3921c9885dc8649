/**
 * The secret leak sweep's tools: a secret whose encodings all differ (so a value that slipped out
 * URL-encoded, form-encoded or JSON-escaped is still found), the error paths both hosts drive (the
 * same request form: the secret in the URL, two headers and the raw JSON body), and a search of
 * everything a host wrote (errors with stacks and own properties, messages, logs, status texts).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMisbehavingServer, type MisbehavingServer } from './misbehaving-server';

/** Used in the URL (path and query), a header and the body of every request in the sweep. */
export const SWEEP_SECRET = 'Sk-7f3a/b+c "q"&d=e%Z9';

/** The forms a secret takes on its way out: as is, URL-encoded (both ways), form-encoded, JSON-escaped. */
export function secretForms(secret: string): string[] {
  const forms = new Set([
    secret,
    encodeURIComponent(secret),
    encodeURI(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(JSON.stringify(secret)).slice(1, -1),
    Buffer.from(secret).toString('base64'),
  ]);
  return [...forms];
}

/** Everything in a value as text: errors with message, stack and own properties; Buffers decoded; cycles cut. */
export function textOf(value: unknown): string {
  const seen = new WeakSet<object>();
  const json = JSON.stringify(value, function replacer(this: unknown, _key: string, v: unknown) {
    if (typeof v === 'bigint') return String(v);
    if (typeof v === 'function') return `[function ${v.name}]`;
    if (v && typeof v === 'object') {
      if (seen.has(v)) return '[cycle]';
      seen.add(v);
      if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
      if ((v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) return Buffer.from((v as { data: number[] }).data).toString('utf8');
      if (v instanceof Error) {
        const own: Record<string, unknown> = {};
        for (const k of Object.getOwnPropertyNames(v)) own[k] = (v as unknown as Record<string, unknown>)[k];
        return { name: v.name, message: v.message, stack: v.stack, cause: (v as { cause?: unknown }).cause, ...own };
      }
    }
    return v;
  });
  return typeof value === 'string' ? value : json ?? String(value);
}

/** `place: form` for each form of each secret found in each place (an empty list: no leak). */
export function findLeaks(places: Record<string, unknown>, secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const [place, value] of Object.entries(places)) {
    const text = textOf(value);
    for (const secret of secrets) {
      for (const form of secretForms(secret)) {
        if (text.includes(form)) leaks.push(`${place}: ${JSON.stringify(form)} in …${text.slice(Math.max(0, text.indexOf(form) - 80), text.indexOf(form) + form.length + 20)}…`);
      }
    }
  }
  return leaks;
}

/** What the sweep's requests go to: the misbehaving server, its https twin (self-signed) and a closed port. */
export interface SweepTargets {
  server: MisbehavingServer;
  secure: MisbehavingServer;
  refusedOrigin: string;
  close(): Promise<void>;
}

export async function startSweepTargets(): Promise<SweepTargets> {
  const [server, secure] = await Promise.all([startMisbehavingServer(), startMisbehavingServer({ tls: true })]);
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const refusedOrigin = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  return { server, secure, refusedOrigin, close: async () => void (await Promise.all([server.close(), secure.close()])) };
}

/** A 400 that echoes everything it received, in its body and in response headers. */
export function routeEchoFail(server: MisbehavingServer): void {
  server.route('/echo-fail', (_req, res, rec) => {
    const body = JSON.stringify({ url: rec.url, headers: rec.headers, body: rec.body.toString('utf8') });
    res.writeHead(400, { 'content-type': 'application/json', 'x-echo-url': rec.url, 'x-echo-auth': String(rec.headers.authorization) });
    res.end(body);
  });
}

/** The request form of every case (host adapters map it to their own saved shape). */
export const SWEEP_FORM = {
  method: 'POST',
  headers: [{ key: 'Authorization', value: 'Bearer #secrets.TOKEN' }, { key: 'X-Custom', value: 'v=#secrets.TOKEN' }],
  rawBody: '{"token": "#secrets.TOKEN", "n": #n}',
  options: { retries: 0, timeout: 3000 } as Record<string, string | number | boolean>,
};

const Q = 'k=#secrets.TOKEN';

export interface SweepCase {
  name: string;
  /** The error code this path must give (proof that the path was really taken). */
  code: string;
  url(t: SweepTargets): string;
  options?: Record<string, string | number | boolean>;
  /** An extra header row whose value ends in CR LF from the input. */
  badHeader?: boolean;
  /** The server that must have received the request, secret included. */
  reached?(t: SweepTargets): MisbehavingServer;
  /** How many requests it must have received (attempts, redirect hops). */
  requests?: number;
}

/** The input item / message of every case: `#n` in the body, `#bad` for the bad header. */
export const SWEEP_INPUT = { n: 7, bad: '\r\nInjected: 1' };

export const SWEEP_CASES: SweepCase[] = [
  { name: 'bad URL', code: 'INVALID_URL', url: () => `htp//#secrets.TOKEN/x?${Q}` },
  { name: 'bad header value (CR LF from the input)', code: 'INVALID_HEADER', url: (t) => t.server.url(`/echo?${Q}`), badHeader: true },
  { name: 'unknown variable', code: 'UNKNOWN_VARIABLE', url: (t) => t.server.url(`/echo?${Q}&m=#missing`) },
  { name: 'timeout', code: 'TIMEOUT', url: (t) => t.server.url(`/never?${Q}`), options: { timeout: 300 }, reached: (t) => t.server, requests: 1 },
  { name: 'refused connection', code: 'NETWORK', url: (t) => `${t.refusedOrigin}/p/#secrets.TOKEN?${Q}` },
  { name: 'TLS error (self-signed server)', code: 'TLS', url: (t) => `${t.secure.origin}/echo/#secrets.TOKEN?${Q}` },
  { name: 'non-2xx with the request echoed (body and headers)', code: 'HTTP_STATUS', url: (t) => t.server.url(`/echo-fail?${Q}`), reached: (t) => t.server, requests: 1 },
  {
    name: 'retry exhaustion (503 storm, 3 attempts)',
    code: 'HTTP_STATUS',
    url: (t) => t.server.url(`/storm?failures=99&status=503&key=sweep&${Q}`),
    options: { retries: 2, retryNonIdempotent: true, retryMaxDelay: 20 },
    reached: (t) => t.server,
    requests: 3,
  },
  { name: 'redirect loop', code: 'TOO_MANY_REDIRECTS', url: (t) => t.server.url(`/redirect-loop?${Q}`), options: { maxRedirects: 2 }, reached: (t) => t.server, requests: 3 },
  { name: 'response too large', code: 'RESPONSE_TOO_LARGE', url: (t) => t.server.url(`/big?bytes=5000&${Q}`), options: { maxResponseBytes: 100 }, reached: (t) => t.server, requests: 1 },
];

/** The header rows of a case. */
export function sweepHeaders(c: SweepCase): Array<{ key: string; value: string }> {
  return c.badHeader ? [...SWEEP_FORM.headers, { key: 'X-Bad', value: '#secrets.TOKEN#bad' }] : SWEEP_FORM.headers;
}

/** The server really got the secret in the header and the body (so the case did carry it), in as many requests as the case makes. */
export function expectSecretSent(c: SweepCase, t: SweepTargets, runs = 1): void {
  if (!c.reached) return;
  const seen = c.reached(t).requests;
  expect(seen.length).toBe((c.requests ?? 1) * runs);
  expect(seen[0].headers.authorization).toBe(`Bearer ${SWEEP_SECRET}`);
  expect(seen[0].body.toString()).toContain(JSON.stringify(SWEEP_SECRET).slice(1, -1));
}
