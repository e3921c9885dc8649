/** Part 3, the `#` engine: compiled once, rendered per item, against hand-written concatenation. */
'use strict';
const path = require('node:path');
const { runChild } = require('../lib/child');
const { median, fmt, pairedRatio } = require('../lib/stats');

const LABELS = { url: 'URL template (3 variables)', headers: 'header set (6 headers, 5 variables, 1 secret)', body: 'raw JSON body (~1 KB, 12 variables)' };

async function run({ rounds, log }) {
  const raw = await runChild(path.join(__dirname, '..', 'engine', 'worker.js'), { rounds: Math.max(rounds, 3), ms: 500 });
  const summary = {};
  for (const [name, s] of Object.entries(raw)) {
    summary[name] = { ours: median(s.ours), floor: median(s.floor), ratio: pairedRatio(s.ours, s.floor), bodyBytes: s.bodyBytes };
    log(`engine ${name}: ${fmt(summary[name].ours)} renders/s, floor ${fmt(summary[name].floor)}`);
  }
  return { summary };
}

function targets(res) {
  return Object.entries(res.summary).map(([name, s]) => ({ what: `# engine, ${LABELS[name]}: renderRequest / hand-written concatenation`, ratio: s.ratio, target: 0.5 }));
}

function table(res) {
  const rows = [['case', 'renderRequest / s', 'concatenation / s', 'ours / floor']];
  for (const [name, s] of Object.entries(res.summary)) rows.push([LABELS[name] + (s.bodyBytes ? ` (${s.bodyBytes} B)` : ''), fmt(s.ours), fmt(s.floor), fmt(s.ratio, 3)]);
  return rows;
}

module.exports = { name: 'engine', title: 'The `#` engine (compile once, render per item)', run, targets, table };
