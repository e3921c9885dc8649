// Packs build/n8n and build/node-red into artifacts/ with npm pack.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('./package-files');

async function packAll() {
  const artifacts = path.join(root, 'artifacts');
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  for (const pkg of ['n8n', 'node-red']) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const name = execFileSync(npm, ['pack', '--silent', '--pack-destination', artifacts], { cwd: path.join(root, 'build', pkg), encoding: 'utf8' }).trim().split('\n').pop();
    console.log(`artifacts/${name}`);
  }
}

module.exports = { packAll };
