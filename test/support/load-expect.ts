/** The assertions both hosts' load tests make on a scenario's report (see load-common.ts). */
import { EXPECTED_CODE, expectedOutcome, type LoadReport } from './load-common';

/** Heap growth allowed between the baseline and the end of the run, after a forced GC. */
export const HEAP_MARGIN_MB = 20;

/** Every input answered once, each with the outcome its number asked for, and the heap back near its baseline. */
export function expectNothingLost(report: LoadReport, inputs: number): void {
  const from = report.first;
  const want: Record<string, number> = {};
  for (let n = from; n < from + inputs; n++) {
    const o = expectedOutcome(n);
    if (o !== 'ok') want[EXPECTED_CODE[o]] = (want[EXPECTED_CODE[o]] ?? 0) + 1;
  }
  expect(report).toMatchObject({ inputs, missing: 0, duplicated: 0, wrong: [] });
  expect(report.outputs + report.errors).toBe(inputs);
  expect(report.errorsByCode).toEqual(want);
  expect(report.heapAfterMb - report.heapBaselineMb).toBeLessThan(HEAP_MARGIN_MB);
}
