import { SendApiRequestError } from './errors';

/** Runs at most `concurrency` tasks at once; at most `maxQueued` wait, more is a QUEUE_FULL error. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly queued: number;
  /** Rejects every waiting task (on close); running ones finish or are aborted by their signal. */
  clear(reason: Error): void;
}

export function createLimiter(concurrency: number, maxQueued = Infinity): Limiter {
  const limit = Math.max(1, Math.floor(concurrency));
  let active = 0;
  const waiting: Array<{ start: () => void; reject: (e: Error) => void }> = [];
  const next = () => {
    active--;
    const w = waiting.shift();
    if (w) w.start();
  };
  return {
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          active++;
          let p: Promise<T>;
          try {
            // A task that returns a plain value (not a promise) must still free its slot.
            p = Promise.resolve(task());
          } catch (e) {
            p = Promise.reject(e);
          }
          p.then(resolve, reject).finally(next);
        };
        if (active < limit) start();
        else if (waiting.length >= maxQueued) {
          reject(new SendApiRequestError('QUEUE_FULL', `Too many requests waiting: ${waiting.length} are queued behind ${active} in flight.`, {
            field: 'options.concurrency',
            hint: 'Slow the input down (a delay or rate-limit node), or raise the concurrency.',
          }));
        } else waiting.push({ start, reject });
      });
    },
    clear(reason: Error) {
      for (const w of waiting.splice(0)) w.reject(reason);
    },
  };
}

/** Splits work into batches of `size` (0: one batch of everything). */
export function batches<T>(items: readonly T[], size: number): T[][] {
  if (size <= 0 || items.length <= size) return [items.slice()];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
