/**
 * Runs in a child process (test/node-red/reliability-editor-leaks.test.ts): the full Node-RED runtime
 * with its admin API, the package loaded from build/node-red as a palette module, and a flow deployed
 * through POST /flows with secrets in the secret-keys nodes' credentials. Returns what the editor
 * would receive and what was saved, for the test to search. (Node-RED 5 loads node modules with a
 * dynamic import, which a jest worker's VM refuses: hence a plain child process.)
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

interface RuntimeApi {
  init(server: http.Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpAdmin: http.RequestListener;
}

export interface AdminAnswer {
  status: number;
  text: string;
}

export interface AdminExposure {
  deployStatus: number;
  answers: Record<string, AdminAnswer>;
  flowFile: string;
  credFile: string;
  logs: unknown[];
}

const PACKAGE_DIR = path.join(__dirname, '..', '..', 'build', 'node-red');

export async function run(): Promise<AdminExposure> {
  const flow = JSON.parse(process.env.SWEEP_FLOW ?? '[]') as Array<Record<string, unknown>>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require(require.resolve(process.env.NODE_RED_PACKAGE ?? 'node-red')) as RuntimeApi;
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'send-api-request-nr-admin-'));
  const logs: unknown[] = [];
  const server = http.createServer((req, res) => RED.httpAdmin(req, res));
  try {
    RED.init(server, {
      userDir,
      flowFile: 'flows.json',
      credentialSecret: 'reliability-test-credential-secret',
      httpAdminRoot: '/',
      httpNodeRoot: false,
      nodesDir: [PACKAGE_DIR],
      editorTheme: { tours: false },
      logging: { console: { level: 'off' }, capture: { level: 'trace', audit: true, handler: () => (msg: unknown) => void logs.push(msg) } },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await RED.start();
    const admin = async (pathname: string, init: RequestInit = {}): Promise<AdminAnswer> => {
      const res = await fetch(`${base}${pathname}`, init);
      return { status: res.status, text: await res.text() };
    };
    // The flow carries its credentials inline, as the editor and the admin API send them.
    const deployed = await admin('/flows', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify(flow),
    });
    const answers: Record<string, AdminAnswer> = {
      'GET /flows': await admin('/flows', { headers: { accept: 'application/json' } }),
      'GET /nodes (JSON)': await admin('/nodes', { headers: { accept: 'application/json' } }),
      'GET /nodes (HTML)': await admin('/nodes', { headers: { accept: 'text/html' } }),
    };
    for (const node of flow.filter((n) => n.type === 'send-api-request-secrets')) {
      answers[`GET names ${String(node.id)}`] = await admin(`/send-api-request-secrets/${String(node.id)}/names`);
      answers[`GET /credentials ${String(node.id)}`] = await admin(`/credentials/send-api-request-secrets/${String(node.id)}`);
    }
    return {
      deployStatus: deployed.status,
      answers,
      flowFile: fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8'),
      credFile: fs.readFileSync(path.join(userDir, 'flows_cred.json'), 'utf8'),
      logs: logs.map((l) => ({ ...(l as object) })),
    };
  } finally {
    await RED.stop().catch(() => undefined);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}
