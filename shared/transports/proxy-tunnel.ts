/**
 * An https agent that reaches its targets through an HTTP(S) proxy with CONNECT, so TLS runs end to
 * end between this process and the API (what curl and Node-RED's own http request node do).
 * Ships only with the Node-RED package's node:http transport.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return { 'proxy-authorization': `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

export class TunnelAgent extends https.Agent {
  constructor(private readonly proxy: URL, options: https.AgentOptions) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const done = callback ?? (() => undefined);
    const host = String(options.host ?? options.hostname ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(options.port ?? 443);
    const target = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
    const viaTls = this.proxy.protocol === 'https:';
    const connect = (viaTls ? https : http).request({
      host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
      port: Number(this.proxy.port) || (viaTls ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...proxyAuthorization(this.proxy) },
      agent: false,
    });
    connect.once('connect', (res: http.IncomingMessage, socket: net.Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        done(Object.assign(new Error(`the proxy refused the tunnel to ${target} with status ${res.statusCode}`), { code: 'ECONNREFUSED' }), socket);
        return;
      }
      const servername = options.servername ?? (net.isIP(host) ? undefined : host);
      done(null, tls.connect({ ...(options as tls.ConnectionOptions), host, port, socket, servername }));
    });
    connect.once('error', (err) => done(err, undefined as unknown as Duplex));
    connect.end();
    return undefined;
  }
}
