// Node-RED end to end: the packed Node-RED package installed with `npm install <tarball>` into a fresh
// user directory, Node-RED 5 started headless on 127.0.0.1 with a credentialSecret, a flow deployed
// through the admin API, requests through the flow to a local API server, and the secret checked
// against flows.json, flows_cred.json, every admin API answer and the log.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root, node24, node24Env, freePort, startProcess, waitForHttp } = require('./lib/proc');
const { PACKAGES, tarball, npmInstall } = require('./lib/artifacts');
const { startApiServer, ANSWER_STATUS, ANSWER_BODY, FAIL_STATUS } = require('./lib/api-server');
const { newSecret, assertNoSecret } = require('./lib/secrets');
const fixture = require('./fixtures/node-red-flow');

const NODE_TYPES = ['send-api-request', 'send-api-request-secrets'];

function settingsFile(port, { paletteInstall = false } = {}) {
  return `// Written by test/e2e/node-red.js for one run.
module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${port},
  flowFile: 'flows.json',
  credentialSecret: 'e2e-credential-secret-${Date.now()}',
  httpAdminRoot: '/',
  httpNodeRoot: '/',
  diagnostics: { enabled: false, ui: false },
  runtimeState: { enabled: false, ui: false },
  telemetry: { enabled: false, updateNotification: false },
  externalModules: { palette: { allowInstall: ${paletteInstall}, allowUpload: ${paletteInstall} }, modules: { allowInstall: false } },
  logging: { console: { level: 'info', metrics: false, audit: false } },
  editorTheme: { tours: false },
};
`;
}

function startNodeRed(userDir, port, env) {
  const red = path.join(root, 'node_modules', 'node-red', 'red.js');
  return startProcess(node24(), [red, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js'), '--port', String(port)], {
    cwd: userDir,
    env: node24Env(env),
    logFile: path.join(userDir, 'node-red.log'),
  });
}

async function adminGet(base, route) {
  const res = await fetch(`${base}${route}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10000) });
  return { status: res.status, text: await res.text() };
}

/**
 * Calls an http in endpoint of the deployed flows. A 404 means the flows have not started yet (a
 * deploy's answer can come before its http in routes exist): no message was sent, so it is retried
 * for a bounded time.
 */
async function callFlow(url, init = {}) {
  const until = Date.now() + 15000;
  for (;;) {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(20000) });
    const text = await res.text();
    if (res.status !== 404 || Date.now() > until) return { status: res.status, headers: res.headers, text };
    await new Promise((r) => setTimeout(r, 250));
  }
}

function postOrder(base) {
  return callFlow(`${base}${fixture.FLOW_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixture.ORDER) });
}

/** Deploys the test flows (full deployment) through the admin API; returns the answer's text. */
async function deploy(base, apiBase, secret) {
  const res = await fetch(`${base}/flows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Node-RED-API-Version': 'v1', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(fixture.flow({ apiBase, secret })),
    signal: AbortSignal.timeout(20000),
  });
  const text = await res.text();
  assert.ok(res.status === 204 || res.status === 200, `POST /flows answered ${res.status}: ${text}`);
  return text;
}

/** The checks on what the local API server received from the flow. */
function assertApiRequest(req, secret) {
  assert.equal(req.method, 'POST');
  const url = new URL(req.url, 'http://127.0.0.1');
  assert.equal(url.pathname, `/tenants/${fixture.TENANT}/orders/${fixture.ORDER.id}`);
  assert.equal(url.searchParams.get('region'), fixture.ENV_VALUE, '#env in the URL query');
  assert.equal(url.searchParams.get('source'), fixture.ORDER.source, 'query-parameter list');
  assert.equal(req.headers.authorization, `Bearer ${secret}`, '#secrets in a header');
  assert.equal(req.headers['x-customer'], fixture.ORDER.customer.name);
  assert.match(req.headers['content-type'] || '', /^application\/json/);
  assert.deepEqual(JSON.parse(req.body), { sku: fixture.ORDER.sku, quantity: fixture.ORDER.quantity, tenant: fixture.TENANT });
}

async function nodeRedPart(report, { workDir }) {
  const pkg = tarball(PACKAGES.nodeRed);
  const userDir = path.join(workDir, 'node-red-user');
  fs.rmSync(userDir, { recursive: true, force: true });
  const secret = newSecret('nr-secret');
  const api = await startApiServer();
  let host;
  try {
    const installed = await report.check(`npm install ${path.basename(pkg)} into a fresh Node-RED user directory`, async () => {
      await npmInstall(userDir, [pkg]);
      const manifest = JSON.parse(fs.readFileSync(path.join(userDir, 'node_modules', PACKAGES.nodeRed, 'package.json'), 'utf8'));
      assert.ok(manifest['node-red'] && manifest['node-red'].nodes, 'the installed package.json has a node-red section');
    });
    if (!installed) return;

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    fs.writeFileSync(path.join(userDir, 'settings.js'), settingsFile(port));
    const env = { [fixture.ENV_NAME]: fixture.ENV_VALUE, NODE_RED_ENABLE_PROJECTS: 'false' };
    host = startNodeRed(userDir, port, env);
    const started = await report.check('Node-RED 5 starts headless on 127.0.0.1 with a credentialSecret', async () => {
      await waitForHttp(`${base}/settings`, host, 90000);
    });
    if (!started) return;

    await report.check('Node-RED registers both node types from the installed package', async () => {
      const { status, text } = await adminGet(base, '/nodes');
      assert.equal(status, 200);
      const sets = JSON.parse(text).filter((s) => s.module === PACKAGES.nodeRed);
      assert.ok(sets.length > 0, `module ${PACKAGES.nodeRed} is not in GET /nodes`);
      for (const s of sets) assert.ok(!s.err, `node set ${s.id} failed to load: ${s.err}`);
      const types = sets.flatMap((s) => s.types);
      for (const t of NODE_TYPES) assert.ok(types.includes(t), `type ${t} is not registered (got ${types.join(', ')})`);
    });

    await report.check('the editor serves help text for both node types', async () => {
      const res = await fetch(`${base}/nodes`, { headers: { accept: 'text/html' }, signal: AbortSignal.timeout(10000) });
      const html = await res.text();
      for (const t of NODE_TYPES) {
        const help = html.match(new RegExp(`<script[^>]*data-help-name="${t}"[^>]*>([\\s\\S]*?)</script>`));
        assert.ok(help, `no help for ${t}`);
        assert.ok(help[1].replace(/<[^>]+>/g, '').trim().length > 80, `the help of ${t} is nearly empty`);
      }
    });

    const deployed = await report.check('the flow deploys through the admin API with the config node credentials', async () => {
      assertNoSecret(await deploy(base, api.base, secret), secret, 'the POST /flows answer');
    });
    if (!deployed) return;

    await report.check('a request through the flow reaches the local API server (#payload, #flow, #env, #secrets) and the answer comes back', async () => {
      const answer = await postOrder(base);
      const req = await api.nextRequest(0, 3000);
      assertApiRequest(req, secret);
      assert.equal(answer.status, ANSWER_STATUS, `the flow answered ${answer.status}: ${answer.text}`);
      assert.deepEqual(JSON.parse(answer.text), ANSWER_BODY);
    });

    await report.check('the API response headers do not leak into the flow answer (marked for http response)', async () => {
      const answer = await postOrder(base);
      assert.equal(answer.status, ANSWER_STATUS);
      assert.equal(answer.headers.get('x-api-server'), null, 'http response copied the API response headers');
    });

    await report.check("#env reads the flow's own environment variables (tab env)", async () => {
      const before = api.requests.length;
      const res = await callFlow(`${base}${fixture.TAB_ENV_PATH}`);
      const req = await api.nextRequest(before, 3000);
      assert.equal(req.method, 'GET');
      assert.equal(req.url, `/channels/${fixture.TAB_ENV_VALUE}`);
      assert.equal(res.status, ANSWER_STATUS, `the flow answered ${res.status}: ${res.text}`);
    });

    await report.check('a refused request (403) reaches a Catch node with the message kept; the error names the status and hides the secret', async () => {
      const before = api.requests.length;
      const { status, text } = await callFlow(`${base}${fixture.ERROR_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixture.ORDER) });
      const req = await api.nextRequest(before, 3000);
      assert.equal(req.headers.authorization, `Bearer ${secret}`, 'the refused request carried the secret');
      assert.equal(status, fixture.ERROR_ANSWER_STATUS, `the Catch path did not answer (status ${status}): ${text}`);
      assertNoSecret(text, secret, 'msg.error');
      const error = JSON.parse(text);
      assert.match(error.message, new RegExp(String(FAIL_STATUS)), `msg.error.message does not name the status: ${error.message}`);
    });

    await report.check('the secret value is in neither flows.json, flows_cred.json nor any admin API answer', async () => {
      const flowsFile = fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8');
      assertNoSecret(flowsFile, secret, 'flows.json');
      assert.ok(flowsFile.includes('send-api-request-secrets'), 'flows.json holds the config node');
      const credFile = path.join(userDir, 'flows_cred.json');
      assert.ok(fs.existsSync(credFile), 'flows_cred.json was written');
      const cred = fs.readFileSync(credFile, 'utf8');
      assertNoSecret(cred, secret, 'flows_cred.json (it must be encrypted)');
      assert.ok(JSON.parse(cred).$, 'flows_cred.json is encrypted with the credentialSecret');
      for (const route of ['/flows', '/flows/state', '/nodes', '/settings', '/credentials/send-api-request-secrets/e2e-secrets', '/flow/e2e-tab']) {
        const { text } = await adminGet(base, route);
        assertNoSecret(text, secret, `GET ${route}`);
      }
      assertNoSecret(host.output, secret, 'the Node-RED log');
    });

    await report.check('after a restart the encrypted secret still works', async () => {
      await host.stop();
      host = startNodeRed(userDir, port, env);
      await waitForHttp(`${base}/settings`, host, 90000);
      const before = api.requests.length;
      const answer = await postOrder(base);
      const req = await api.nextRequest(before, 3000);
      assertApiRequest(req, secret);
      assert.equal(answer.status, ANSWER_STATUS);
      assertNoSecret(host.output, secret, 'the Node-RED log');
    });
  } finally {
    if (host) await host.stop();
    await api.close();
  }
}

/**
 * The palette manager's "upload a module" path: a fresh user directory, nothing installed, the
 * tarball sent to POST /nodes as the editor does; Node-RED runs npm itself and the node types are
 * usable at once, without a restart.
 */
async function paletteUpload(report, { workDir }) {
  const pkg = tarball(PACKAGES.nodeRed);
  const userDir = path.join(workDir, 'node-red-palette');
  fs.rmSync(userDir, { recursive: true, force: true });
  fs.mkdirSync(userDir, { recursive: true });
  const secret = newSecret('nr-palette-secret');
  const api = await startApiServer();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  fs.writeFileSync(path.join(userDir, 'settings.js'), settingsFile(port, { paletteInstall: true }));
  const host = startNodeRed(userDir, port, { [fixture.ENV_NAME]: fixture.ENV_VALUE });
  try {
    await report.check('the palette manager installs the uploaded tarball (POST /nodes) and the flow runs without a restart', async () => {
      await waitForHttp(`${base}/settings`, host, 90000);
      const form = new FormData();
      form.append('tarball', new Blob([fs.readFileSync(pkg)], { type: 'application/gzip' }), path.basename(pkg));
      const res = await fetch(`${base}/nodes`, { method: 'POST', body: form, headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5 * 60000) });
      const text = await res.text();
      assert.equal(res.status, 200, `POST /nodes answered ${res.status}: ${text}`);
      const info = JSON.parse(text);
      assert.equal(info.name, PACKAGES.nodeRed);
      const types = info.nodes.flatMap((n) => n.types);
      for (const t of NODE_TYPES) assert.ok(types.includes(t), `type ${t} is not registered after the upload (got ${types.join(', ')})`);
      await deploy(base, api.base, secret);
      const answer = await postOrder(base);
      assert.equal(api.requests.length, 1, `no request reached the API; the flow answered ${answer.status}: ${answer.text}`);
      assertApiRequest(api.requests[0], secret);
      assert.equal(answer.status, ANSWER_STATUS, `the flow answered ${answer.status}: ${answer.text}`);
    });
  } finally {
    await host.stop();
    await api.close();
  }
}

module.exports = { nodeRedPart, paletteUpload };
