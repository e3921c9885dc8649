/**
 * One large-response measurement in its own process (run with --expose-gc): a `bytes`-byte binary
 * answer through one request node. `host` node-red (embedded runtime; the payload is a Buffer there)
 * or n8n (WorkflowExecute, filesystem binary data mode as an n8n instance runs by default).
 * Reports the peak RSS over the baseline taken after a warm-up request, and checks the size received.
 */
'use strict';
const fs = require('node:fs');
const { job, report } = require('../lib/child');
const { peakRssMb } = require('../lib/load');

const MB = 1048576;

function settle() {
  global.gc();
  global.gc();
  return process.memoryUsage().rss / MB;
}

async function nodeRed(contender, url, bytes) {
  const { startNodeRed, messageDriver } = require('../node-red/runtime');
  const node = contender === 'ours'
    ? { type: 'send-api-request', method: 'GET', url: `${url}/large?bytes=#payload.bytes`, bodyMode: 'none', responseFormat: 'auto', maxResponseBytes: String(bytes + MB) }
    : { type: 'http request', method: 'GET', ret: 'bin', paytoqs: 'ignore', url: `${url}/large?bytes={{{payload.bytes}}}`, persist: true };
  const nr = await startNodeRed([
    { id: 'tab', type: 'tab', label: 'bench' },
    { id: 'req', z: 'tab', x: 100, y: 100, wires: [['sink']], ...node },
    { id: 'catch', z: 'tab', x: 100, y: 200, type: 'catch', scope: null, uncaught: false, wires: [['sink']] },
    { id: 'sink', z: 'tab', x: 300, y: 100, type: 'bench-sink', wires: [] },
  ]);
  let expected = 0;
  const send = messageDriver(nr.node('req'), (msg) => {
    if (!Buffer.isBuffer(msg.payload) || msg.payload.length !== expected) throw new Error(`got ${Buffer.isBuffer(msg.payload) ? msg.payload.length : typeof msg.payload} bytes, not ${expected}`);
  });
  // messageDriver sends { payload: { id: i } }: the size travels in the id's place.
  const sendSize = (n) => {
    expected = n;
    return send(n).then(() => undefined);
  };
  const originalReceive = nr.node('req').receive.bind(nr.node('req'));
  nr.node('req').receive = (msg) => originalReceive({ ...msg, payload: { bytes: msg.payload.id } });
  await sendSize(1024);
  const baseline = settle();
  const peak0 = peakRssMb();
  await sendSize(bytes);
  const result = { baselineMb: baseline, peakMb: peakRssMb(), peakBeforeMb: peak0 };
  await nr.stop();
  return result;
}

async function n8n(contender, url, bytes) {
  const engine = require('../n8n/engine');
  await engine.useFilesystemBinaryMode();
  const spec = (n) => contender === 'ours'
    ? { type: engine.OURS, typeVersion: 1, parameters: { method: 'GET', url: `${url}/large?bytes=${n}`, options: { responseFormat: 'binary', maxResponseBytes: bytes + MB } } }
    : { type: engine.THEIRS, typeVersion: 4.2, parameters: { method: 'GET', url: `${url}/large?bytes=${n}`, options: { response: { response: { responseFormat: 'file' } } } } };
  const sizeOf = (item) => {
    const b = item.binary && item.binary.data;
    if (!b) throw new Error(`no binary data in the output: ${JSON.stringify(item.json).slice(0, 200)}`);
    return b.id ? Number(b.bytes ?? fs.statSync(require('node:path').join(engine.userFolder, 'storage')).size) : Buffer.from(b.data, 'base64').length;
  };
  const warm = await engine.runWorkflow(spec(1024), 1);
  if (sizeOf(warm[0]) !== 1024) throw new Error(`warm-up: got ${sizeOf(warm[0])} bytes`);
  const baseline = settle();
  const peak0 = peakRssMb();
  const out = await engine.runWorkflow(spec(bytes), 1);
  const size = sizeOf(out[0]);
  if (size !== bytes) throw new Error(`got ${size} bytes, not ${bytes}`);
  const result = { baselineMb: baseline, peakMb: peakRssMb(), peakBeforeMb: peak0, storedAs: out[0].binary.data.id ? 'file' : 'memory' };
  engine.cleanup();
  return result;
}

async function main() {
  const { host, contender, url, bytes } = job();
  const r = host === 'n8n' ? await n8n(contender, url, bytes) : await nodeRed(contender, url, bytes);
  report({ ...r, overMb: r.peakMb - r.baselineMb, sizeMb: bytes / MB });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
