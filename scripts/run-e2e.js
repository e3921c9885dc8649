#!/usr/bin/env node
// `npm run test:e2e`: packs both packages, installs the tarballs into real hosts the way users do and
// runs requests through them to a local API server (test/e2e/):
//   Node-RED 5 (the `node-red` devDependency) with the Node-RED package in a fresh user directory;
//   n8n (installed once into .tmp/n8n-host) with the n8n package as a community package;
//   the ecosystem checks that run offline (node-red-dev validate, n8n's community-node lint).
// Options: --only=node-red,n8n,ecosystem (default: all), --no-pack (use artifacts/ as it is).
// A host that cannot be installed or started is a failure (in CI and outside it), never a skip.
// Prints each part's duration and one closing "N passed, N failed" line; exits 1 on any failure.
const fs = require('node:fs');
const path = require('node:path');
const { root, run, node24Env, stopAll } = require('../test/e2e/lib/proc');
const { Report } = require('../test/e2e/lib/report');

const PARTS = ['node-red', 'n8n', 'ecosystem'];
const args = process.argv.slice(2);
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice('--only='.length).split(',') : PARTS;
const unknown = only.filter((p) => !PARTS.includes(p));
if (unknown.length) {
  console.error(`unknown part(s) ${unknown.join(', ')}; choose from ${PARTS.join(', ')}`);
  process.exit(2);
}
const workDir = path.join(root, '.tmp', 'e2e');

async function main() {
  const report = new Report();
  const started = Date.now();
  fs.mkdirSync(workDir, { recursive: true });
  if (!args.includes('--no-pack')) {
    await report.part('npm run pack', async () => {
      await report.check('npm run pack writes both tarballs to artifacts/', async () => {
        const out = await run('npm', ['run', 'pack', '--silent'], { env: node24Env(), timeoutMs: 10 * 60000 });
        process.stdout.write(out.split('\n').filter((l) => l.startsWith('artifacts/')).map((l) => `    ${l}\n`).join(''));
      });
    });
  }
  const options = { workDir };
  if (only.includes('node-red')) {
    const nodeRed = require('../test/e2e/node-red');
    await report.part('Node-RED 5 with the packed Node-RED package', () => nodeRed.nodeRedPart(report, options));
    await report.part('Node-RED 5 palette manager upload', () => nodeRed.paletteUpload(report, options));
  }
  if (only.includes('n8n')) await report.part('n8n with the packed n8n package', () => require('../test/e2e/n8n').n8nPart(report, options));
  if (only.includes('ecosystem')) await report.part('Ecosystem checks', () => require('../test/e2e/ecosystem').ecosystemPart(report, options));
  report.durations.push({ name: 'total', took: Date.now() - started });
  const ok = report.summary();
  process.exitCode = ok ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the hosts…`);
    stopAll().finally(() => process.exit(130));
  });
}

main().catch((err) => {
  console.error(err);
  console.log('\n0 passed, 1 failed');
  process.exitCode = 1;
});
