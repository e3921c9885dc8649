/**
 * Node-RED embedded the way an application embeds it (require('node-red'), RED.init, RED.start) with
 * a temporary user directory, no editor and no HTTP server; this package is loaded from build/node-red
 * as an installed module, the bench sink from bench/node-red/nodes.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const bus = require('../lib/bus');

const ROOT = path.join(__dirname, '..', '..');
const PACKAGE_DIR = path.join(ROOT, 'build', 'node-red');

/** Starts Node-RED with `flow` deployed; resolves with { RED, node(id), stop() }. */
async function startNodeRed(flow) {
  if (!fs.existsSync(path.join(PACKAGE_DIR, 'dist', 'node-red', 'send-api-request.js'))) {
    throw new Error('build/node-red is missing: run `npm run build` first.');
  }
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sar-bench-nr-'));
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow));
  const RED = require('node-red');
  const started = new Promise((resolve) => RED.events.once('flows:started', resolve));
  RED.init({
    userDir,
    flowFile: 'flows.json',
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: false,
    disableEditor: true,
    nodesDir: [PACKAGE_DIR, path.join(__dirname, 'nodes')],
    logging: { console: { level: 'error', metrics: false, audit: false } },
    externalModules: { autoInstall: false },
  });
  await RED.start();
  await started;
  return {
    RED,
    node: (id) => {
      const n = RED.nodes.getNode(id);
      if (!n) throw new Error(`node ${id} is not deployed (is its type installed?)`);
      return n;
    },
    stop: async () => {
      await RED.stop();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/**
 * Sends messages into node `entryId` and waits for each at the sink (by _msgid). A message that
 * reaches the sink through the Catch node, or with a wrong answer, fails its request.
 */
function messageDriver(entry, check) {
  const pending = new Map();
  bus.on('message', (msg) => {
    const p = pending.get(msg._msgid);
    if (!p) return;
    pending.delete(msg._msgid);
    if (msg.error) p.reject(new Error(`flow error: ${msg.error.message}`));
    else {
      try {
        check(msg, p.i);
        p.resolve();
      } catch (err) {
        p.reject(err);
      }
    }
  });
  return (i) => new Promise((resolve, reject) => {
    const _msgid = `bench-${i}`;
    pending.set(_msgid, { i, resolve, reject });
    entry.receive({ _msgid, payload: { id: i }, topic: 'bench' });
  });
}

module.exports = { startNodeRed, messageDriver };
