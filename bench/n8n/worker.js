/**
 * One n8n measurement in its own process: a workflow Source (`items` items) → request node, through
 * WorkflowExecute. `ours`: Send API Request, URL with `#id`; `theirs`: n8n's HTTP Request node,
 * URL with `{{ $json.id }}`. `mode`: `all` (every item in flight at once, the HTTP Request node's
 * only way) or `c16` (ours: concurrency 16; theirs: batching 16 items per 1 ms, its nearest setting).
 * A warm-up workflow runs first; every output item is checked against its input id.
 */
'use strict';
const { job, report } = require('../lib/child');
const { peakRssMb } = require('../lib/load');
const engine = require('./engine');

function nodeSpec(contender, mode, base, items) {
  if (contender === 'ours') {
    return {
      type: engine.OURS,
      typeVersion: 1,
      parameters: {
        method: 'GET',
        url: `${base}/items/#id`,
        headers: { values: [{ key: 'Accept', value: 'application/json' }] },
        options: { concurrency: mode === 'all' ? items : 16, responseOutput: 'body' },
      },
    };
  }
  return {
    type: engine.THEIRS,
    typeVersion: 4.2,
    parameters: {
      method: 'GET',
      url: `=${base}/items/{{ $json.id }}`,
      sendHeaders: true,
      headerParameters: { parameters: [{ name: 'Accept', value: 'application/json' }] },
      options: mode === 'all' ? {} : { batching: { batch: { batchSize: 16, batchInterval: 1 } } },
    },
  };
}

function check(output, count) {
  if (output.length !== count) throw new Error(`${output.length} output items for ${count} inputs`);
  output.forEach((item, i) => {
    const body = item.json && item.json.body !== undefined && item.json.statusCode !== undefined ? item.json.body : item.json;
    if (String(body.id) !== String(i)) throw new Error(`item ${i}: wrong answer ${JSON.stringify(item.json).slice(0, 80)}`);
  });
}

async function main() {
  const { contender, mode, items, warmup, url } = job();
  const spec = nodeSpec(contender, mode, url, items);
  check(await engine.runWorkflow(nodeSpec(contender, mode, url, warmup), warmup), warmup);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const output = await engine.runWorkflow(spec, items);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  check(output, items);
  engine.cleanup();
  report({ n: items, wallMs, perSecond: (items / wallMs) * 1000, cpuUsPerRequest: (cpu.user + cpu.system) / items, peakRssMb: peakRssMb() });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
