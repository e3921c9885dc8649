#!/usr/bin/env node
// `npm run start:n8n`: a local n8n to try the node in. On first use n8n is installed into .tmp/n8n-host
// (about 10 minutes; reused afterwards) and run on Node 24; the packed n8n package is installed as a
// community package of the user folder .n8n-local/, and on the first start two example workflows and
// an example credential are imported. n8n listens on 127.0.0.1:5678 (--port=N to change) until Ctrl+C.
// Options: --no-pack (use the tarball already in artifacts/).
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { root, run, node24Env, freePort, stopAll } = require('../test/e2e/lib/proc');
const { seconds } = require('../test/e2e/lib/report');
const { N8N_VERSION, ensureN8n, n8nEnv, installCommunityPackage, n8nCli, startN8n } = require('../test/e2e/lib/n8n-host');

const args = process.argv.slice(2);
const portArg = args.find((a) => a.startsWith('--port='));
const PORT = portArg ? Number(portArg.slice('--port='.length)) : 5678;
const userFolder = path.join(root, '.n8n-local');
const importedMarker = path.join(userFolder, 'examples-imported.json');

const EXAMPLE_API_PATH = 'send-api-request-example';
const EXAMPLE_API_ID = 'sarExampleApi001';
const EXAMPLE_ID = 'sarExampleFlow01';
const CREDENTIAL = { id: 'sarExampleKeys01', name: 'Example secret keys' };

/** A small local API made of n8n itself, so the example runs without the internet. */
function exampleApiWorkflow() {
  return {
    id: EXAMPLE_API_ID,
    name: 'Example API (called by the Send API Request example)',
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      {
        id: '5a1e0000-0000-4000-8000-000000000001',
        name: 'Orders API',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: '5a1e0000-0000-4000-8000-0000000000aa',
        parameters: { httpMethod: 'POST', path: EXAMPLE_API_PATH, responseMode: 'lastNode', options: {} },
      },
      {
        id: '5a1e0000-0000-4000-8000-000000000002',
        name: 'Reply',
        type: 'n8n-nodes-base.set',
        typeVersion: 3.4,
        position: [240, 0],
        parameters: {
          mode: 'manual',
          assignments: {
            assignments: [
              { id: 'r1', name: 'accepted', value: true, type: 'boolean' },
              { id: 'r2', name: 'order', value: '={{ $json.query.order }}', type: 'string' },
              { id: 'r3', name: 'received', value: '={{ $json.body }}', type: 'object' },
              { id: 'r4', name: 'tokenSent', value: '={{ Boolean($json.headers.authorization) }}', type: 'boolean' },
            ],
          },
          includeOtherFields: false,
          options: {},
        },
      },
    ],
    connections: { 'Orders API': { main: [[{ node: 'Reply', type: 'main', index: 0 }]] } },
    pinData: {},
  };
}

/** The example to open and run: every kind of value the node takes, sent to the example API. */
function exampleWorkflow(port) {
  return {
    id: EXAMPLE_ID,
    name: 'Send API Request example',
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      { id: '5a1e0000-0000-4000-8000-000000000010', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      {
        id: '5a1e0000-0000-4000-8000-000000000011',
        name: 'Order',
        type: 'n8n-nodes-base.set',
        typeVersion: 3.4,
        position: [220, 0],
        parameters: {
          mode: 'manual',
          assignments: {
            assignments: [
              { id: 'o1', name: 'id', value: 1001, type: 'number' },
              { id: 'o2', name: 'item', value: 'Keyboard', type: 'string' },
              { id: 'o3', name: 'quantity', value: 2, type: 'number' },
              { id: 'o4', name: 'email', value: 'ada@example.com', type: 'string' },
            ],
          },
          includeOtherFields: false,
          options: {},
        },
      },
      {
        id: '5a1e0000-0000-4000-8000-000000000012',
        name: 'Send API Request',
        type: 'n8n-nodes-send-api-request.sendApiRequest',
        typeVersion: 1,
        position: [440, 0],
        parameters: {
          url: `http://127.0.0.1:${port}/webhook/${EXAMPLE_API_PATH}?order=#id`,
          method: 'POST',
          headers: { values: [{ key: 'Authorization', value: 'Bearer #secrets.API_TOKEN' }] },
          bodyMode: 'fields',
          bodyEncoding: 'json',
          fields: {
            values: [
              { key: 'item', value: '#item' },
              { key: 'quantity', value: '#quantity' },
              { key: 'total', value: '={{ $json.quantity * 24.5 }}' },
              { key: 'customer', value: '#steps["Order"].email' },
            ],
          },
          options: {},
        },
        credentials: { sendApiRequestSecretKeysApi: CREDENTIAL },
      },
    ],
    connections: {
      Start: { main: [[{ node: 'Order', type: 'main', index: 0 }]] },
      Order: { main: [[{ node: 'Send API Request', type: 'main', index: 0 }]] },
    },
    pinData: {},
  };
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Imports the example credential and workflows into the n8n of env (its N8N_USER_FOLDER). */
async function importExamples(env, port) {
  const dir = path.join(env.N8N_USER_FOLDER, 'import');
  fs.mkdirSync(dir, { recursive: true });
  const credentials = [{ ...CREDENTIAL, type: 'sendApiRequestSecretKeysApi', data: { keys: { values: [{ name: 'API_TOKEN', value: 'example-token-change-me' }] } } }];
  fs.writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify(credentials));
  fs.writeFileSync(path.join(dir, 'workflows.json'), JSON.stringify([exampleApiWorkflow(), exampleWorkflow(port)]));
  try {
    await n8nCli(['import:credentials', `--input=${path.join(dir, 'credentials.json')}`], env);
    await n8nCli(['import:workflow', `--input=${path.join(dir, 'workflows.json')}`], env);
    await n8nCli(['publish:workflow', `--id=${EXAMPLE_API_ID}`], env);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const started = Date.now();
  if (!(await portIsFree(PORT))) throw new Error(`127.0.0.1:${PORT} is in use (another n8n?). Stop it or pass --port=N.`);
  if (!args.includes('--no-pack')) {
    console.log('Packing the n8n package (npm run pack)…');
    await run('npm', ['run', 'pack', '--silent'], { env: node24Env(), timeoutMs: 10 * 60000 });
  }
  const install = await ensureN8n();
  if (install.installedNow) console.log(`Installed n8n ${N8N_VERSION} in ${seconds(install.took)}.`);
  fs.mkdirSync(userFolder, { recursive: true });
  console.log(`Installing the n8n package into ${path.relative(root, userFolder)}/.n8n/nodes…`);
  await installCommunityPackage(userFolder);
  const env = n8nEnv(userFolder, { port: PORT, brokerPort: await freePort() });
  if (!fs.existsSync(importedMarker)) {
    console.log('Importing the example workflows and credential (first start only)…');
    await importExamples(env, PORT);
    fs.writeFileSync(importedMarker, `${JSON.stringify({ importedAt: new Date().toISOString(), port: PORT }, null, 2)}\n`);
  }
  console.log(`Starting n8n ${N8N_VERSION} on Node 24 (log: ${path.relative(root, path.join(userFolder, 'n8n.log'))})…`);
  const host = await startN8n(env, path.join(userFolder, 'n8n.log'));
  const url = `http://127.0.0.1:${PORT}`;
  console.log(`\nn8n is running at ${url} (ready after ${seconds(Date.now() - started)}).`);
  console.log('First visit: create the owner account (it stays on this machine). Then open the workflow');
  console.log('"Send API Request example" and click "Execute workflow". Press Ctrl+C to stop n8n.');

  await new Promise((resolve) => host.child.once('exit', resolve));
  if (stopping) return;
  console.log(`n8n exited (code ${host.exitCode}); see ${path.join(userFolder, 'n8n.log')}`);
  process.exit(host.exitCode || 0);
}

// n8n and the installs run in their own process groups: Ctrl+C stops them here.
let stopping = false;
if (require.main === module) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      stopping = true;
      console.log('\nStopping n8n…');
      stopAll().finally(() => process.exit(0));
    });
  }
  main().catch((err) => {
    console.error(err.message || err);
    process.exit(1);
  });
}

// scripts/screenshot-n8n.js opens the same example in its own n8n.
module.exports = { EXAMPLE_ID, importExamples };
