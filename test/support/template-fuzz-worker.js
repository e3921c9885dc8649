/**
 * Worker thread for the template fuzz test (issue 5 part 6). Loads the core's TypeScript sources
 * through a transpile-only require hook, then throws random templates and values at parseTemplate,
 * renderRequest and renderJson for `durationMs`. It runs in a worker so that the test can prove
 * "no hang": the main thread watches a shared progress counter and terminates a stuck worker.
 *
 * workerData: { coreDir, durationMs, seed, progress: SharedArrayBuffer(Int32Array[1]) }
 * posts: { runs, rejected: { [code]: n, none: requests rendered whole }, failures: [{ input, error }] }
 */
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const fc = require('fast-check');

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};

const core = require(path.join(workerData.coreDir, 'index.ts'));
const { parseTemplate, compileRequest, renderRequest, renderJson, createPlainResolver, SendApiRequestError } = core;
const counter = new Int32Array(workerData.progress);

const token = fc.constantFrom(
  '#', '##', '#{', '}', '{', '[', ']', '"', "'", '.', '..', 'a', 'b', 'x', '0', '7', ' ', '\\', '{{', '}}', ':', ',', '\n', '\t',
  'null', 'true', '-', '/', '?', '&', '=', '%', '#a', '#b.c', '#arr[1]', '#arr[9]', '#{a . b}', '#{["k"]}', "#{['k']}", '#b["c"]',
  '#secrets.K', '#secrets', '#response.body', '#json.a', '#msg', '#loop', '#buf', '#big', '\u0000', '\uD800', 'é', '😀', 'https://', 'http://h',
);
const template = fc.array(fc.oneof(token, fc.string({ maxLength: 4 })), { maxLength: 30 }).map((parts) => parts.join(''));
const jsonToken = fc.constantFrom('{', '}', '[', ']', ',', ':', '"k"', '"', '1', '-2.5e3', 'null', ' ', '\n', '\\', '\\"', '#a', '#b', '#arr', '#{a}', '#loop', '#big', '#buf', '#x', '"#a"', '"p #b.c q"');
const jsonTemplate = fc.array(jsonToken, { maxLength: 25 }).map((parts) => parts.join(''));

const loop = { name: 'loop' };
loop.self = loop;
const values = fc.record({
  a: fc.anything({ maxDepth: 2, maxKeys: 4 }),
  b: fc.record({ c: fc.anything({ maxDepth: 2, maxKeys: 4 }) }),
  arr: fc.array(fc.anything({ maxDepth: 2, maxKeys: 4 }), { maxLength: 4 }),
  x: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)) }),
});

const rejected = {};
const failures = [];

/** Runs one stage; a SendApiRequestError is a fine outcome (counted), anything else fails the input. */
function stage(fn) {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof SendApiRequestError)) throw err;
    rejected[err.code] = (rejected[err.code] ?? 0) + 1;
    if (String(err.message).includes('fuzz-secret-value')) throw new Error(`secret in message: ${err.message}`);
  }
}

function attempt(input) {
  Atomics.add(counter, 0, 1);
  const vars = {
    values: { ...input.values, loop, buf: Buffer.from('buf'), big: { n: BigInt(7) }, k: 'K', u: 'https://api.test/base' },
    secrets: { K: 'fuzz-secret-value' },
  };
  const resolver = createPlainResolver(vars);
  if (input.expressions) resolver.evaluate = () => input.values.a;
  stage(() => parseTemplate(input.url, { field: 'url', expressions: input.expressions }));
  stage(() => {
    const t = parseTemplate(input.json, { field: 'body.raw', expressions: input.expressions });
    const rendered = renderJson(t, { resolver, onMissing: input.onMissing, field: 'body.raw' });
    if (rendered !== '') JSON.parse(rendered);
  });
  stage(() => {
    const compiled = compileRequest({
      url: input.url,
      method: 'POST',
      query: [{ key: input.header, value: input.url }],
      headers: [{ key: 'X-Fuzz', value: input.header }],
      body: input.fields
        ? { mode: 'fields', encoding: input.fields, fields: [{ key: 'f', value: input.header }, { key: input.header, value: input.json }] }
        : { mode: 'raw', raw: input.json },
    }, { expressions: input.expressions });
    const prepared = renderRequest(compiled, resolver, { onMissing: input.onMissing, secrets: ['fuzz-secret-value'] });
    const url = new URL(prepared.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`rendered a ${url.protocol} URL`);
    if (typeof prepared.body === 'string' && !input.fields && prepared.headers['content-type'] === 'application/json') JSON.parse(prepared.body);
    rejected.none = (rejected.none ?? 0) + 1;
  });
  return true;
}

const input = fc.record({
  url: fc.oneof(template, template.map((t) => `https://api.test/${t}`), template.map((t) => `#u${t}`)),
  json: jsonTemplate,
  header: template,
  onMissing: fc.constantFrom('error', 'empty', 'keep'),
  expressions: fc.boolean(),
  fields: fc.constantFrom(undefined, 'json', 'form', 'multipart'),
  values,
});

const result = fc.check(fc.property(input, (i) => attempt(i)), {
  seed: workerData.seed,
  numRuns: 10_000_000,
  interruptAfterTimeLimit: workerData.durationMs,
  endOnFailure: true,
});
if (result.failed) {
  failures.push({ input: fc.stringify(result.counterexample), error: String(result.errorInstance && result.errorInstance.stack || result.error) });
}
parentPort.postMessage({ runs: result.numRuns, rejected, failures });
