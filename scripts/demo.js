// `npm start`: a local Node-RED on 127.0.0.1 with this package installed and the example flows
// deployed against a small local demo API. Ctrl-C stops everything.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { startDemoApi, DEMO_TOKEN } = require('./demo-api');

const root = path.join(__dirname, '..');
const pkgDir = path.join(root, 'build', 'node-red');
const userDir = path.join(root, '.node-red-demo');
const PACKAGE = 'node-red-contrib-send-api-request';

function freePort(start) {
  return new Promise((resolve, reject) => {
    const tryPort = (port, left) => {
      const probe = net.createServer();
      probe.once('error', (err) => {
        if (err.code === 'EADDRINUSE' && left > 0) tryPort(port + 1, left - 1);
        else if (err.code === 'EADDRINUSE') tryPort(0, 0);
        else reject(err);
      });
      probe.listen(port, '127.0.0.1', () => {
        const chosen = probe.address().port;
        probe.close(() => resolve(chosen));
      });
    };
    tryPort(start, 20);
  });
}

/** The user directory: settings, and the built package installed by symlink (its dependencies resolve from this repository). */
function prepareUserDir(port) {
  fs.mkdirSync(path.join(userDir, 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(userDir, 'package.json'), `${JSON.stringify({ name: 'node-red-demo', private: true, dependencies: { [PACKAGE]: 'file:../build/node-red' } }, null, 2)}\n`);
  const link = path.join(userDir, 'node_modules', PACKAGE);
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(path.relative(path.dirname(link), pkgDir), link, 'dir');
  fs.writeFileSync(path.join(userDir, 'settings.js'), `module.exports = ${JSON.stringify({
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    editorTheme: { tours: false },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  }, null, 2)};\n`);
}

function exampleFlows(apiUrl) {
  const dir = path.join(pkgDir, 'examples');
  const nodes = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  for (const n of nodes) {
    if (n.type === 'tab') n.env = (n.env || []).map((e) => (e.name === 'API_BASE' ? { ...e, value: apiUrl } : e));
    // SPEC §5: the JSON credential is accepted through the admin API; the editor then lists the name.
    if (n.type === 'send-api-request-secrets') n.credentials = { secrets: JSON.stringify({ TOKEN: DEMO_TOKEN }) };
  }
  return nodes;
}

async function waitFor(check, timeoutMs, what) {
  const started = Date.now();
  for (;;) {
    try {
      const result = await check();
      if (result) return result;
    } catch {
      // not up yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Stops what main() started; set once they exist, so an error after the start still cleans up. */
let shutdown = async (code) => process.exit(code);

async function main() {
  if (!fs.existsSync(path.join(pkgDir, 'package.json'))) throw new Error('build/node-red is missing: run `npm run build` first (npm start does).');
  const api = await startDemoApi(await freePort(Number(process.env.DEMO_API_PORT) || 8787));
  const port = await freePort(Number(process.env.DEMO_PORT) || 1880);
  prepareUserDir(port);
  const base = `http://127.0.0.1:${port}`;
  const logFile = path.join(userDir, 'node-red.log');
  const log = fs.openSync(logFile, 'w');
  const red = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')], { stdio: ['ignore', log, log] });

  let stopping = false;
  const stop = (shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    if (red.exitCode === null) {
      red.kill('SIGINT');
      await Promise.race([new Promise((r) => red.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (red.exitCode === null) red.kill('SIGKILL');
    }
    await api.close();
    process.exit(code);
  });
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  red.once('exit', (code) => {
    if (!stopping) {
      console.error(`Node-RED stopped (exit code ${code}); its log is in ${logFile}`);
      void stop(1);
    }
  });

  console.log(`Demo API on ${api.url}; starting Node-RED (log: ${path.relative(root, logFile)}) …`);
  await waitFor(async () => (await fetch(`${base}/settings`)).ok, 60000, 'Node-RED to start');
  const modules = await waitFor(async () => {
    const res = await fetch(`${base}/nodes`, { headers: { accept: 'application/json' } });
    return res.ok ? res.json() : undefined;
  }, 10000, 'the node list');
  const ours = modules.filter((n) => n.module === PACKAGE);
  const types = ours.flatMap((n) => n.types || []);
  if (!types.includes('send-api-request') || !types.includes('send-api-request-secrets') || ours.some((n) => n.err)) {
    throw new Error(`Node-RED did not load ${PACKAGE}: ${JSON.stringify(ours.map((n) => n.err || n.types))}. See ${logFile}.`);
  }

  const deploy = await fetch(`${base}/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(exampleFlows(api.url)),
  });
  if (!deploy.ok) throw new Error(`Deploying the example flows failed: ${deploy.status} ${await deploy.text()}`);

  const check = await waitFor(async () => {
    const res = await fetch(`${base}/api-proxy?page=2`);
    return res.status === 200 ? res.json() : undefined;
  }, 10000, 'the example flow to answer');
  console.log(`
Send API Request demo is running.

  Editor:        ${base}/
                 Open the tab "Send API Request: basics", click the inject buttons and watch the debug sidebar.
                 The secret-keys node "Demo API keys" holds TOKEN (deployed as a credential; it never appears in the flow).
  http in flow:  curl '${base}/api-proxy?page=2'   →  ${JSON.stringify(check)}
  Demo API:      ${api.url}  (POST /greet/:lang with "Authorization: Bearer ${DEMO_TOKEN}", GET /items?page=N)

Press Ctrl-C to stop.`);
}

main().catch((err) => {
  console.error(err.message);
  void shutdown(1);
});
