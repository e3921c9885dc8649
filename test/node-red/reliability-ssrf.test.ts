/**
 * SSRF guard (issue 5, part 4), Node-RED: `ssrfGuard` refuses private, loopback and link-local
 * addresses on the address actually connected (the transport's lookup hook, on every connection), so
 * a public-looking name that resolves to loopback, or a redirect to one, is refused before any byte
 * reaches it; `allowedHosts` refuses a redirect to a host outside the list. Only loopback is reachable
 * here, so "public" hosts are names served through an http proxy (whose address is the proxy's
 * business, as for Node-RED's own http request node), and `*.rebind.test` names resolve to 127.0.0.1.
 */
import { startConnectionCounter } from '../support/connection-counter';
import { useServerBehindNames } from '../support/fake-dns';
import { firstMessage } from '../support/first-message';
import type { MisbehavingServer } from '../support/misbehaving-server';
import { flowWith, helper, requestNode, sendApiRequestNode } from './support';

const serverOf = useServerBehindNames(['api.rebind.test', 'internal.rebind.test']);
let server: MisbehavingServer;
const savedEnv = { http_proxy: process.env.http_proxy, no_proxy: process.env.no_proxy };

beforeEach(() => {
  server = serverOf();
});

afterEach(async () => {
  await helper.unload();
  process.env.http_proxy = savedEnv.http_proxy;
  process.env.no_proxy = savedEnv.no_proxy;
  if (savedEnv.http_proxy === undefined) delete process.env.http_proxy;
  if (savedEnv.no_proxy === undefined) delete process.env.no_proxy;
});

/** "The internet": http://*.example names go through an http proxy, which is our local server (it routes by path). */
function publicHostsThroughProxy(): void {
  process.env.http_proxy = server.origin;
  process.env.no_proxy = '.rebind.test,127.0.0.1,localhost';
}

async function outcome(props: Record<string, unknown>): Promise<Record<string, unknown> & { error?: { code?: string; message?: string } }> {
  await helper.unload(); // a test may deploy twice (guarded, then open)
  await helper.load(sendApiRequestNode, flowWith(requestNode({ retries: '0', timeout: '3000', ...props })));
  const settled = firstMessage([helper.getNode('out'), helper.getNode('caught')], 8000);
  helper.getNode('req').receive({ payload: 'x' });
  return settled;
}

describe('ssrfGuard: the address actually connected', () => {
  test.each([
    ['a loopback literal', () => server.url('/echo')],
    ['localhost', () => `http://localhost:${server.port}/echo`],
    ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${server.port}/echo`],
    ['a decimal IPv4 (2130706433 = 127.0.0.1)', () => `http://2130706433:${server.port}/echo`],
    ['a public-looking name that resolves to 127.0.0.1', () => `http://api.rebind.test:${server.port}/echo`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('%s is refused with BLOCKED_HOST before any byte is sent', async (_what, url) => {
    const got = await outcome({ url: url(), ssrfGuard: true });
    expect(got.error).toMatchObject({ code: 'BLOCKED_HOST' });
    expect(got.error?.message).toContain('SSRF guard');
    expect(server.requests).toEqual([]);
  });

  test('the name is refused for its address: the guarded lookup names it; without the guard (the default) it connects', async () => {
    const guarded = await outcome({ url: `http://api.rebind.test:${server.port}/echo`, ssrfGuard: true });
    expect(guarded.error?.message).toContain('api.rebind.test (127.0.0.1)');
    const open = await outcome({ url: `http://api.rebind.test:${server.port}/echo` });
    expect(open.statusCode).toBe(200);
    expect(server.requestsTo('/echo')).toHaveLength(1);
  });
});

describe('no connection at all', () => {
  test('with the guard, loopback by literal, by localhost and by a name opens no TCP connection; without it, one', async () => {
    const counter = await startConnectionCounter();
    try {
      for (const host of ['127.0.0.1', 'localhost', 'api.rebind.test']) {
        const got = await outcome({ url: `http://${host}:${counter.port}/x`, ssrfGuard: true });
        expect(got.error).toMatchObject({ code: 'BLOCKED_HOST' });
      }
      expect(counter.connections).toBe(0);
      const open = await outcome({ url: `http://api.rebind.test:${counter.port}/x` });
      expect(open.statusCode).toBe(200);
      expect(counter.connections).toBe(1);
    } finally {
      await counter.close();
    }
  });
});

describe('redirects: each hop is checked', () => {
  test('an allowed public host redirecting to a name that resolves to loopback: refused on the second hop, which never arrives', async () => {
    publicHostsThroughProxy();
    const to = encodeURIComponent(`http://internal.rebind.test:${server.port}/echo`);
    const guarded = await outcome({ url: `http://api.example/redirect?to=${to}`, ssrfGuard: true });
    expect(guarded.error).toMatchObject({ code: 'BLOCKED_HOST' });
    expect(guarded.error?.message).toContain('internal.rebind.test (127.0.0.1)');
    expect(server.requests.map((r) => r.path)).toEqual(['/redirect']);

    server.reset();
    const open = await outcome({ url: `http://api.example/redirect?to=${to}` });
    expect(open.statusCode).toBe(200);
    expect(server.requests.map((r) => r.path)).toEqual(['/redirect', '/echo']);
  });

  test('a redirect to a loopback literal is refused by the URL check of that hop', async () => {
    publicHostsThroughProxy();
    const to = encodeURIComponent(`http://127.0.0.1:${server.port}/echo`);
    const got = await outcome({ url: `http://api.example/redirect?to=${to}`, ssrfGuard: true });
    expect(got.error).toMatchObject({ code: 'BLOCKED_HOST' });
    expect(server.requests.map((r) => r.path)).toEqual(['/redirect']);
  });

  test('allowedHosts: a redirect to a host outside the list is refused (field options.allowedHosts); nothing reaches it', async () => {
    publicHostsThroughProxy();
    const to = encodeURIComponent('http://other.example/echo');
    const got = await outcome({ url: `http://api.example/redirect?to=${to}`, allowedHosts: 'api.example' });
    expect(got.error).toMatchObject({ code: 'BLOCKED_HOST' });
    expect(got.error?.message).toContain('other.example');
    expect(server.requests.map((r) => r.path)).toEqual(['/redirect']);
    server.reset();
    const allowed = await outcome({ url: `http://api.example/redirect?to=${to}`, allowedHosts: 'api.example, *.example' });
    expect(allowed.statusCode).toBe(200);
    expect(server.requests.map((r) => r.path)).toEqual(['/redirect', '/echo']);
  });
});
