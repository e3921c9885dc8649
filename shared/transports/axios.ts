/**
 * The Node-RED package's transport: axios over keep-alive agents. Ships only in the Node-RED package
 * (the n8n package sends through n8n's own request helper).
 */
import axios, { AxiosHeaders, type AxiosInstance, type AxiosProxyConfig } from 'axios';
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { blockedAddress, isPrivateAddress } from '../hosts';
import { TunnelAgent } from './proxy-tunnel';
import { TransportError, classifyTransportError, type Transport, type TransportRequest, type TransportResponse } from '../send/transport';

export interface TlsMaterial {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  servername?: string;
  /** PKCS#12 bundle (a tls-config node of type "pfx"). */
  pfx?: string | Buffer;
}

export interface AxiosTransportOptions {
  /** Refuse private, loopback and link-local addresses after DNS, on every connection (SSRF guard). */
  ssrfGuard?: boolean;
  tls?: TlsMaterial;
  /** false: no proxy; an object: that proxy; undefined: axios reads http_proxy / https_proxy / no_proxy. */
  proxy?: false | AxiosProxyConfig;
  /**
   * The host's proxy rules, per request URL (a proxy URL, or undefined for a direct connection).
   * When given, `proxy` is not used: http targets go through the proxy, https targets through a
   * CONNECT tunnel so TLS stays end to end.
   */
  proxyFor?: (url: string) => string | undefined;
  keepAlive?: boolean;
  maxSockets?: number;
}

export interface AxiosTransport extends Transport {
  /** Closes idle keep-alive sockets (on node close). */
  destroy(): void;
}

/** A dns lookup that refuses private addresses: the check is on the address actually connected. */
function guardedLookup(): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const list = addresses as dns.LookupAddress[];
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad) {
        const e = blockedAddress(`${hostname} (${bad.address})`);
        return callback(Object.assign(new Error(e.message), { code: 'EBLOCKED' }));
      }
      if (options.all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  }) as LookupFunction;
}

/**
 * A response stream into one Buffer: allocated once from Content-Length when the server gives it (a
 * compressed body outgrows it and falls back to chunks), checked against the size limit as it arrives.
 * A stream that ends early is the same 'broke off' error axios gives for a buffered body.
 */
async function readBody(stream: Readable, contentLength: unknown, limit: number, signal: AbortSignal, request?: EventEmitter): Promise<Buffer> {
  // A server that sends more than its Content-Length: Node's parser fails on the socket after the body
  // has ended; axios's buffered read reported that as a malformed response, and so does this.
  let afterBody: unknown;
  const onRequestError = (err: unknown) => {
    afterBody ??= err;
  };
  request?.on('error', onRequestError);
  try {
    const body = await readChunks(stream, contentLength, limit, signal);
    if (afterBody !== undefined) throw afterBody;
    return body;
  } finally {
    request?.off('error', onRequestError);
  }
}

async function readChunks(stream: Readable, contentLength: unknown, limit: number, signal: AbortSignal): Promise<Buffer> {
  // Content-Length is the compressed size when axios decompresses: a hint for the buffer, not a limit check.
  const declared = Number(contentLength);
  let whole = Number.isSafeInteger(declared) && declared > 0 && (limit <= 0 || declared <= limit) ? Buffer.allocUnsafe(declared) : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (limit > 0 && size + chunk.length > limit) {
        stream.destroy();
        throw new TransportError('tooLarge', 'The response is larger than the limit.');
      }
      if (whole && size + chunk.length <= whole.length) chunk.copy(whole, size);
      else {
        if (whole) chunks.push(whole.subarray(0, size));
        whole = undefined;
        chunks.push(chunk);
      }
      size += chunk.length;
    }
  } catch (err) {
    if (err instanceof TransportError || signal.aborted) throw err;
    // A socket closed mid-body is what axios calls ERR_BAD_RESPONSE; other codes (zlib, parser) stay.
    const code = (err as { code?: unknown }).code;
    if (code !== 'ECONNRESET' && code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
    throw Object.assign(new Error('the response broke off before its end'), { code: 'ERR_BAD_RESPONSE' });
  }
  if (whole) return size === whole.length ? whole : whole.subarray(0, size);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

function plainHeaders(headers: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const source = headers instanceof AxiosHeaders ? headers.toJSON() : (headers as Record<string, unknown>);
  for (const [k, v] of Object.entries(source ?? {})) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}

/** Node's timers hold at most 2^31 - 1 ms (about 24.8 days); a longer one would fire after 1 ms. */
const MAX_TIMER_MS = 2147483647;

export function createAxiosTransport(options: AxiosTransportOptions = {}): AxiosTransport {
  const keepAlive = options.keepAlive ?? true;
  const lookup = options.ssrfGuard ? guardedLookup() : undefined;
  const common = { keepAlive, maxSockets: options.maxSockets ?? Infinity, lookup };
  const httpAgent = new http.Agent(common);
  const httpsAgent = new https.Agent({ ...common, ...options.tls });
  // A separate agent, so "ignore TLS errors" never touches another request's verification.
  const insecureAgent = new https.Agent({ ...common, ...options.tls, rejectUnauthorized: false });
  const client: AxiosInstance = axios.create({
    maxRedirects: 0,
    responseType: 'arraybuffer',
    decompress: true,
    validateStatus: () => true,
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    maxBodyLength: Infinity,
    proxy: options.proxy,
  });

  // Through a proxy the target's address is the proxy's business: these agents have no guarded lookup.
  const proxied = new Map<string, { proxy: AxiosProxyConfig; httpAgent: http.Agent; httpsAgent: https.Agent; insecureAgent: https.Agent }>();
  const viaProxy = (proxyUrl: string) => {
    let route = proxied.get(proxyUrl);
    if (route) return route;
    const p = new URL(proxyUrl);
    const auth = p.username || p.password ? { username: decodeURIComponent(p.username), password: decodeURIComponent(p.password) } : undefined;
    const plain = { keepAlive, maxSockets: options.maxSockets ?? Infinity };
    route = {
      proxy: { protocol: p.protocol.replace(':', ''), host: p.hostname.replace(/^\[|\]$/g, ''), port: Number(p.port) || (p.protocol === 'https:' ? 443 : 80), ...(auth ? { auth } : {}) },
      httpAgent: new http.Agent(plain),
      httpsAgent: new TunnelAgent(p, { ...plain, ...options.tls }),
      insecureAgent: new TunnelAgent(p, { ...plain, ...options.tls, rejectUnauthorized: false }),
    };
    proxied.set(proxyUrl, route);
    return route;
  };
  const routeFor = (url: string, ignoreTlsErrors: boolean) => {
    const direct = { proxy: options.proxyFor ? (false as const) : options.proxy, httpAgent, httpsAgent: ignoreTlsErrors ? insecureAgent : httpsAgent };
    const proxyUrl = options.proxyFor?.(url);
    if (!proxyUrl) return direct;
    const r = viaProxy(proxyUrl);
    // https: a CONNECT tunnel made by the agent, so axios itself must not proxy it.
    if (url.startsWith('https:')) return { proxy: false as const, httpAgent: r.httpAgent, httpsAgent: ignoreTlsErrors ? r.insecureAgent : r.httpsAgent };
    return { proxy: r.proxy, httpAgent: r.httpAgent, httpsAgent: httpsAgent };
  };

  const transport = (async (req: TransportRequest): Promise<TransportResponse> => {
    // An IP literal is connected without a DNS lookup, so the lookup hook never sees it: check it here.
    if (options.ssrfGuard) {
      const host = new URL(req.url).hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) && isPrivateAddress(host)) throw new TransportError('blocked', blockedAddress(host).message, 'EBLOCKED');
    }
    // axios's own timeout is per socket inactivity; the spec's timeout is the whole exchange. A plain
    // controller and timer, released when the exchange ends: AbortSignal.timeout keeps each signal until
    // it fires (Node 20) and AbortSignal.any ties each to the node's long-lived signal (Node 24), so
    // 20,000 requests would hold tens of MB.
    const controller = new AbortController();
    const signal = controller.signal;
    let timedOut = false;
    const timer = req.timeout > 0 ? setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, Math.min(req.timeout, MAX_TIMER_MS)) : undefined;
    const onAbort = () => controller.abort();
    if (req.signal?.aborted) controller.abort();
    else req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const route = routeFor(req.url, req.ignoreTlsErrors);
      const res = await client.request<Readable>({
        method: req.method,
        url: req.url,
        headers: { 'User-Agent': 'send-api-request', ...req.headers },
        data: req.body,
        signal,
        // A stream (decompressed by axios), read into one Buffer below: axios's own 'arraybuffer' keeps
        // every chunk and then concatenates them, which costs twice a large body's size.
        responseType: 'stream',
        httpAgent: route.httpAgent,
        httpsAgent: route.httpsAgent,
        proxy: route.proxy,
      });
      return {
        statusCode: res.status,
        statusMessage: res.statusText,
        headers: plainHeaders(res.headers),
        body: await readBody(res.data, res.headers['content-length'], req.maxResponseBytes, signal, res.request as EventEmitter | undefined),
      };
    } catch (err) {
      if (timedOut && !req.signal?.aborted) throw new TransportError('timeout', `no answer within ${req.timeout} ms`, 'ETIMEDOUT');
      const code = (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code;
      if (code === 'EBLOCKED') throw new TransportError('blocked', (err as Error).message.replace(/^.*?(The SSRF guard)/, '$1'), code);
      throw classifyTransportError(err);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }) as AxiosTransport;
  transport.destroy = () => {
    httpAgent.destroy();
    httpsAgent.destroy();
    insecureAgent.destroy();
    for (const r of proxied.values()) {
      r.httpAgent.destroy();
      r.httpsAgent.destroy();
      r.insecureAgent.destroy();
    }
    proxied.clear();
  };
  return transport;
}
