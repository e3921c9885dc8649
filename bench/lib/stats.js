/** Medians and number formatting for the tables. */
'use strict';

function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function fmt(x, digits = 0) {
  if (!Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratio(ours, theirs) {
  return Number.isFinite(ours) && Number.isFinite(theirs) && theirs > 0 ? ours / theirs : NaN;
}

/**
 * The median of per-round ratios a[i] / b[i]: samples of one round ran back to back, so the ratio of a
 * pair cancels the machine's drift between rounds better than a ratio of two medians.
 */
function pairedRatio(a = [], b = []) {
  const ratios = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) ratios.push(ratio(a[i], b[i]));
  return median(ratios);
}

module.exports = { median, fmt, ratio, pairedRatio };
