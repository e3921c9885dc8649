/**
 * The node:http transport for one request node: its SSRF guard, the TLS material of the chosen tls-config
 * node, and the proxy by Node-RED's own rules (see proxy.ts).
 */
import { SendApiRequestError } from '../shared';
import { createHttpTransport, type HttpTransport, type TlsMaterial } from '../shared/transports/node-http';
import { proxyForUrl, type ProxyOptions } from './proxy';
import type { NodeAPI, TlsConfigNode } from './red-types';

export interface NodeTransport {
  transport: HttpTransport;
  /** The tls-config node switched server-certificate verification off. */
  skipVerify: boolean;
}

function isTlsConfigNode(value: unknown): value is TlsConfigNode {
  return typeof value === 'object' && value !== null && typeof (value as TlsConfigNode).addTLSOptions === 'function';
}

/** Reads CA, client certificate and key from a tls-config node the way Node-RED's core nodes do. */
export function tlsMaterialOf(RED: NodeAPI, tlsId: string | undefined): { tls?: TlsMaterial; skipVerify: boolean } {
  if (!tlsId) return { skipVerify: false };
  const tlsNode = RED.nodes.getNode(tlsId);
  if (!isTlsConfigNode(tlsNode)) {
    throw new SendApiRequestError('INVALID_CONFIG', 'The TLS configuration chosen for this node is not deployed.', {
      field: 'tls',
      hint: 'Pick an existing TLS config node in the TLS field, or clear the field, then deploy.',
    });
  }
  const opts: Record<string, unknown> = {};
  tlsNode.addTLSOptions(opts);
  const tls: TlsMaterial = {};
  for (const k of ['ca', 'cert', 'key', 'pfx', 'passphrase', 'servername'] as const) {
    const v = opts[k];
    if (typeof v === 'string' || Buffer.isBuffer(v)) (tls as Record<string, string | Buffer>)[k] = v;
  }
  return { tls, skipVerify: opts.rejectUnauthorized === false };
}

export function createNodeTransport(RED: NodeAPI, tlsId: string | undefined, ssrfGuard: boolean): NodeTransport {
  const { tls, skipVerify } = tlsMaterialOf(RED, tlsId);
  const proxyOptions = (RED.settings?.proxyOptions ?? {}) as ProxyOptions;
  // The environment is read per request, as Node-RED's http request node reads it per message URL.
  return { transport: createHttpTransport({ ssrfGuard, tls, proxyFor: (url) => proxyForUrl(url, proxyOptions) }), skipVerify };
}
