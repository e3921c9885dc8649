/** Retry-After parsing (RFC 9110 §10.2.3) and the backoff it replaces when unreadable. */
import { backoffDelay, parseRetryAfter } from '../../shared';

const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

test.each<[string | string[] | undefined, number | undefined]>([
  ['120', 120000],
  [' 0 ', 0],
  ['1.5', 1500],
  [['3', '9'], 3000],
  ['Wed, 21 Oct 2015 07:28:10 GMT', 10000],
  ['Wednesday, 21-Oct-15 07:28:05 GMT', 5000],
  ['Wed Oct 21 07:28:02 2015', 2000],
  ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
  ['-1', undefined],
  ['2026', 2026000],
  ['1e3', undefined],
  ['soon', undefined],
  ['', undefined],
  [undefined, undefined],
])('Retry-After %j is %j ms', (value, ms) => {
  expect(parseRetryAfter(value, NOW)).toBe(ms);
});

test('backoff: equal jitter between half and all of 500 ms × 2^(attempt-1), capped', () => {
  expect(backoffDelay(1, 30000, () => 0)).toBe(250);
  expect(backoffDelay(1, 30000, () => 1)).toBe(500);
  expect(backoffDelay(3, 30000, () => 0)).toBe(1000);
  expect(backoffDelay(3, 30000, () => 1)).toBe(2000);
  expect(backoffDelay(20, 30000, () => 1)).toBe(30000);
  expect(backoffDelay(20, 30000, () => 0)).toBe(15000);
});
