/**
 * Runs workflows through n8n's real execution engine (n8n-core's WorkflowExecute, n8n-workflow's
 * expressions), adapted from test/n8n/harness.ts for the benchmarks: this package is loaded from
 * build/n8n by n8n's own PackageDirectoryLoader; n8n's HTTP Request node comes from a full n8n install
 * in .tmp/n8n-host (or n8n-nodes-base in .tmp/bench-n8n-base). Needs Node 24.
 */
'use strict';
require('reflect-metadata');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const { findNodesBase } = require('./nodes-base');
const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'sar-bench-n8n-'));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_LOG_LEVEL ??= 'silent';
// Read when n8n-core builds its settings, so only after the environment above is set.
const core = require('n8n-core');
const wf = require('n8n-workflow');

const PACKAGE_DIR = path.join(ROOT, 'build', 'n8n');
const PACKAGE_NAME = 'n8n-nodes-send-api-request';
const OURS = `${PACKAGE_NAME}.sendApiRequest`;
const THEIRS = 'n8n-nodes-base.httpRequest';
/** A bench-only source node: `count` items { id, name }, made in the node (no 5,000-item parameter). */
class SourceNode {
  constructor() {
    this.description = {
      displayName: 'Bench Source', name: 'source', group: ['input'], version: 1, description: 'Bench items',
      defaults: { name: 'Source' }, inputs: ['main'], outputs: ['main'],
      properties: [{ displayName: 'Count', name: 'count', type: 'number', default: 1 }],
    };
  }

  async execute() {
    const count = this.getNodeParameter('count', 0);
    return [Array.from({ length: count }, (_, i) => ({ json: { id: i, name: `item-${i}` }, pairedItem: { item: 0 } }))];
  }
}

let loaded;
async function loadNodeTypes() {
  loaded ??= (async () => {
    if (!fs.existsSync(path.join(PACKAGE_DIR, 'package.json'))) throw new Error('build/n8n is missing: run `npm run build` first.');
    const loader = new core.PackageDirectoryLoader(PACKAGE_DIR);
    await loader.loadAll();
    const types = { 'bench.source': new SourceNode() };
    for (const [name, data] of Object.entries(loader.nodeTypes)) types[`${PACKAGE_NAME}.${name}`] = data.type;
    const base = findNodesBase();
    if (base) {
      const { HttpRequest } = require(path.join(base.dir, 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js'));
      types[THEIRS] = new HttpRequest();
    }
    return {
      base,
      nodeTypes: {
        getByName: (type) => types[type],
        getByNameAndVersion: (type, version) => wf.NodeHelpers.getVersionedNodeType(types[type], version),
        getKnownTypes: () => ({}),
      },
    };
  })();
  return loaded;
}

let counter = 0;

/** Runs Source → node; resolves with the node's output items (or throws the node's error). */
async function runWorkflow(nodeSpec, count, timeoutMs = 600000) {
  const { nodeTypes } = await loadNodeTypes();
  const nodes = [
    { id: 'n0', name: 'Source', type: 'bench.source', typeVersion: 1, position: [0, 0], parameters: { count } },
    { id: 'n1', name: 'Request', position: [200, 0], ...nodeSpec },
  ];
  const connections = { Source: { main: [[{ node: 'Request', type: 'main', index: 0 }]] } };
  const workflowId = `bench-${++counter}`;
  const workflow = new wf.Workflow({ id: workflowId, name: 'bench', nodes, connections, active: false, nodeTypes, staticData: {}, settings: {} });
  const hooks = new core.ExecutionLifecycleHooks('manual', `exec-${counter}`, { id: workflowId, name: 'bench', nodes, connections, active: false, settings: {} });
  const finished = new Promise((resolve) => hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)));
  const additionalData = {
    hooks,
    executeWorkflow: async () => { throw new Error('no sub-workflows in the benchmark'); },
    getRunExecutionData: async () => undefined,
    getRuntimeCredential: async () => undefined,
    currentNodeExecutionIndex: 0,
    restApiUrl: 'http://127.0.0.1:5678/rest',
    instanceBaseUrl: 'http://127.0.0.1:5678',
    formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
    webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
    webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
    webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
    variables: {},
    userId: 'user-1',
  };
  const execute = new core.WorkflowExecute(additionalData, 'manual');
  const running = execute.run({ workflow, startNode: workflow.getNode('Source') });
  let timer;
  const run = await Promise.race([
    finished,
    new Promise((_, reject) => {
      timer = setTimeout(() => {
        running.cancel();
        reject(new Error(`workflow did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  const task = run.data.resultData.runData.Request?.[0];
  if (task?.error) throw new Error(`the node failed: ${task.error.message}`);
  return task?.data?.main?.[0] ?? [];
}

/** Switches n8n to filesystem binary data mode (as a default n8n instance runs). */
async function useFilesystemBinaryMode() {
  const { Container } = require('@n8n/di');
  await Container.get(core.BinaryDataService).init();
}

function cleanup() {
  fs.rmSync(userFolder, { recursive: true, force: true });
}

module.exports = { runWorkflow, loadNodeTypes, useFilesystemBinaryMode, cleanup, OURS, THEIRS, userFolder };
