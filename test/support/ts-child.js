#!/usr/bin/env node
/**
 * Runs a TypeScript scenario in a plain Node process (no jest), for measures that a jest worker would
 * blur: heap use after a forced GC (start it with --expose-gc). `.ts` files are compiled on require
 * with the project's TypeScript (transpile only, CommonJS); jest's afterAll is collected and run at
 * the end, so test support modules written for jest load unchanged.
 *
 *   node --expose-gc test/support/ts-child.js test/support/load-node-red.ts
 *
 * The scenario module exports `run(): Promise<unknown>`; its result is printed as the last line of
 * stdout, prefixed with RESULT (everything else a scenario prints goes before it).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  resolveJsonModule: true,
  sourceMap: false,
};
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};

const cleanups = [];
globalThis.afterAll = (fn) => cleanups.push(fn);

async function main() {
  const scenario = require(path.resolve(process.argv[2]));
  let result;
  try {
    result = await scenario.run();
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
  // A pipe takes a large line in several writes: exit only once it is all out.
  await new Promise((resolve) => process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`, resolve));
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
