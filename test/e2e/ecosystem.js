// Ecosystem checks on the packed packages, the ones that run offline:
//  - `node-red-dev validate` (installed on demand into .tmp/node-red-dev) on the unpacked Node-RED
//    tarball; the checks that need the internet are listed, not counted (see node-red-dev-offline.js);
//  - every node type of the Node-RED package is used in an example flow;
//  - n8n's community-node lint (scripts/lint-n8n.js, when it exists).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root, node24, node24Env, run } = require('./lib/proc');
const { PACKAGES, tarball, npmInstall } = require('./lib/artifacts');

const NODE_RED_DEV = 'node-red-dev@0.1.6';
const toolDir = path.join(root, '.tmp', 'node-red-dev');

/** node-red-dev's checks: what each means, and whether it can run without the internet. */
const CHECKS = {
  P01: { what: 'has a license', offline: true },
  P03: { what: 'has a repository or bugs link', offline: true },
  P04: { what: 'uses a valid (node-red-contrib- or scoped) name', offline: true },
  P05: { what: 'has the node-red keyword', offline: true },
  P06: { what: 'node-red.version matches the current Node-RED releases (reads the registry)', offline: false },
  P07: { what: 'engines.node matches the current Node-RED (reads the registry)', offline: false },
  P08: { what: 'no similar package name in the Node-RED catalogue (reads the catalogue)', offline: false },
  N01: { what: 'node type names unique in the Node-RED catalogue (reads the catalogue)', offline: false },
  N02: { what: 'examples use every non-config node', offline: true },
  D01: { what: 'at most six dependencies', offline: true },
  D02: { what: 'no known-incompatible package in the dependency tree (walks the registry)', offline: false },
  D03: { what: 'dependencies at their latest versions (reads the registry)', offline: false },
};

async function ensureNodeRedDev() {
  const bin = path.join(toolDir, 'node_modules', 'node-red-dev', 'bin', 'run');
  if (!fs.existsSync(bin)) await npmInstall(toolDir, [NODE_RED_DEV], { timeoutMs: 5 * 60000 });
  return bin;
}

async function unpack(pkg, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  await run('tar', ['-xzf', pkg, '-C', dir, '--strip-components=1'], { timeoutMs: 60000 });
  return dir;
}

function registeredTypes(packageDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const types = new Set();
  for (const file of Object.values((manifest['node-red'] || {}).nodes || {})) {
    const html = path.join(packageDir, file.replace(/\.js$/, '.html'));
    if (!fs.existsSync(html)) continue;
    for (const m of fs.readFileSync(html, 'utf8').matchAll(/RED\.nodes\.registerType\(\s*['"]([^'"]+)['"]/g)) types.add(m[1]);
  }
  return [...types];
}

function exampleTypes(packageDir) {
  const dir = path.join(packageDir, 'examples');
  const types = new Set();
  if (!fs.existsSync(dir)) return types;
  for (const f of fs.readdirSync(dir, { recursive: true })) {
    if (!String(f).endsWith('.json')) continue;
    for (const n of JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) types.add(n.type);
  }
  return types;
}

async function ecosystemPart(report, { workDir }) {
  let packageDir;
  const unpacked = await report.check('the Node-RED tarball unpacks', async () => {
    packageDir = await unpack(tarball(PACKAGES.nodeRed), path.join(workDir, 'node-red-package'));
  });
  if (unpacked) {
    let scorecard;
    const validated = await report.check(`${NODE_RED_DEV} validate runs on the package (offline)`, async () => {
      const bin = await ensureNodeRedDev();
      const out = path.join(workDir, 'node-red-dev-scorecard.json');
      fs.rmSync(out, { force: true });
      const preload = path.join(__dirname, 'lib', 'node-red-dev-offline.js');
      const log = await run(node24(), ['-r', preload, bin, 'validate', '--path', packageDir, '--output', out, '--embed', 'true'], { env: node24Env(), timeoutMs: 120000, label: 'node-red-dev validate' });
      if (!fs.existsSync(out)) throw new Error(`node-red-dev wrote no scorecard:\n${log}`);
      scorecard = JSON.parse(fs.readFileSync(out, 'utf8'));
    });
    if (validated) {
      for (const [code, check] of Object.entries(CHECKS).filter(([, c]) => c.offline)) {
        await report.check(`node-red-dev ${code}: ${check.what}`, async () => {
          assert.ok(scorecard[code], `${code} did not run`);
          assert.equal(scorecard[code].test, true, `${code} failed: ${JSON.stringify(scorecard[code])}`);
          if (code === 'P05') {
            // node-red-dev 0.1.6 records P05 as passed even when it warns, so look for the keyword too.
            const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
            assert.ok((manifest.keywords || []).includes('node-red'), 'package.json keywords lack node-red');
          }
        });
      }
      const online = Object.entries(CHECKS).filter(([, c]) => !c.offline);
      console.log(`    not checked offline (they need the internet): ${online.map(([code, c]) => `${code} (${c.what})`).join('; ')}`);
    }
    await report.check('the examples use every Node-RED node type, the config node included', async () => {
      const types = registeredTypes(packageDir);
      assert.ok(types.length >= 2, `the package's editor files register ${types.length} node type(s)`);
      const used = exampleTypes(packageDir);
      const missing = types.filter((t) => !used.has(t));
      assert.deepEqual(missing, [], `no example uses ${missing.join(', ')}`);
    });
  }

  const lint = path.join(root, 'scripts', 'lint-n8n.js');
  if (fs.existsSync(lint)) {
    await report.check("the n8n package passes n8n's community-node lint (scripts/lint-n8n.js)", async () => {
      await run(node24(), [lint], { env: node24Env(), timeoutMs: 15 * 60000, label: 'npm run lint:n8n' });
    });
  } else {
    report.fail("n8n's community-node lint", new Error('scripts/lint-n8n.js does not exist yet'));
  }
}

module.exports = { ecosystemPart };
