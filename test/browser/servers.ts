/**
 * The real parts the browser test drives: a Node-RED 5 started from its CLI with the built package
 * installed in a temporary user directory, and a local API server that records what it receives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
export const builtPackage = path.join(root, 'build', 'node-red');

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ApiServer {
  url: string;
  received: ReceivedRequest[];
  /** Waits (bounded) until `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

export async function startApiServer(): Promise<ApiServer> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async waitFor(count, timeoutMs = 30000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`the API server received ${received.length} requests, expected ${count}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return received[count - 1];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface NodeRedServer {
  url: string;
  userDir: string;
  /** Everything the process printed, for failure messages. */
  output(): string;
  /** Stops the process and starts it again on the same port and user directory. */
  restart(): Promise<void>;
  /** The decrypted flows_cred.json (what Node-RED stored), by node id. */
  storedCredentials(): Record<string, Record<string, string>>;
  stop(): Promise<void>;
}

function writeSettings(userDir: string, credentialSecret: string): string {
  const settings = path.join(userDir, 'settings.js');
  fs.writeFileSync(
    settings,
    `module.exports = ${JSON.stringify({
      uiHost: '127.0.0.1',
      flowFile: 'flows.json',
      credentialSecret,
      httpAdminRoot: '/',
      httpNodeRoot: '/api',
      logging: { console: { level: 'info', metrics: false, audit: false } },
      editorTheme: { tours: false, projects: { enabled: false } },
      telemetry: { enabled: false, updateNotification: false },
      diagnostics: { enabled: false, ui: false },
      externalModules: { palette: { allowInstall: false }, modules: { allowInstall: false } },
    })};\n`,
  );
  return settings;
}

/** One Node-RED process; resolves once its admin API answers. */
async function spawnNodeRed(pkg: string, settings: string, userDir: string, port: number): Promise<{ child: ChildProcess; log: () => string }> {
  const cli = require.resolve(`${pkg}/red.js`);
  const child = spawn(process.execPath, [cli, '--settings', settings, '--userDir', userDir, '--port', String(port)], {
    cwd: userDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => { log += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { log += d.toString(); });
  const until = Date.now() + 120000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited with ${child.exitCode}:\n${log}`);
    if (/Started flows/.test(log)) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/settings`)).ok) break;
      } catch {
        // not listening yet
      }
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`Node-RED did not start within 120 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, log: () => log };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts Node-RED's CLI on 127.0.0.1 with the built package linked into its user directory:
 * `node-red` (5.x) or the alias package `node-red-4` (4.x).
 */
export async function startNodeRed(credentialSecret: string, pkg: 'node-red' | 'node-red-4' = 'node-red'): Promise<NodeRedServer> {
  if (!fs.existsSync(path.join(builtPackage, 'package.json')) || !fs.existsSync(path.join(builtPackage, 'dist', 'node-red', 'send-api-request.html'))) {
    throw new Error('build/node-red is missing: run `npm run build` first (npm test builds before it runs the suites).');
  }
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sar-browser-nr-'));
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(builtPackage, path.join(userDir, 'node_modules', 'node-red-contrib-send-api-request'), 'dir');
  const settings = writeSettings(userDir, credentialSecret);
  const port = await freePort();
  let proc = await spawnNodeRed(pkg, settings, userDir, port);
  const key = crypto.createHash('sha256').update(credentialSecret).digest();
  return {
    url: `http://127.0.0.1:${port}`,
    userDir,
    output: () => proc.log(),
    restart: async () => {
      await stopProcess(proc.child);
      proc = await spawnNodeRed(pkg, settings, userDir, port);
    },
    storedCredentials: () => {
      const file = path.join(userDir, 'flows_cred.json');
      if (!fs.existsSync(file)) return {};
      const sealed = (JSON.parse(fs.readFileSync(file, 'utf8')) as { $: string }).$;
      const decipher = crypto.createDecipheriv('aes-256-ctr', key, Buffer.from(sealed.slice(0, 32), 'hex'));
      return JSON.parse(decipher.update(sealed.slice(32), 'base64', 'utf8') + decipher.final('utf8')) as Record<string, Record<string, string>>;
    },
    stop: async () => {
      await stopProcess(proc.child);
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}
