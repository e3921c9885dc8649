/** A closed-loop load generator: keeps `concurrency` requests in flight until `n` have completed. */
'use strict';

/**
 * `sendOne(i)` resolves when request i has been answered and checked (it rejects on a wrong answer).
 * Returns wall time, CPU time and counts for the measured requests.
 */
async function closedLoop(n, concurrency, sendOne, offset = 0) {
  let next = 0;
  let failed = 0;
  let firstError;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const lane = async () => {
    while (next < n) {
      const i = offset + next++;
      try {
        await sendOne(i);
      } catch (err) {
        failed++;
        firstError ??= String(err && err.message ? err.message : err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { n, failed, firstError, wallMs, perSecond: (n / wallMs) * 1000, cpuUsPerRequest: (cpuMs * 1000) / n };
}

/** Peak resident set size of this process so far, in MB. */
function peakRssMb() {
  return process.resourceUsage().maxRSS / 1024;
}

module.exports = { closedLoop, peakRssMb };
