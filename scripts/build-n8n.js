// Assembles build/n8n: the n8n community node package (nodes, credentials, compiled core; no runtime dependencies).
const fs = require('node:fs');
const path = require('node:path');
const { root, rootPackage, copyTree, fresh, writeJson, copyCore, publisherFields } = require('./package-files');

const out = path.join(root, 'build', 'n8n');
const NAME = 'n8n-nodes-send-api-request';

async function assemble() {
  fresh(out);
  copyCore(out);
  const isAsset = (f) => /\.(svg|png|json)$/.test(f);
  const isCode = (f) => f.endsWith('.js') || f.endsWith('.d.ts');
  copyTree(path.join(root, 'dist', 'nodes'), path.join(out, 'dist', 'nodes'), isCode);
  copyTree(path.join(root, 'dist', 'credentials'), path.join(out, 'dist', 'credentials'), isCode);
  copyTree(path.join(root, 'nodes'), path.join(out, 'dist', 'nodes'), isAsset);
  copyTree(path.join(root, 'credentials'), path.join(out, 'dist', 'credentials'), isAsset);
  const list = (dir, suffix) => {
    const base = path.join(out, 'dist', dir);
    const found = [];
    const walk = (d) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith(suffix)) found.push(path.relative(out, p).split(path.sep).join('/'));
      }
    };
    walk(base);
    return found.sort();
  };
  writeJson(path.join(out, 'package.json'), {
    name: NAME,
    version: rootPackage.version,
    description: 'n8n community node: Send API Request — call any HTTP API with # variables and secret keys that never leak.',
    license: 'MIT',
    keywords: ['n8n-community-node-package', 'n8n', 'http', 'api', 'request', 'secrets'],
    // Who publishes is the repository's to say (n8n's lint wants an author with an email and a homepage).
    ...publisherFields(),
    main: 'dist/shared/index.js',
    files: ['dist'],
    engines: { node: '>=24' },
    n8n: {
      n8nNodesApiVersion: 1,
      strict: true,
      nodes: list('nodes', '.node.js'),
      credentials: list('credentials', '.credentials.js'),
    },
    peerDependencies: { 'n8n-workflow': '*' },
  });
  fs.copyFileSync(path.join(root, 'README.md'), path.join(out, 'README.md'));
  fs.copyFileSync(path.join(root, 'LICENSE'), path.join(out, 'LICENSE'));
}

module.exports = { assemble, out, NAME };
