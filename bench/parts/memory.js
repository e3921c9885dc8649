/** Part 4, memory: one large binary response through each host adapter, peak RSS over the baseline. */
'use strict';
const path = require('node:path');
const { runChild } = require('../lib/child');
const { median, fmt } = require('../lib/stats');
const { findNodesBase } = require('../n8n/nodes-base');

const MB = 1048576;
const CASES = [
  { host: 'node-red', contender: 'ours', label: 'Node-RED: Send API Request (Buffer in msg.payload)', target: (size) => ({ limitMb: 1.2 * size, text: '≤ 1.2 × size' }) },
  { host: 'node-red', contender: 'theirs', label: 'Node-RED: core http request (binary buffer)' },
  { host: 'n8n', contender: 'ours', label: 'n8n, filesystem binary mode: Send API Request', target: () => ({ limitMb: 64, text: '< 64 MB' }) },
  { host: 'n8n', contender: 'theirs', label: 'n8n, filesystem binary mode: HTTP Request node (response: file)' },
];

async function run({ server, memoryMb, log }) {
  const bytes = memoryMb * MB;
  const haveBase = Boolean(findNodesBase());
  const summary = {};
  // Two samples each, alternating; the median of two is their mean.
  for (let r = 0; r < 2; r++) {
    for (const c of CASES) {
      if (c.host === 'n8n' && c.contender === 'theirs' && !haveBase) continue;
      const key = `${c.host}/${c.contender}`;
      try {
        const result = await runChild(path.join(__dirname, '..', 'memory', 'worker.js'), { host: c.host, contender: c.contender, url: server.url, bytes }, { execArgv: ['--expose-gc'] });
        (summary[key] ??= { samples: [] }).samples.push(result);
        log(`memory ${key}: +${fmt(result.overMb)} MB over baseline for ${memoryMb} MB`);
      } catch (err) {
        (summary[key] ??= { samples: [] }).error = err.message;
        log(`memory ${key}: ${err.message}`);
      }
    }
  }
  for (const s of Object.values(summary)) {
    s.overMb = median(s.samples.map((x) => x.overMb));
    s.baselineMb = median(s.samples.map((x) => x.baselineMb));
    s.peakMb = median(s.samples.map((x) => x.peakMb));
  }
  return { sizeMb: memoryMb, summary };
}

function targets(res) {
  return CASES.filter((c) => c.target).map((c) => {
    const s = res.summary[`${c.host}/${c.contender}`];
    const t = c.target(res.sizeMb);
    return { what: `${c.label}: RSS over baseline for ${res.sizeMb} MB (${t.text})`, valueMb: s?.overMb, limitMb: t.limitMb };
  });
}

function table(res) {
  const rows = [['adapter', 'baseline RSS MB', 'peak RSS MB', 'over baseline MB', '× size', 'target']];
  for (const c of CASES) {
    const s = res.summary[`${c.host}/${c.contender}`];
    if (!s) continue;
    const t = c.target ? c.target(res.sizeMb) : undefined;
    const verdict = !t ? '—' : !Number.isFinite(s.overMb) ? 'not measured' : s.overMb <= t.limitMb ? `${t.text}: met` : `${t.text}: **missed**`;
    rows.push([c.label, fmt(s.baselineMb), fmt(s.peakMb), s.error && !s.samples.length ? `failed: ${s.error}` : fmt(s.overMb), fmt(s.overMb / res.sizeMb, 2), verdict]);
  }
  return rows;
}

module.exports = { name: 'memory', title: 'Memory (one large binary response)', run, targets, table };
