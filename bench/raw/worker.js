/**
 * One raw-client measurement in its own process (no Node-RED): `axios` (a keep-alive agent),
 * `http` (node:http with a keep-alive agent) or `undici` (undici.request, its keep-alive pool); and
 * the core without a host: `core-http` (the shipped transport), `core-axios` (the former one),
 * `core-undici` (a prototype).
 * The same GET /items/<id> as the Node-RED contenders, answer parsed as JSON and checked.
 */
'use strict';
const http = require('node:http');
const { closedLoop, peakRssMb } = require('../lib/load');
const { job, report } = require('../lib/child');

function check(body, i) {
  if (String(body.id) !== String(i)) throw new Error(`wrong answer for ${i}`);
}

function client(contender, base) {
  const headers = { Accept: 'application/json' };
  if (contender === 'axios') {
    const axios = require('axios');
    const api = axios.create({ httpAgent: new http.Agent({ keepAlive: true }) });
    return async (i) => {
      const res = await api.get(`${base}/items/${i}`, { headers });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      check(res.data, i);
    };
  }
  if (contender === 'http') {
    const agent = new http.Agent({ keepAlive: true });
    return (i) => new Promise((resolve, reject) => {
      const req = http.get(`${base}/items/${i}`, { agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
            check(JSON.parse(Buffer.concat(chunks).toString('utf8')), i);
            resolve();
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  }
  if (contender === 'undici') {
    const { request } = require('undici');
    return async (i) => {
      const res = await request(`${base}/items/${i}`, { headers });
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      check(await res.body.json(), i);
    };
  }
  if (contender === 'core-axios' || contender === 'core-undici' || contender === 'core-http') {
    // The core's one path (compileNode once, executeRequest per request), as the Node-RED node takes
    // it, without Node-RED: with the shipped node:http transport, the former axios one, or the undici prototype.
    const core = require('../../dist/shared/index.js');
    const transport = contender === 'core-http'
      ? require('../../dist/shared/transports/node-http.js').createHttpTransport()
      : contender === 'core-axios' ? require('./axios-transport').createAxiosTransport()
      : require('./undici-transport').createUndiciTransport();
    const { timerSleep } = require('../../dist/shared/transports/timer-sleep.js');
    const compiled = core.compileNode({ method: 'GET', url: `${base}/items/#payload.id`, headers: [{ key: 'Accept', value: 'application/json' }] }, {});
    return async (i) => {
      const [page] = await core.executeRequest(compiled, core.createPlainResolver({ values: { payload: { id: i } } }), {}, { transport, sleep: timerSleep });
      if (page.statusCode !== 200) throw new Error(`status ${page.statusCode}`);
      check(page.body, i);
    };
  }
  throw new Error(`unknown raw client ${contender}`);
}

async function main() {
  const { contender, concurrency, n, warmup, url } = job();
  const send = client(contender, url);
  await closedLoop(warmup, concurrency, send, 0);
  const measured = await closedLoop(n, concurrency, send, warmup);
  report({ ...measured, peakRssMb: peakRssMb() });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
