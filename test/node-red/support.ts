/**
 * Test support for the Node-RED runtime tests: the real Node-RED runtime (4.x or 5.x, chosen by the
 * jest project through NODE_RED_PACKAGE) under node-red-node-test-helper, the compiled node as
 * Node-RED loads it, and a real HTTP server on 127.0.0.1 that records what it received.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const helper = require('node-red-node-test-helper') as TestHelper;
const runtimePath = require.resolve(process.env.NODE_RED_PACKAGE ?? 'node-red');
helper.init(runtimePath);

const root = path.join(__dirname, '..', '..');
const compiled = path.join(root, 'dist', 'node-red', 'send-api-request.js');
if (!fs.existsSync(compiled)) throw new Error('Build first: npx tsc -p tsconfig.json && npx gulp build --silent');
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const sendApiRequestNode = require(compiled) as NodeModule;

export type NodeModule = (RED: Record<string, unknown>) => void;

export interface TestNode {
  id: string;
  on(event: string, handler: (...args: never[]) => void): void;
  receive(msg: Record<string, unknown>): void;
  status: { getCalls?: () => unknown[] } & ((...args: unknown[]) => void);
}

export interface TestHelper {
  init(runtimePath: string): void;
  load(nodes: NodeModule | NodeModule[], flow: object[], credentials?: Record<string, object>): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  setFlows(flow: object[], type?: string, credentials?: Record<string, object>): Promise<void>;
  request(): { get(path: string): PromiseLike<{ status: number; body: unknown; text: string }> };
  log(): { args: unknown[][] };
}

/** The Node-RED version under test: '4' or '5'. */
export const nodeRedMajor = (() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require(path.join(path.dirname(runtimePath), '..', 'package.json')) as { version: string };
  return pkg.version.split('.')[0];
})();

/** A core node file of the Node-RED under test (e.g. network/21-httpin.js). */
export function coreNode(relative: string): NodeModule {
  const candidates = [
    path.join(path.dirname(runtimePath), '..', 'node_modules', '@node-red', 'nodes', 'core', relative),
    path.join(path.dirname(runtimePath), '..', '..', '@node-red', 'nodes', 'core', relative),
  ];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`Core node ${relative} not found for ${runtimePath}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(found) as NodeModule;
}

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Route = (req: Received, res: http.ServerResponse) => void | Promise<void>;

export interface TestServer {
  url: string;
  received: Received[];
  /** Requests whose handler has not answered yet. */
  inFlight: number;
  maxInFlight: number;
  /** Requests whose socket closed before an answer (the client aborted). */
  abortedByClient: number;
  route: Route;
  close(): Promise<void>;
}

export async function startServer(route: Route = (_req, res) => res.end('ok')): Promise<TestServer> {
  const server = http.createServer();
  const state: TestServer = {
    url: '',
    received: [],
    inFlight: 0,
    maxInFlight: 0,
    abortedByClient: 0,
    route,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      state.received.push(r);
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      let finished = false;
      const settle = () => {
        if (finished) return;
        finished = true;
        state.inFlight--;
      };
      res.on('finish', settle);
      res.on('close', () => {
        if (!res.writableFinished) state.abortedByClient++;
        settle();
      });
      Promise.resolve(state.route(r, res)).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Collects `count` messages arriving at a helper node, or fails after `timeoutMs`. */
export function collect(node: TestNode, count: number, timeoutMs = 10000): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const got: Array<Record<string, unknown>> = [];
    const timer = setTimeout(() => reject(new Error(`expected ${count} messages at ${node.id}, got ${got.length}`)), timeoutMs);
    node.on('input', ((msg: Record<string, unknown>) => {
      got.push(msg);
      if (got.length === count) {
        clearTimeout(timer);
        resolve(got);
      }
    }) as never);
  });
}

export function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

export const TAB = { id: 'tab1', type: 'tab', label: 'test' };

/** A request node on the test tab, wired to helper `out`; properties as the editor saves them. */
export function requestNode(props: Record<string, unknown>, id = 'req'): Record<string, unknown> {
  return { id, type: 'send-api-request', z: 'tab1', name: 'call', method: 'GET', wires: [['out']], ...props };
}

export function flowWith(...nodes: Array<Record<string, unknown>>): object[] {
  return [
    TAB,
    ...nodes,
    { id: 'out', type: 'helper', z: 'tab1', wires: [] },
    { id: 'catcher', type: 'catch', z: 'tab1', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab1', wires: [] },
  ];
}
