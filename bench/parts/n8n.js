/** Part 2, n8n through WorkflowExecute: this node vs n8n's HTTP Request node, same items, same server. */
'use strict';
const path = require('node:path');
const { runChild } = require('../lib/child');
const { median, fmt, pairedRatio } = require('../lib/stats');
const { findNodesBase } = require('../n8n/nodes-base');

const MODES = [
  { id: 'all', label: 'all items in flight at once (ours: concurrency = items; theirs: its default)' },
  { id: 'c16', label: '16 at a time (ours: concurrency 16; theirs: batching 16 items / 1 ms, its nearest setting)' },
];

async function run({ server, rounds, items, log }) {
  const base = findNodesBase();
  if (!base) return { skipped: 'n8n-nodes-base is not installed (.tmp/n8n-host or .tmp/bench-n8n-base); see docs/BENCHMARKS.md' };
  const warmup = 50;
  const samples = {};
  for (let r = 0; r < rounds; r++) {
    for (const mode of MODES) {
      const order = r % 2 === 0 ? ['ours', 'theirs'] : ['theirs', 'ours'];
      for (const contender of order) {
        await server.reset();
        let result;
        try {
          result = await runChild(path.join(__dirname, '..', 'n8n', 'worker.js'), { contender, mode: mode.id, items, warmup, url: server.url }, { timeoutMs: 600000 });
        } catch (err) {
          (samples[`${contender}@${mode.id}`] ??= []).push({ perSecond: NaN, error: err.message });
          log(`n8n round ${r + 1}/${rounds} ${mode.id} ${contender}: FAILED ${err.message}`);
          continue;
        }
        const stats = await server.stats();
        (samples[`${contender}@${mode.id}`] ??= []).push({ ...result, connections: stats.connections - warmup });
        log(`n8n round ${r + 1}/${rounds} ${mode.id} ${contender}: ${fmt(result.perSecond)} items/s`);
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
      perRound: list.map((s) => s.perSecond),
      error: list.find((s) => s.error)?.error,
    };
  }
  for (const m of MODES) {
    const theirs = summary[`theirs@${m.id}`];
    if (theirs) theirs.oursRatio = pairedRatio(summary[`ours@${m.id}`]?.perRound, theirs.perRound);
  }
  return { items, rounds, nodesBase: `${base.version} (${path.relative(path.join(__dirname, '..', '..'), base.dir)})`, summary };
}

function targets(res) {
  if (res.skipped) return [];
  return MODES.map((m) => ({
    what: `n8n ${m.id === 'all' ? 'all at once' : '16 at a time'}: Send API Request / HTTP Request node, items/s`,
    ratio: res.summary[`theirs@${m.id}`]?.oursRatio,
    target: 2.0,
  }));
}

const perRound = (s) => (s?.perRound ?? []).map((x) => fmt(x)).join(' / ');

function table(res) {
  if (res.skipped) return [['skipped'], [res.skipped]];
  const rows = [['mode', 'contender', 'items/s (median)', 'items/s per round', 'CPU µs/item', 'peak RSS MB', 'connections', 'ours / theirs (median of per-round ratios)']];
  for (const m of MODES) {
    const ours = res.summary[`ours@${m.id}`];
    const theirs = res.summary[`theirs@${m.id}`];
    rows.push([m.label, 'Send API Request (`#id`)', fmt(ours?.perSecond), perRound(ours), fmt(ours?.cpuUsPerRequest), fmt(ours?.peakRssMb), fmt(ours?.connections), '—']);
    rows.push([m.label, 'HTTP Request node (`{{ $json.id }}`)', fmt(theirs?.perSecond), perRound(theirs), fmt(theirs?.cpuUsPerRequest), fmt(theirs?.peakRssMb), fmt(theirs?.connections), fmt(theirs?.oursRatio, 2)]);
  }
  return rows;
}

module.exports = { name: 'n8n', title: 'n8n (WorkflowExecute, one workflow of N items)', run, targets, table };
