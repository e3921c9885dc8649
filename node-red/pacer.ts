/**
 * batchSize / batchInterval for a stream of messages: at most `size` requests start in any
 * `interval` ms window, later ones wait their turn (0 in either: no pacing).
 */
import type { Sleep } from '../shared';

export type Pacer = (signal?: AbortSignal) => Promise<void>;

export function createPacer(size: number, interval: number, sleep: Sleep, now: () => number = Date.now): Pacer {
  if (size <= 0 || interval <= 0) return async () => undefined;
  let started = 0;
  let batchStart = 0;
  let chain: Promise<void> = Promise.resolve();
  return (signal) => {
    const turn = chain.then(async () => {
      if (started >= size) {
        const wait = batchStart + interval - now();
        if (wait > 0) await sleep(wait, signal);
        started = 0;
      }
      if (started === 0) batchStart = now();
      started++;
    });
    // One waiter's abort must not block the ones behind it.
    chain = turn.catch(() => undefined);
    return turn;
  };
}
