/** The machine and versions a benchmark ran on, for docs/BENCHMARKS.md. */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');

function version(pkgDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

/** The machine's own node (the first `node` on PATH outside node_modules), for the record. */
function systemNode() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir.includes('node_modules')) continue;
    const bin = path.join(dir, 'node');
    if (fs.existsSync(bin)) {
      try {
        return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
      } catch {
        return 'unknown';
      }
    }
  }
  return 'none';
}

function machine() {
  const nm = path.join(ROOT, 'node_modules');
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: os.totalmem() / 1024 ** 3,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    load: os.loadavg().map((x) => x.toFixed(1)).join(', '),
    benchNode: process.version,
    systemNode: systemNode(),
    nodeRed: version(path.join(nm, 'node-red')),
    n8nCore: version(path.join(nm, 'n8n-core')),
    n8nWorkflow: version(path.join(nm, 'n8n-workflow')),
    axios: version(path.join(nm, 'axios')),
    undici: version(path.join(nm, 'undici')),
  };
}

module.exports = { machine };
