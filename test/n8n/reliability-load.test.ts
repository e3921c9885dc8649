/**
 * Load, nothing lost (issue 5, part 2): 5,000 items through a real workflow (WorkflowExecute,
 * continueOnFail) in a child process (test/support/load-n8n.ts) against a local server where every
 * 7th request answers 500, every 31st goes to a refused port and every 499th never answers (2 s
 * timeout), retries 0.
 */
import * as path from 'node:path';
import type { LoadReport } from '../support/load-common';
import { expectNothingLost } from '../support/load-expect';
import { runScenario } from '../support/run-child';

test('5,000 items: each input item gives exactly one output item paired to its index, or one error item; heap within 20 MB after GC', async () => {
  const { result, stderr } = await runScenario<LoadReport & { unpaired: string[]; nodeError?: string }>(path.join(__dirname, '..', 'support', 'load-n8n.ts'), {}, 280000);
  expect(result.unpaired).toEqual([]);
  expect(result.nodeError).toBeUndefined();
  expectNothingLost(result, 5000);
  // No process warning either (a "possible EventTarget memory leak" at concurrency 20, say).
  expect(stderr).not.toMatch(/Warning/);
}, 300000);
