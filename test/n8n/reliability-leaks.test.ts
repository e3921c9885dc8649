/**
 * Secret leak sweep (issue 5, part 3), n8n: every error path (test/support/leak-sweep.ts) driven in a
 * real workflow with one secret (from the Secret Keys credential) used in the URL, two headers and the
 * body, with and without continueOnFail. The secret (as is, URL-, form- and JSON-encoded) must be in
 * nothing n8n keeps or shows: the node error (message, description, context, stack), the error item,
 * the whole execution data, n8n's log (LoggerProxy) and the console; nor in the workflow JSON.
 */
import type { Logger } from 'n8n-workflow';
import { SWEEP_CASES, SWEEP_FORM, SWEEP_INPUT, SWEEP_SECRET, expectSecretSent, findLeaks, routeEchoFail, startSweepTargets, sweepHeaders, type SweepCase, type SweepTargets } from '../support/leak-sweep';
import { CREDENTIAL_TYPE, runWorkflow, sendNode, source, type CredentialStore, type TestNode } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wf = require('n8n-workflow') as typeof import('n8n-workflow');

let targets: SweepTargets;

/**
 * n8n's own log (LoggerProxy, every level), as the instance would write it. Set before each run:
 * n8n-core's Logger takes LoggerProxy over when it is first built.
 */
function captureN8nLog(): void {
  const capture = (level: string) => (message: string, meta?: object) => void logged.push({ level, message, meta });
  wf.LoggerProxy.init({ error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug') } as unknown as Logger);
}
const logged: unknown[] = [];
const printed: unknown[] = [];

beforeAll(async () => {
  targets = await startSweepTargets();
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
});

afterAll(async () => {
  jest.restoreAllMocks();
  await targets.close();
});

afterEach(() => targets.server.reset());

const credentials: CredentialStore = { 'sweep-cred': { keys: { values: [{ name: 'TOKEN', value: SWEEP_SECRET }] }, testUrl: '' } };

/** The sweep's form as n8n saves the node's parameters. */
function sweepSend(c: SweepCase, continueOnFail: boolean): TestNode {
  return sendNode(
    {
      url: c.url(targets),
      method: SWEEP_FORM.method,
      headers: { values: sweepHeaders(c) },
      bodyMode: 'raw',
      rawBody: SWEEP_FORM.rawBody,
      options: { ...SWEEP_FORM.options, ...(c.options ?? {}) },
    },
    { credentials: { [CREDENTIAL_TYPE]: { id: 'sweep-cred', name: 'Sweep keys' } }, continueOnFail },
  );
}

describe('secret leak sweep: every error path', () => {
  test.each(SWEEP_CASES.map((c) => [c.name, c] as const))('%s: the secret is in no error, error item, execution data, log or workflow JSON', async (_name, c) => {
    logged.length = 0;
    printed.length = 0;
    routeEchoFail(targets.server);
    const places: Record<string, unknown> = {};
    for (const continueOnFail of [false, true]) {
      const nodes = [source([{ json: { ...SWEEP_INPUT } }]), sweepSend(c, continueOnFail)];
      captureN8nLog();
      const r = await runWorkflow({ nodes, chain: ['Source', 'Send'], credentials });
      const mode = continueOnFail ? 'continueOnFail' : 'node error';
      if (continueOnFail) {
        const [item, ...more] = r.output('Send');
        expect(more).toEqual([]);
        expect(item.pairedItem).toEqual({ item: 0 });
        expect((item.json.error as { code?: string }).code).toBe(c.code);
        places[`${mode}: error item`] = item;
      } else {
        const error = r.error('Send') as unknown as { message: string; description?: string; context?: { code?: string } };
        expect(error.context?.code).toBe(c.code);
        places[`${mode}: error`] = error;
      }
      places[`${mode}: execution data`] = r.serialized;
      places[`${mode}: workflow JSON`] = nodes;
    }
    expectSecretSent(c, targets, 2); // once without continueOnFail, once with
    // The capture works: n8n logged the node's run (its failure included) through LoggerProxy.
    expect(logged.length).toBeGreaterThan(0);
    places['n8n log'] = logged;
    places.console = printed;
    expect(findLeaks(places, [SWEEP_SECRET])).toEqual([]);
  });
});
