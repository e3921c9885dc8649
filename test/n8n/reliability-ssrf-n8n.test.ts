/**
 * SSRF guard (issue 5, part 4), n8n with its own SSRF protection on (N8N_SSRF_PROTECTION_ENABLED=true,
 * read when n8n-core first builds its configuration: hence a file of its own). n8n checks the address
 * it actually connects to, so a public-looking name that resolves to loopback is refused, with or
 * without the node's ssrfGuard, and the node reports it as BLOCKED_HOST without sending anything.
 */
process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';

import { startConnectionCounter } from '../support/connection-counter';
import { useServerBehindNames } from '../support/fake-dns';
import type { MisbehavingServer } from '../support/misbehaving-server';
import { runWorkflow, sendNode, source } from './harness';

const serverOf = useServerBehindNames(['api.rebind.test']);
let server: MisbehavingServer;
beforeEach(() => {
  server = serverOf();
});

test.each([
  ['a name that resolves to 127.0.0.1', () => `http://api.rebind.test:${server.port}/echo`],
  ['a loopback literal', () => server.url('/echo')],
  ['a redirect from such a name to a loopback literal', () => `http://api.rebind.test:${server.port}/redirect?to=${encodeURIComponent(server.url('/echo'))}`],
])('%s: n8n refuses the address; the node reports BLOCKED_HOST and nothing is sent', async (_what, url) => {
  const r = await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: url(), options: { retries: 0, timeout: 3000 } }, { continueOnFail: true })],
    chain: ['Source', 'Send'],
  });
  const [item] = r.output('Send');
  expect(item.json.error).toMatchObject({ code: 'BLOCKED_HOST' });
  expect(String((item.json.error as { message?: string }).message)).toContain('SSRF protection');
  expect(server.requests).toEqual([]);
});

test('n8n\'s refusal opens no TCP connection to the name\'s address', async () => {
  const counter = await startConnectionCounter();
  try {
    const r = await runWorkflow({
      nodes: [source([{ json: {} }]), sendNode({ url: `http://api.rebind.test:${counter.port}/x`, options: { retries: 0, timeout: 3000 } }, { continueOnFail: true })],
      chain: ['Source', 'Send'],
    });
    expect(r.output('Send')[0].json.error).toMatchObject({ code: 'BLOCKED_HOST' });
    expect(counter.connections).toBe(0);
  } finally {
    await counter.close();
  }
});
