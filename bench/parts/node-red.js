/**
 * Part 1, Node-RED in the real runtime: this node vs the core http request node (keep-alive on and
 * off) vs raw clients, at concurrency 1, 16 and 64. Contenders alternate (order rotated per round).
 */
'use strict';
const path = require('node:path');
const { runChild } = require('../lib/child');
const { median, fmt, ratio, pairedRatio } = require('../lib/stats');

const CONTENDERS = [
  { id: 'ours', label: 'Send API Request', script: 'node-red/worker.js' },
  { id: 'core-ka', label: 'core http request, keep-alive on', script: 'node-red/worker.js' },
  { id: 'core', label: 'core http request, keep-alive off', script: 'node-red/worker.js' },
  { id: 'axios', label: 'raw axios', script: 'raw/worker.js' },
  { id: 'http', label: 'raw node:http', script: 'raw/worker.js' },
  { id: 'undici', label: 'raw undici request', script: 'raw/worker.js' },
  // Diagnostics at C=16: the core's path without Node-RED, with the shipped transport (node:http), the
  // former one (axios, kept in bench/raw for this comparison) and a prototype (undici).
  { id: 'core-http', label: 'core + node:http transport, shipped (no Node-RED)', script: 'raw/worker.js', only: [16] },
  { id: 'core-axios', label: 'core + former axios transport (no Node-RED)', script: 'raw/worker.js', only: [16] },
  { id: 'core-undici', label: 'core + undici prototype transport (no Node-RED)', script: 'raw/worker.js', only: [16] },
];
const CONCURRENCY = [1, 16, 64];

async function run({ server, rounds, n, log }) {
  const warmup = Math.max(100, Math.round(n / 10));
  const samples = {};
  for (let r = 0; r < rounds; r++) {
    for (const concurrency of CONCURRENCY) {
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + r) % CONTENDERS.length]).filter((c) => !c.only || c.only.includes(concurrency));
      for (const c of order) {
        await server.reset();
        const key = `${c.id}@${concurrency}`;
        let result;
        try {
          result = await runChild(path.join(__dirname, '..', c.script), { contender: c.id, concurrency, n, warmup, url: server.url });
        } catch (err) {
          // One broken measurement is reported, not fatal to the run.
          (samples[key] ??= []).push({ perSecond: NaN, failed: n, firstError: err.message });
          log(`node-red round ${r + 1}/${rounds} C=${concurrency} ${c.id}: FAILED ${err.message}`);
          continue;
        }
        const stats = await server.stats();
        (samples[key] ??= []).push({ ...result, connections: stats.connections });
        log(`node-red round ${r + 1}/${rounds} C=${concurrency} ${c.id}: ${fmt(result.perSecond)} req/s${result.failed ? ` (${result.failed} failed: ${result.firstError})` : ''}`);
      }
    }
  }
  const summary = {};
  for (const [key, list] of Object.entries(samples)) {
    summary[key] = {
      perSecond: median(list.map((s) => s.perSecond)),
      cpuUsPerRequest: median(list.map((s) => s.cpuUsPerRequest)),
      peakRssMb: median(list.map((s) => s.peakRssMb)),
      connections: median(list.map((s) => s.connections)),
      failed: list.reduce((a, s) => a + s.failed, 0),
      firstError: list.find((s) => s.firstError)?.firstError,
      perRound: list.map((s) => s.perSecond),
    };
  }
  for (const [key, s] of Object.entries(summary)) {
    const ours = summary[`ours@${key.split('@')[1]}`];
    s.oursRatio = pairedRatio(ours?.perRound, s.perRound);
  }
  // The core's path without Node-RED, transport against transport.
  if (summary['core-http@16']) summary['core-http@16'].vsCoreAxios = pairedRatio(summary['core-http@16'].perRound, summary['core-axios@16']?.perRound);
  if (summary['core-undici@16']) {
    summary['core-undici@16'].vsCoreAxios = pairedRatio(summary['core-undici@16'].perRound, summary['core-axios@16']?.perRound);
    summary['core-undici@16'].vsUndici = pairedRatio(summary['core-undici@16'].perRound, summary['undici@16']?.perRound);
  }
  return { n, warmup, rounds, summary };
}

function targets(res) {
  const s = res.summary;
  const vsOurs = (id) => s[`${id}@16`]?.oursRatio;
  return [
    { what: 'Node-RED C=16: Send API Request / core http request (keep-alive on), req/s', ratio: vsOurs('core-ka'), target: 1.5 },
    { what: 'Node-RED C=16: Send API Request / raw axios, req/s', ratio: vsOurs('axios'), target: 0.8 },
    { what: 'Node-RED C=16: Send API Request / raw undici request (the ceiling), req/s', ratio: vsOurs('undici'), target: undefined },
    { what: 'Node-RED C=16: CPU per request, core http request (keep-alive on) / Send API Request (less noisy than req/s on a busy machine)', ratio: ratio(s['core-ka@16']?.cpuUsPerRequest, s['ours@16']?.cpuUsPerRequest), target: undefined },
    { what: 'Node-RED C=16: CPU per request, raw axios / Send API Request', ratio: ratio(s['axios@16']?.cpuUsPerRequest, s['ours@16']?.cpuUsPerRequest), target: undefined },
    { what: 'C=16, no host: core + undici prototype transport / raw undici request, req/s', ratio: s['core-undici@16']?.vsUndici, target: 0.6 },
    { what: 'C=16, no host: core + node:http transport (shipped) / core + former axios transport, req/s (why the transport changed)', ratio: s['core-http@16']?.vsCoreAxios, target: undefined },
    { what: 'C=16, no host: core + undici prototype / core + former axios transport, req/s', ratio: s['core-undici@16']?.vsCoreAxios, target: undefined },
  ];
}

function table(res) {
  const rows = [['C', 'contender', 'req/s (median)', 'req/s per round', 'CPU µs/req', 'peak RSS MB', 'connections', 'ours / this (median of per-round ratios)', 'failed']];
  for (const concurrency of CONCURRENCY) {
    for (const c of CONTENDERS) {
      const s = res.summary[`${c.id}@${concurrency}`];
      if (!s) continue;
      rows.push([String(concurrency), c.label, fmt(s.perSecond), (s.perRound ?? []).map((x) => fmt(x)).join(' / '), fmt(s.cpuUsPerRequest), fmt(s.peakRssMb), fmt(s.connections), c.id === 'ours' ? '—' : fmt(s.oursRatio, 2), String(s.failed)]);
    }
  }
  return rows;
}

module.exports = { name: 'node-red', title: 'Node-RED (embedded Node-RED runtime)', run, targets, table };
