/** Where n8n's own nodes (n8n-nodes-base) are installed for the benchmark, if anywhere. */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const CANDIDATES = [
  path.join(ROOT, '.tmp', 'n8n-host', 'node_modules', 'n8n-nodes-base'),
  path.join(ROOT, '.tmp', 'bench-n8n-base', 'node_modules', 'n8n-nodes-base'),
];

function findNodesBase() {
  for (const dir of CANDIDATES) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js'))) {
      return { dir, version: JSON.parse(fs.readFileSync(pkg, 'utf8')).version };
    }
  }
  return undefined;
}

module.exports = { findNodesBase };
