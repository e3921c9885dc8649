// Secret values for one run, and the check that one never shows up where it must not.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** A secret unique to this run, so finding it anywhere is proof of a leak, never a coincidence. */
function newSecret(prefix) {
  return `${prefix}-${crypto.randomBytes(12).toString('hex')}`;
}

function assertNoSecret(text, secret, where) {
  if (String(text).includes(secret)) throw new Error(`the secret value appears in ${where}`);
}

/** Every file under dir whose bytes contain the secret (plain UTF-8), for "not on disk" checks. */
function filesContaining(dir, secret, skip = () => false) {
  const needle = Buffer.from(secret, 'utf8');
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (skip(p)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(needle)) found.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return found;
}

module.exports = { newSecret, assertNoSecret, filesContaining };
