/**
 * Host names that resolve to 127.0.0.1 for one test: a stand-in for a public-looking name whose DNS
 * answer is a private address (DNS rebinding, an internal name). Patches node:dns's lookup (callback
 * and promise forms), which Node's sockets, the Node-RED transport's guarded lookup and n8n's resolver
 * all call; every other name resolves as before. Returns the function that restores the originals.
 */
import { startMisbehavingServer, type MisbehavingServer } from './misbehaving-server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dns = require('node:dns') as typeof import('node:dns');

type Callback = (err: NodeJS.ErrnoException | null, address?: string | import('node:dns').LookupAddress[], family?: number) => void;

export function resolveToLoopback(names: readonly string[]): () => void {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const original = dns.lookup;
  const originalPromise = dns.promises.lookup;
  const answer = (options: unknown) => {
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    return all ? [{ address: '127.0.0.1', family: 4 }] : { address: '127.0.0.1', family: 4 };
  };
  const fake = ((hostname: string, options: unknown, callback?: Callback) => {
    const cb = (typeof options === 'function' ? options : callback) as Callback;
    const opts = typeof options === 'function' ? {} : options;
    if (!wanted.has(hostname.toLowerCase())) return (original as (...a: unknown[]) => void)(hostname, opts, cb);
    const a = answer(opts);
    process.nextTick(() => (Array.isArray(a) ? cb(null, a) : cb(null, a.address, a.family)));
  }) as unknown as typeof dns.lookup;
  const fakePromise = (async (hostname: string, options?: unknown) => {
    if (!wanted.has(hostname.toLowerCase())) return (originalPromise as (...a: unknown[]) => Promise<unknown>)(hostname, options);
    return answer(options);
  }) as unknown as typeof dns.promises.lookup;
  dns.lookup = fake;
  dns.promises.lookup = fakePromise;
  return () => {
    dns.lookup = original;
    dns.promises.lookup = originalPromise;
  };
}

/**
 * For a test file: a misbehaving server on 127.0.0.1 and `names` resolving to it, started before the
 * tests, reset after each, closed (and DNS restored) at the end. Returns the server's getter.
 */
export function useServerBehindNames(names: readonly string[]): () => MisbehavingServer {
  let server: MisbehavingServer | undefined;
  let restore: (() => void) | undefined;
  beforeAll(async () => {
    server = await startMisbehavingServer();
    restore = resolveToLoopback(names);
  });
  afterEach(() => server?.reset());
  afterAll(async () => {
    restore?.();
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('the server has not started');
    return server;
  };
}
