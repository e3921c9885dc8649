/**
 * One Node-RED measurement in its own process: contender `ours` (send-api-request), `core-ka` (the
 * core http request node, "use keep-alive" on) or `core` (off), `concurrency` messages in flight,
 * `warmup` then `n` measured messages. Each answer is checked (status 200, the item's own id).
 */
'use strict';
const { closedLoop, peakRssMb } = require('../lib/load');
const { job, report } = require('../lib/child');
const { startNodeRed, messageDriver } = require('./runtime');

function requestNode(contender, base, concurrency) {
  const common = { id: 'req', z: 'tab', x: 100, y: 100, wires: [['sink']] };
  if (contender === 'ours') {
    return {
      ...common,
      type: 'send-api-request',
      method: 'GET',
      url: `${base}/items/#payload.id`,
      headers: [{ key: 'Accept', value: 'application/json' }],
      bodyMode: 'none',
      // The node's own limit must not be the bottleneck: it gets the driver's concurrency.
      concurrency: String(concurrency),
    };
  }
  return {
    ...common,
    type: 'http request',
    method: 'GET',
    ret: 'obj',
    paytoqs: 'ignore',
    url: `${base}/items/{{{payload.id}}}`,
    persist: contender === 'core-ka',
    headers: [{ keyType: 'other', keyValue: 'Accept', valueType: 'other', valueValue: 'application/json' }],
    senderr: false,
  };
}

async function main() {
  const { contender, concurrency, n, warmup, url } = job();
  const flow = [
    { id: 'tab', type: 'tab', label: 'bench' },
    requestNode(contender, url, concurrency),
    { id: 'catch', z: 'tab', x: 100, y: 200, type: 'catch', scope: null, uncaught: false, wires: [['sink']] },
    { id: 'sink', z: 'tab', x: 300, y: 100, type: 'bench-sink', wires: [] },
  ];
  const nr = await startNodeRed(flow);
  const send = messageDriver(nr.node('req'), (msg, i) => {
    if (msg.statusCode !== 200) throw new Error(`status ${msg.statusCode}`);
    if (!msg.payload || String(msg.payload.id) !== String(i)) throw new Error(`wrong answer for ${i}: ${JSON.stringify(msg.payload).slice(0, 80)}`);
  });
  const rssBefore = process.memoryUsage().rss / 1048576;
  await closedLoop(warmup, concurrency, send, 0);
  const measured = await closedLoop(n, concurrency, send, warmup);
  const result = { ...measured, peakRssMb: peakRssMb(), rssAfterStartMb: rssBefore };
  await nr.stop();
  report(result);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
