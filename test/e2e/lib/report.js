// A minimal test runner for the end-to-end parts: named checks, timed parts, one closing count.
// Plain Node (no jest): each part drives a real host process, so a check is an awaited assertion.

class Report {
  constructor() {
    this.passed = 0;
    this.failed = 0;
    this.skipped = [];
    this.durations = [];
  }

  /** Runs one named check; a thrown error is a failure with its message printed. */
  async check(name, fn) {
    const started = Date.now();
    try {
      await fn();
      this.passed += 1;
      console.log(`  ✓ ${name} (${seconds(Date.now() - started)})`);
      return true;
    } catch (err) {
      this.failed += 1;
      console.log(`  ✗ ${name} (${seconds(Date.now() - started)})\n${indent(describe(err))}`);
      return false;
    }
  }

  /** Records a failure without running anything (a part that could not start). */
  fail(name, err) {
    this.failed += 1;
    console.log(`  ✗ ${name}\n${indent(describe(err))}`);
  }

  skip(name, why) {
    this.skipped.push(name);
    console.log(`  - ${name}: skipped (${why})`);
  }

  /** Times a whole part (install, start, checks) and keeps going when it throws. */
  async part(name, fn) {
    console.log(`\n=== ${name}`);
    const started = Date.now();
    try {
      await fn();
    } catch (err) {
      this.fail(`${name}: could not run`, err);
    }
    const took = Date.now() - started;
    this.durations.push({ name, took });
    console.log(`=== ${name}: ${seconds(took)}`);
  }

  summary() {
    console.log('\nDurations:');
    for (const d of this.durations) console.log(`  ${d.name}: ${seconds(d.took)}`);
    if (this.skipped.length) console.log(`Skipped: ${this.skipped.join(', ')}`);
    console.log(`\n${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0;
  }
}

function seconds(ms) {
  return ms >= 60000 ? `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function describe(err) {
  if (err && err.stack) return err.stack.split('\n').slice(0, 8).join('\n');
  return String(err);
}

function indent(text) {
  return text.split('\n').map((l) => `      ${l}`).join('\n');
}

module.exports = { Report, seconds };
