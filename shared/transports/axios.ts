/**
 * The Node-RED package's transport: axios over keep-alive agents. Ships only in the Node-RED package
 * (the n8n package sends through n8n's own request helper).
 */
import axios, { AxiosHeaders, type AxiosInstance, type AxiosProxyConfig } from 'axios';
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { blockedAddress, isPrivateAddress } from '../hosts';
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

function plainHeaders(headers: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const source = headers instanceof AxiosHeaders ? headers.toJSON() : (headers as Record<string, unknown>);
  for (const [k, v] of Object.entries(source ?? {})) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}

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

  const transport = (async (req: TransportRequest): Promise<TransportResponse> => {
    // axios's own timeout is per socket inactivity; the spec's timeout is the whole exchange.
    const timeoutSignal = req.timeout > 0 ? AbortSignal.timeout(req.timeout) : undefined;
    const signals = [req.signal, timeoutSignal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    try {
      const res = await client.request<ArrayBuffer>({
        method: req.method,
        url: req.url,
        headers: { 'User-Agent': 'send-api-request', ...req.headers },
        data: req.body,
        signal,
        maxContentLength: req.maxResponseBytes > 0 ? req.maxResponseBytes : -1,
        httpAgent,
        httpsAgent: req.ignoreTlsErrors ? insecureAgent : httpsAgent,
      });
      return {
        statusCode: res.status,
        statusMessage: res.statusText,
        headers: plainHeaders(res.headers),
        body: Buffer.from(res.data ?? new ArrayBuffer(0)),
      };
    } catch (err) {
      if (timeoutSignal?.aborted && !req.signal?.aborted) throw new TransportError('timeout', `no answer within ${req.timeout} ms`, 'ETIMEDOUT');
      const code = (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code;
      if (code === 'EBLOCKED') throw new TransportError('blocked', (err as Error).message.replace(/^.*?(The SSRF guard)/, '$1'), code);
      throw classifyTransportError(err);
    }
  }) as AxiosTransport;
  transport.destroy = () => {
    httpAgent.destroy();
    httpsAgent.destroy();
    insecureAgent.destroy();
  };
  return transport;
}
