/**
 * Process health checks for fault tests: unhandled rejections seen while a suite ran, and network
 * handles (sockets, servers) or timers left open after it closed everything it started.
 *
 *   const health = watchProcessHealth();   // in beforeAll, before anything is started
 *   ...
 *   await health.settled();                // in afterAll, after servers and transports are closed
 *   expect(health.unhandledRejections).toEqual([]);
 *   expect(health.leftOpen()).toEqual([]);
 */
export interface ProcessHealth {
  readonly unhandledRejections: unknown[];
  /** Resource kinds (TCPSocketWrap, TCPServerWrap, Timeout, …) open now beyond the baseline. */
  leftOpen(): string[];
  /** Waits (at most `maxMs`) until nothing is left open beyond the baseline, then stops listening. */
  settled(maxMs?: number): Promise<void>;
}

const WATCHED = /^(TCPSocketWrap|TCPServerWrap|TLSWrap|Timeout|PipeWrap|HTTPINCOMINGMESSAGE|HTTPCLIENTREQUEST)$/i;

function countKinds(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (WATCHED.test(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

export function watchProcessHealth(): ProcessHealth {
  const baseline = countKinds();
  const unhandledRejections: unknown[] = [];
  const onRejection = (reason: unknown) => unhandledRejections.push(reason);
  process.on('unhandledRejection', onRejection);
  const leftOpen = (): string[] => {
    const out: string[] = [];
    for (const [kind, n] of countKinds()) {
      const extra = n - (baseline.get(kind) ?? 0);
      if (extra > 0) out.push(`${kind} x${extra}`);
    }
    return out;
  };
  return {
    unhandledRejections,
    leftOpen,
    async settled(maxMs = 3000) {
      const until = Date.now() + maxMs;
      while (leftOpen().length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      // One more turn so late rejections of just-closed work are seen.
      await new Promise((r) => setTimeout(r, 20));
      process.off('unhandledRejection', onRejection);
    },
  };
}
