/**
 * Hostile templates and values (issue 5 part 6): random templates and values through parseTemplate,
 * renderRequest and renderJson for a bounded time. Outcome: no exception other than
 * SendApiRequestError, no secret in a message, rendered URLs are http(s) and rendered JSON parses,
 * no hang (a worker that stops making progress for 5 s is terminated and fails the test), and the
 * process is healthy afterwards (no unhandled rejection, no open handle).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { watchProcessHealth } from '../support/health';

const DURATION_MS = 4000;
const STALL_MS = 5000;

interface FuzzResult {
  runs: number;
  rejected: Record<string, number>;
  failures: Array<{ input: string; error: string }>;
}

function fuzz(seed: number): Promise<FuzzResult> {
  const progress = new SharedArrayBuffer(4);
  const counter = new Int32Array(progress);
  const worker = new Worker(path.join(__dirname, '..', 'support', 'template-fuzz-worker.js'), {
    workerData: { coreDir: path.join(__dirname, '..', '..', 'shared'), durationMs: DURATION_MS, seed, progress },
  });
  return new Promise<FuzzResult>((resolve, reject) => {
    let last = -1;
    let lastChange = Date.now();
    const watch = setInterval(() => {
      const now = Atomics.load(counter, 0);
      if (now !== last) {
        last = now;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > STALL_MS && now > 0) {
        clearInterval(watch);
        void worker.terminate();
        reject(new Error(`fuzz worker made no progress for ${STALL_MS} ms after ${now} inputs (seed ${seed}): a hang`));
      }
    }, 250);
    worker.once('message', (m: FuzzResult) => {
      clearInterval(watch);
      resolve(m);
    });
    worker.once('error', (e) => {
      clearInterval(watch);
      reject(e);
    });
    worker.once('exit', (code) => {
      clearInterval(watch);
      if (code !== 0) reject(new Error(`fuzz worker exited with ${code}`));
    });
  });
}

test(`random templates and values for ${DURATION_MS} ms: only SendApiRequestError, no hang, process healthy`, async () => {
  const health = watchProcessHealth();
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  const result = await fuzz(seed);
  await health.settled();
  expect(result.failures).toEqual([]);
  // Enough inputs to mean something on a loaded 2-core machine, and both outcomes seen.
  expect(result.runs).toBeGreaterThan(300);
  expect(Object.keys(result.rejected)).toEqual(expect.arrayContaining(['INVALID_CONFIG', 'UNKNOWN_VARIABLE', 'INVALID_JSON']));
  expect(health.unhandledRejections).toEqual([]);
  expect(health.leftOpen()).toEqual([]);
  // For the README's reliability figures.
  console.log(`fuzz seed ${seed}: ${result.runs} inputs; outcomes by error code (none: rendered whole) ${JSON.stringify(result.rejected)}`);
}, DURATION_MS + STALL_MS + 20000);
