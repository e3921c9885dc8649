/**
 * SSRF guard (issue 5, part 4), n8n: the node checks the URL's host and every redirect's (allowedHosts,
 * literal private addresses and localhost with `ssrfGuard`), and leaves the check of resolved addresses
 * to n8n's own SSRF protection (N8N_SSRF_PROTECTION_ENABLED; see reliability-ssrf-n8n.test.ts). These
 * tests pin down both halves of that split, n8n's protection being off (its default).
 */
import { useServerBehindNames } from '../support/fake-dns';
import type { MisbehavingServer } from '../support/misbehaving-server';
import { runWorkflow, sendNode, source } from './harness';

const serverOf = useServerBehindNames(['api.rebind.test']);
let server: MisbehavingServer;
beforeEach(() => {
  server = serverOf();
});

async function outcome(url: string, options: Record<string, unknown>): Promise<{ statusCode?: number; error?: { code?: string; field?: string; message?: string } }> {
  const r = await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url, options: { retries: 0, timeout: 3000, ...options } }, { continueOnFail: true })],
    chain: ['Source', 'Send'],
  });
  const [item] = r.output('Send');
  return item.json as { statusCode?: number; error?: { code?: string; field?: string; message?: string } };
}

describe('ssrfGuard in the node: the URL of each hop', () => {
  test.each([
    ['a loopback literal', () => server.url('/echo')],
    ['localhost', () => `http://localhost:${server.port}/echo`],
    ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${server.port}/echo`],
    ['a decimal IPv4 (2130706433 = 127.0.0.1)', () => `http://2130706433:${server.port}/echo`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('%s is refused with BLOCKED_HOST (options.ssrfGuard) before anything is sent', async (_what, url) => {
    const got = await outcome(url(), { ssrfGuard: true });
    expect(got.error).toMatchObject({ code: 'BLOCKED_HOST', field: 'options.ssrfGuard' });
    expect(server.requests).toEqual([]);
  });

  test('a redirect to a loopback literal or localhost is refused; the target never sees a request', async () => {
    for (const target of [server.url('/echo'), `http://localhost:${server.port}/echo`]) {
      server.reset();
      const got = await outcome(`http://api.rebind.test:${server.port}/redirect?to=${encodeURIComponent(target)}`, { ssrfGuard: true });
      expect(got.error).toMatchObject({ code: 'BLOCKED_HOST', field: 'options.ssrfGuard' });
      expect(server.requests.map((r) => r.path)).toEqual(['/redirect']);
    }
  });

  test('the limit, by design: a name that resolves to loopback is not the node\'s to refuse (n8n\'s SSRF protection does it)', async () => {
    const got = await outcome(`http://api.rebind.test:${server.port}/echo`, { ssrfGuard: true });
    expect(got.statusCode).toBe(200);
    expect(server.requestsTo('/echo')).toHaveLength(1);
  });
});

describe('allowedHosts on every hop', () => {
  test('a redirect to a host outside the list is refused (options.allowedHosts); the target never sees a request', async () => {
    const to = encodeURIComponent(`http://localhost:${server.port}/echo`);
    const got = await outcome(`${server.url('/redirect')}?to=${to}`, { allowedHosts: `127.0.0.1:${server.port}` });
    expect(got.error).toMatchObject({ code: 'BLOCKED_HOST', field: 'options.allowedHosts' });
    expect(server.requests.map((r) => r.path)).toEqual(['/redirect']);
    server.reset();
    const allowed = await outcome(`${server.url('/redirect')}?to=${to}`, { allowedHosts: `127.0.0.1:${server.port}, localhost` });
    expect(allowed.statusCode).toBe(200);
    expect(server.requests.map((r) => r.path)).toEqual(['/redirect', '/echo']);
  });
});
