#!/usr/bin/env node
// `npm test`: build, then run the suites on the Node versions our users' hosts need:
//   the machine's own Node (20 on a fresh machine): core and Node-RED 4;
//   Node 24 (the `node` devDependency): core, Node-RED 5, n8n and the editor in Chromium.
// Extra arguments go to jest (e.g. `npm test -- -t retry`). Prints one closing "N passed, N failed" line.
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const jestBin = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const extra = process.argv.slice(2);

function nodeVersion(bin) {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** The machine's own node: the first on PATH outside node_modules (npm scripts put Node 24 first). */
function machineNode() {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir || dir.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const candidate = path.join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
    if (fs.existsSync(candidate)) return candidate;
  }
  return process.env.npm_node_execpath || process.execPath;
}

function node24() {
  const shipped = path.join(root, 'node_modules', 'node', 'bin', 'node');
  if (fs.existsSync(shipped)) return shipped;
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  throw new Error('Node 24 is missing: run `npm ci` (the `node` devDependency provides it).');
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

if (run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']) !== 0) process.exit(1);
if (run(process.execPath, [path.join(root, 'node_modules', 'gulp', 'bin', 'gulp.js'), 'build', '--silent']) !== 0) process.exit(1);

const passes = [
  { node: machineNode(), projects: ['core', 'node-red-4'] },
  { node: node24(), projects: ['core', 'node-red-5', 'n8n', 'browser'] },
];

let passed = 0;
let failed = 0;
let broken = false;
for (const pass of passes) {
  const version = nodeVersion(pass.node);
  console.log(`\n=== Node ${version} (${pass.node}): ${pass.projects.join(', ')}`);
  const report = path.join(os.tmpdir(), `send-api-request-jest-${process.pid}-${version}.json`);
  const status = run(pass.node, [jestBin, '--selectProjects', ...pass.projects, '--json', '--outputFile', report, ...extra]);
  if (fs.existsSync(report)) {
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
    fs.rmSync(report, { force: true });
  } else broken = true;
  if (status !== 0) broken = true;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 ? 1 : 0);
