/**
 * A tls-config node gives the CA and the client certificate; the proxy comes from the environment
 * (http_proxy / no_proxy) as for Node-RED's own http request node.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { selfSignedCertificate } from '../support/tls';
import { coreNode, flowWith, helper, json, requestNode, sendApiRequestNode, startServer, type TestServer } from './support';

const tlsNode = coreNode('network/05-tls.js');

async function httpsServer(requestCert: boolean): Promise<{ url: string; peers: string[]; close(): Promise<void> }> {
  const { key, cert } = selfSignedCertificate();
  const peers: string[] = [];
  const server = https.createServer({ key, cert, ca: cert, requestCert, rejectUnauthorized: requestCert }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    peers.push(peer && peer.subject ? String(peer.subject.CN) : '');
    json(res, 200, { secure: true });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    peers,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

afterEach(async () => {
  await helper.unload();
});

async function outcome(flow: object[], credentials?: Record<string, object>): Promise<Record<string, unknown>> {
  await helper.load([tlsNode, sendApiRequestNode], flow, credentials);
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no output and no error within 8 s')), 8000);
    const finish = ((msg: Record<string, unknown>) => {
      clearTimeout(timer);
      resolve(msg);
    }) as never;
    helper.getNode('out').on('input', finish);
    helper.getNode('caught').on('input', finish);
  });
  helper.getNode('req').receive({ payload: 'x' });
  return result;
}

describe('TLS config node', () => {
  test('without its CA the self-signed server is refused; with the tls-config node CA and client certificate it is accepted', async () => {
    const server = await httpsServer(true);
    const { key, cert } = selfSignedCertificate();
    try {
      const refused = await outcome(flowWith(requestNode({ url: `${server.url}/a`, retries: '0' })));
      expect((refused.error as { code: string }).code).toBe('TLS');
      await helper.unload();
      const tls = { id: 'tls', type: 'tls-config', name: 'local ca', cert: '', key: '', ca: '', verifyservercert: true };
      const accepted = await outcome(flowWith(tls, requestNode({ url: `${server.url}/a`, tls: 'tls' })), { tls: { cadata: cert, certdata: cert, keydata: key } });
      expect(accepted.payload).toEqual({ secure: true });
      expect(server.peers).toContain('localhost');
    } finally {
      await server.close();
    }
  });

  test('a tls-config node with verification off accepts the server for this node', async () => {
    const server = await httpsServer(false);
    try {
      const tls = { id: 'tls', type: 'tls-config', cert: '', key: '', ca: '', verifyservercert: false };
      const accepted = await outcome(flowWith(tls, requestNode({ url: `${server.url}/b`, tls: 'tls' })), { tls: {} });
      expect(accepted.payload).toEqual({ secure: true });
    } finally {
      await server.close();
    }
  });

  test('a missing tls-config node is a clear configuration error', async () => {
    const failed = await outcome(flowWith(requestNode({ url: 'http://127.0.0.1:9/x', tls: 'nope' })));
    expect((failed.error as { code: string }).code).toBe('INVALID_CONFIG');
    expect(String((failed.error as { message: string }).message)).toMatch(/TLS/);
  });
});

describe('proxy from the environment', () => {
  let proxy: TestServer;
  const saved = { http_proxy: process.env.http_proxy, https_proxy: process.env.https_proxy, no_proxy: process.env.no_proxy };
  beforeEach(async () => {
    proxy = await startServer((req, res) => json(res, 200, { via: 'proxy', url: req.url }));
  });
  afterEach(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await proxy.close();
  });

  test('http_proxy is used; no_proxy bypasses it', async () => {
    process.env.http_proxy = proxy.url;
    delete process.env.no_proxy;
    const viaProxy = await outcome(flowWith(requestNode({ url: 'http://api.example.invalid/things?x=1', retries: '0' })));
    expect(viaProxy.payload).toEqual({ via: 'proxy', url: 'http://api.example.invalid/things?x=1' });
    await helper.unload();
    const direct = await startServer((_req, res) => json(res, 200, { via: 'direct' }));
    try {
      process.env.no_proxy = '127.0.0.1';
      const bypassed = await outcome(flowWith(requestNode({ url: `${direct.url}/d`, retries: '0' })));
      expect(bypassed.payload).toEqual({ via: 'direct' });
      expect(proxy.received).toHaveLength(1);
    } finally {
      await direct.close();
    }
  });
});

test('https through the proxy uses a CONNECT tunnel: TLS is end to end with the tls-config node\'s CA', async () => {
  const target = await httpsServer(false);
  const tunnels: string[] = [];
  const proxy = http.createServer((_req, res) => {
    res.statusCode = 405;
    res.end('only CONNECT');
  });
  const sockets = new Set<net.Socket>();
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    tunnels.push(String(req.url));
    sockets.add(client);
    const [host, port] = String(req.url).split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const saved = { https_proxy: process.env.https_proxy, no_proxy: process.env.no_proxy };
  process.env.https_proxy = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  delete process.env.no_proxy;
  try {
    const { cert } = selfSignedCertificate();
    const tls = { id: 'tls', type: 'tls-config', cert: '', key: '', ca: '', verifyservercert: true };
    const msg = await outcome(flowWith(tls, requestNode({ url: `${target.url.replace('127.0.0.1', 'localhost')}/tunnelled`, tls: 'tls', retries: '0' })), { tls: { cadata: cert } });
    expect(msg.payload).toEqual({ secure: true });
    expect(tunnels).toEqual([`localhost:${new URL(target.url).port}`]);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await helper.unload();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await target.close();
  }
});
