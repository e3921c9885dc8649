// Assembles build/node-red: the Node-RED node package (runtime, editor, config node, compiled core, node:http transport).
const fs = require('node:fs');
const path = require('node:path');
const { root, rootPackage, copyTree, fresh, writeJson, publisherFields } = require('./package-files');

const out = path.join(root, 'build', 'node-red');
const NAME = 'node-red-contrib-send-api-request';

async function assemble() {
  fresh(out);
  // The compiled core with the transports: node:http is this package's transport, timers its sleep.
  copyTree(path.join(root, 'dist', 'shared'), path.join(out, 'dist', 'shared'), (f) => f.endsWith('.js'));
  copyTree(path.join(root, 'dist', 'node-red'), path.join(out, 'dist', 'node-red'), (f) => /\.(js|html)$/.test(f));
  // Help, messages and icons sit beside the runtime file Node-RED loads (it looks for locales/ and icons/ there).
  for (const dir of ['locales', 'icons']) {
    copyTree(path.join(root, 'node-red', dir), path.join(out, 'dist', 'node-red', dir), (f) => /\.(html|json|svg|png)$/.test(f));
  }
  copyTree(path.join(root, 'node-red', 'examples'), path.join(out, 'examples'));
  const nodes = {};
  const dir = path.join(out, 'dist', 'node-red');
  if (fs.existsSync(dir)) {
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith('.js') && fs.existsSync(path.join(dir, f.replace(/\.js$/, '.html')))) nodes[f.replace(/\.js$/, '')] = `dist/node-red/${f}`;
    }
  }
  writeJson(path.join(out, 'package.json'), {
    name: NAME,
    version: rootPackage.version,
    description: 'Node-RED node: Send API Request — call any HTTP API with # variables and secret keys that never leak.',
    license: 'MIT',
    ...publisherFields(),
    keywords: ['node-red', 'http', 'api', 'request', 'secrets'],
    files: ['dist', 'examples'],
    engines: { node: '>=20' },
    'node-red': { version: '>=4.0.0', nodes },
    // hash-sum: the same version as Node-RED's, so an http response node recognises marked headers.
    dependencies: { 'hash-sum': rootPackage.dependencies['hash-sum'] },
  });
  fs.copyFileSync(path.join(root, 'README.md'), path.join(out, 'README.md'));
  fs.copyFileSync(path.join(root, 'LICENSE'), path.join(out, 'LICENSE'));
}

module.exports = { assemble, out, NAME };
