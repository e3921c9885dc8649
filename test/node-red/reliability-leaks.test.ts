/**
 * Secret leak sweep (issue 5, part 3), Node-RED: every error path (test/support/leak-sweep.ts) driven
 * with one secret used in the URL, two headers and the body. The secret (as is, URL-, form- and
 * JSON-encoded) must be in no Catch message (error message, stack, properties, the message itself, the
 * response headers on it), no status text and no log call; and no output is sent.
 */
import { SWEEP_CASES, SWEEP_FORM, SWEEP_INPUT, SWEEP_SECRET, expectSecretSent, findLeaks, routeEchoFail, startSweepTargets, sweepHeaders, type SweepCase, type SweepTargets } from '../support/leak-sweep';
import { firstMessage } from '../support/first-message';
import { flowWith, helper, requestNode, sendApiRequestNode } from './support';

let targets: SweepTargets;

beforeAll(async () => {
  targets = await startSweepTargets();
});

afterAll(() => targets.close());

afterEach(async () => {
  await helper.unload();
  targets.server.reset();
});

const CREDENTIALS = { keys: { secrets: JSON.stringify({ TOKEN: SWEEP_SECRET }) } };

/** The sweep's form as the editor saves a request node: flat options. */
function sweepNode(c: SweepCase): Record<string, unknown> {
  return requestNode({
    url: c.url(targets),
    method: SWEEP_FORM.method,
    secrets: 'keys',
    headers: sweepHeaders(c),
    bodyMode: 'raw',
    rawBody: SWEEP_FORM.rawBody,
    ...SWEEP_FORM.options,
    ...(c.options ?? {}),
  });
}

describe('secret leak sweep: every error path', () => {
  test.each(SWEEP_CASES.map((c) => [c.name, c] as const))('%s: the secret is in no Catch message, status or log', async (_name, c) => {
    routeEchoFail(targets.server);
    await helper.load(sendApiRequestNode, flowWith({ id: 'keys', type: 'send-api-request-secrets', name: 'sweep keys' }, sweepNode(c)), CREDENTIALS);
    const req = helper.getNode('req');
    const statuses: unknown[] = [];
    req.on('call:status', ((call: { args: unknown[] }) => statuses.push(call.args[0])) as never);
    const caught = firstMessage([helper.getNode('caught')], 10000);
    const outputs: unknown[] = [];
    helper.getNode('out').on('input', ((msg: unknown) => outputs.push(msg)) as never);
    req.receive({ ...SWEEP_INPUT });
    const msg = await caught;
    await new Promise((r) => setTimeout(r, 20)); // status and log calls are reported on the next tick
    expect((msg.error as { code?: string }).code).toBe(c.code);
    expect(outputs).toEqual([]);
    expectSecretSent(c, targets);
    expect(statuses.length).toBeGreaterThan(0);
    expect(findLeaks({ 'Catch message': msg, status: statuses, log: helper.log().args }, [SWEEP_SECRET])).toEqual([]);
  });

  test('the sweep finds the secret in each of its forms (it would see a leak)', () => {
    for (const form of [SWEEP_SECRET, encodeURIComponent(SWEEP_SECRET), JSON.stringify({ s: SWEEP_SECRET })]) {
      expect(findLeaks({ probe: { nested: [`x${form}x`] } }, [SWEEP_SECRET]).length).toBeGreaterThan(0);
    }
  });
});
