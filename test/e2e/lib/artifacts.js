// The packed tarballs (`npm run pack` writes them to artifacts/) and installing them the way users do.
const fs = require('node:fs');
const path = require('node:path');
const { root, node24Env, run } = require('./proc');

const PACKAGES = {
  n8n: 'n8n-nodes-send-api-request',
  nodeRed: 'node-red-contrib-send-api-request',
};

/** The tarball of one package in artifacts/, or an error that says how to make it. */
function tarball(name) {
  const dir = path.join(root, 'artifacts');
  const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.tgz')) : [];
  if (found.length !== 1) throw new Error(`expected one ${name}-<version>.tgz in artifacts/ (found ${found.length}); run \`npm run pack\``);
  return path.join(dir, found[0]);
}

/** `npm install <tarball>` into dir (a host's package folder), with Node 24 as `node`. */
async function npmInstall(dir, specs, { timeoutMs = 5 * 60000, extraArgs = [] } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const pkg = path.join(dir, 'package.json');
  if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, `${JSON.stringify({ name: path.basename(dir).toLowerCase().replace(/[^a-z0-9-]/g, '-'), private: true }, null, 2)}\n`);
  return run('npm', ['install', ...specs, '--no-audit', '--no-fund', '--loglevel=error', ...extraArgs], { cwd: dir, env: node24Env(), timeoutMs, label: `npm install ${specs.map((s) => path.basename(s)).join(' ')}` });
}

module.exports = { PACKAGES, tarball, npmInstall };
