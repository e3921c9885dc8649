/**
 * The shipped example flows, loaded as they are into the real runtime and run against the demo API
 * that `npm start` uses (only the flow's API_BASE is pointed at it and the debug nodes are observed).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { collect, coreNode, helper, sendApiRequestNode, type NodeModule } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startDemoApi, DEMO_TOKEN } = require('../../scripts/demo-api') as { startDemoApi(port?: number): Promise<{ url: string; close(): Promise<void> }>; DEMO_TOKEN: string };

const dir = path.join(__dirname, '..', '..', 'node-red', 'examples');
const examples = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
type FlowNode = Record<string, unknown> & { id: string; type: string };

function load(file: string, apiUrl: string): FlowNode[] {
  const nodes = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as FlowNode[];
  return nodes.map((n) => {
    if (n.type === 'tab') return { ...n, env: [{ name: 'API_BASE', value: apiUrl, type: 'str' }] };
    if (n.type === 'debug') return { id: n.id, type: 'helper', z: n.z, wires: [] };
    return n;
  });
}

let api: { url: string; close(): Promise<void> };
beforeAll(async () => {
  api = await startDemoApi(0);
});
afterAll(async () => {
  await api.close();
});
afterEach(async () => {
  await helper.unload();
});

test('the examples use every node type of the package, the secret-keys node without values', () => {
  const all = examples.flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as FlowNode[]);
  const types = new Set(all.map((n) => n.type));
  for (const t of ['send-api-request', 'send-api-request-secrets', 'inject', 'debug', 'http in', 'http response']) expect(types).toContain(t);
  for (const n of all.filter((x) => x.type === 'send-api-request-secrets')) expect(n.credentials).toBeUndefined();
  expect(JSON.stringify(all)).not.toContain(DEMO_TOKEN);
});

test('basics: inject → Send API Request → debug, with the secret token and pagination merged', async () => {
  const flow = load(examples[0], api.url);
  const requests = flow.filter((n) => n.type === 'send-api-request');
  const original = JSON.parse(fs.readFileSync(path.join(dir, examples[0]), 'utf8')) as FlowNode[];
  const debug = (name: string) => original.find((d) => d.type === 'debug' && d.name === name)!.id;
  const keys = flow.find((n) => n.type === 'send-api-request-secrets')!;
  await helper.load([coreNode('common/20-inject.js'), sendApiRequestNode], flow, { [keys.id]: { secrets: JSON.stringify({ TOKEN: DEMO_TOKEN }) } });
  const greeting = collect(helper.getNode(debug('greeting')), 1);
  const items = collect(helper.getNode(debug('all items')), 1);
  for (const inject of flow.filter((n) => n.type === 'inject')) helper.getNode(inject.id).receive({});
  const [g] = await greeting;
  expect(g.statusCode).toBe(200);
  expect(g.payload).toEqual({ greeting: 'Hello, Ada!', requestedBy: requests[0].name, source: 'node-red' });
  expect((await items)[0].payload).toEqual(['apple', 'banana', 'cherry', 'date', 'elderberry']);
});

test('basics without the token value: the Catch node gets a clear UNKNOWN_VARIABLE, nothing is sent', async () => {
  const flow = load(examples[0], api.url);
  const errors = flow.find((n) => n.type === 'helper' && flow.some((c) => c.type === 'catch' && JSON.stringify(c.wires).includes(n.id)))!;
  await helper.load([coreNode('common/20-inject.js'), sendApiRequestNode], flow);
  const caught = collect(helper.getNode(errors.id), 1);
  helper.getNode(flow.find((n) => n.type === 'inject')!.id).receive({});
  const [msg] = await caught;
  expect((msg.error as { code: string }).code).toBe('UNKNOWN_VARIABLE');
  expect(String((msg.error as { message: string }).message)).toMatch(/#secrets\.TOKEN/);
});

test('http in → Send API Request → http response answers with the API\'s body, without its gzip headers', async () => {
  const flow = load(examples[1], api.url);
  let httpNodeApp: http.RequestListener | undefined;
  const capture: NodeModule = (RED) => {
    httpNodeApp = RED.httpNode as http.RequestListener;
  };
  await helper.load([capture, coreNode('network/21-httpin.js'), coreNode('function/15-change.js'), sendApiRequestNode], flow);
  const front = http.createServer(httpNodeApp);
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  try {
    const port = (front.address() as AddressInfo).port;
    const answer = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/api-proxy?page=3', agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      }).on('error', reject);
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(answer.body)).toEqual({ page: 3, items: ['elderberry'] });
  } finally {
    front.closeAllConnections();
    await new Promise<void>((resolve) => front.close(() => resolve()));
  }
});
