/** Tables for the console and for docs/BENCHMARKS.md. */
'use strict';
const { fmt } = require('./stats');

function markdownTable(rows) {
  const [head, ...body] = rows;
  const line = (r) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

function consoleTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ')).join('\n');
}

/** A target row: ratios (higher is better) or memory (lower is better); says met / missed. */
function verdict(t) {
  if (t.limitMb !== undefined) {
    if (!Number.isFinite(t.valueMb)) return [t.what, 'n/a', `≤ ${fmt(t.limitMb)} MB`, 'not measured'];
    return [t.what, `${fmt(t.valueMb)} MB`, `${t.limitMb === 64 ? '<' : '≤'} ${fmt(t.limitMb)} MB`, t.valueMb <= t.limitMb ? 'met' : '**missed**'];
  }
  if (t.target === undefined) return [t.what, fmt(t.ratio, 2), 'reported', '—'];
  if (!Number.isFinite(t.ratio)) return [t.what, 'n/a', `≥ ${t.target}`, 'not measured'];
  return [t.what, fmt(t.ratio, 2), `≥ ${t.target}`, t.ratio >= t.target ? 'met' : '**missed**'];
}

module.exports = { markdownTable, consoleTable, verdict };
