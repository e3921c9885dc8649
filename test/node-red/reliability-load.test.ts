/**
 * Load, nothing lost (issue 5, part 2): 20,000 messages through the real Node-RED runtime in a child
 * process (test/support/load-node-red.ts) against a local server where every 7th request answers 500,
 * every 31st goes to a refused port and every 499th never answers (2 s timeout), retries 0. The counts of each error code
 * are exact; a Catch error or output for a message must also name that message's own request.
 */
import * as path from 'node:path';
import type { LoadReport } from '../support/load-common';
import { expectNothingLost } from '../support/load-expect';
import { runScenario } from '../support/run-child';

test('20,000 messages: each gives exactly one output or one Catch error with the expected code; heap within 20 MB after GC', async () => {
  const { result, stderr } = await runScenario<LoadReport>(path.join(__dirname, '..', 'support', 'load-node-red.ts'), { NODE_RED_PACKAGE: process.env.NODE_RED_PACKAGE ?? 'node-red' }, 280000);
  expectNothingLost(result, 20000);
  // No process warning either (a "possible EventTarget memory leak" at concurrency 20, say).
  expect(stderr).not.toMatch(/Warning/);
}, 300000);
