/**
 * Shared parts of the load scenarios: which inputs fail and how, a server that counts (and keeps
 * nothing, so it does not blur the heap measure), the tally of outcomes per input, and a heap figure
 * after a forced GC.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What input number `n` meets: every 7th a 500, every 31st a refused port, every 499th no answer (timeout). */
export type Outcome = 'ok' | 'fail' | 'refused' | 'hang';

export function expectedOutcome(n: number): Outcome {
  if (n % 499 === 0) return 'hang';
  if (n % 31 === 0) return 'refused';
  if (n % 7 === 0) return 'fail';
  return 'ok';
}

/** The error code each failing outcome must give. */
export const EXPECTED_CODE: Record<Exclude<Outcome, 'ok'>, string> = { fail: 'HTTP_STATUS', refused: 'NETWORK', hang: 'TIMEOUT' };

export interface LoadReport {
  /** The number of the first input measured (the warm-up's come before). */
  first: number;
  inputs: number;
  outputs: number;
  errors: number;
  errorsByCode: Record<string, number>;
  /** Inputs with no output and no error. */
  missing: number;
  /** Inputs with more than one output or error. */
  duplicated: number;
  /** Inputs whose outcome is not the one their number asked for (first few). */
  wrong: string[];
  ms: number;
  heapBaselineMb: number;
  heapAfterMb: number;
  requestsReceived: number;
}

export function tally(from: number, count: number) {
  const seenBy = new Uint8Array(count);
  const errorsByCode: Record<string, number> = {};
  const wrong: string[] = [];
  let outputs = 0;
  let errors = 0;
  let seen = 0;
  const mark = (n: number, got: string) => {
    const i = n - from;
    if (i < 0 || i >= count) {
      wrong.push(`${n}: out of range`);
      return;
    }
    if (seenBy[i]++ === 0) seen++;
    const want = expectedOutcome(n);
    const expected = want === 'ok' ? 'output 200' : `error ${EXPECTED_CODE[want]}`;
    if (got !== expected && wrong.length < 20) wrong.push(`${n}: want ${expected}, got ${got}`);
  };
  return {
    get seen() {
      return seen;
    },
    /** `echoedPath`: the path the server saw for this response, proving the output belongs to input `n`. */
    output(n: number, statusCode: number, echoedPath: unknown) {
      outputs++;
      const ours = echoedPath === `/ok/${n}`;
      mark(n, ours ? `output ${statusCode}` : `output for ${String(echoedPath)}`);
    },
    error(n: number, code: string) {
      errors++;
      errorsByCode[code] = (errorsByCode[code] ?? 0) + 1;
      mark(n, `error ${code}`);
    },
    report() {
      let missing = 0;
      let duplicated = 0;
      for (const c of seenBy) {
        if (c === 0) missing++;
        else if (c > 1) duplicated++;
      }
      return { first: from, inputs: count, outputs, errors, errorsByCode, missing, duplicated, wrong };
    },
  };
}

export interface LoadServer {
  url(path: string): string;
  received(): number;
  close(): Promise<void>;
}

/** /ok/N → 200 JSON, /fail/N → 500, /hang/N → no answer until the client leaves. Counts, keeps nothing. */
export async function loadServer(): Promise<LoadServer> {
  let received = 0;
  const server = http.createServer((req, res) => {
    received++;
    req.resume();
    req.on('end', () => {
      const kind = (req.url ?? '').split('/')[1];
      if (kind === 'hang') return;
      const status = kind === 'fail' ? 500 : 200;
      const body = JSON.stringify({ url: req.url, status });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The origin of a port that was just closed: connecting to it is refused. */
export async function closedPortUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** heapUsed in MB after full GCs (the process must run with --expose-gc), timers and sockets settled. */
export async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 50));
    gc();
  }
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;
}
