// Helpers shared by the two package assemblers: copy compiled files and write a package.json.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const rootPackage = require(path.join(root, 'package.json'));

function copyTree(from, to, accept = () => true) {
  if (!fs.existsSync(from)) return;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(src, dst, accept);
    else if (accept(src)) {
      fs.mkdirSync(path.dirname(dst), { recursive: true });
      fs.copyFileSync(src, dst);
    }
  }
}

function fresh(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The compiled core, without the transports (those belong to one host each). */
function copyCore(to) {
  copyTree(path.join(root, 'dist', 'shared'), path.join(to, 'dist', 'shared'), (f) => !f.includes(`${path.sep}transports${path.sep}`));
}

/** Who publishes, and where to report bugs: the repository's to say, copied into each package. */
function publisherFields() {
  const out = {};
  for (const k of ['author', 'homepage', 'repository', 'bugs']) if (rootPackage[k] !== undefined) out[k] = rootPackage[k];
  return out;
}

module.exports = { root, rootPackage, copyTree, fresh, writeJson, copyCore, publisherFields };
