/**
 * Load scenario for the Node-RED runtime (run in a child process by test/node-red/reliability-load.test.ts):
 * 20,000 messages through a deployed send-api-request node against a local server where some requests
 * fail (500, refused, timeout). Each message carries its number `n`; outputs and Catch-node errors are
 * counted per `n`. The heap is measured after a forced GC before (after a warm-up) and after the run.
 */
import { flowWith, helper, requestNode, sendApiRequestNode } from '../node-red/support';
import { closedPortUrl, expectedOutcome, heapAfterGc, loadServer, tally, type LoadReport } from './load-common';

const MESSAGES = Number(process.env.LOAD_MESSAGES ?? 20000);
const WARM_UP = 1000;
/** Messages sent and not yet answered: well under the node's queue bound of 1,000. */
const WINDOW = 300;
const STALL_MS = 20000;


export async function run(): Promise<LoadReport> {
  const server = await loadServer();
  const refused = await closedPortUrl();
  await helper.load(sendApiRequestNode, flowWith(requestNode({ url: '#target', retries: '0', timeout: '2000', concurrency: '20' })));
  // The test helper records every call to send/status/log in sinon spies, each with a stack (every
  // message, kept for a test's asserts). That history is not the node's memory: it is cleared as the
  // run goes and before each measure.
  const forgetSpyCalls = () => (helper as unknown as { _sandbox: { resetHistory(): void } })._sandbox.resetHistory();
  const req = helper.getNode('req');
  const out = helper.getNode('out');
  const caught = helper.getNode('caught');

  const drive = async (from: number, count: number) => {
    const t = tally(from, count);
    let next = from;
    await new Promise<void>((resolve) => {
      // A lost message never answers: once nothing has arrived for STALL_MS (far beyond the 2 s
      // timeout), stop waiting and let the report count what is missing.
      let timer = setTimeout(resolve, STALL_MS);
      const send = () => {
        while (next < from + count && next - from - t.seen < WINDOW) {
          const n = next++;
          const outcome = expectedOutcome(n);
          const target = outcome === 'refused' ? `${refused}/x/${n}` : server.url(`/${outcome}/${n}`);
          req.receive({ n, target, payload: n });
        }
        clearTimeout(timer);
        if (t.seen === count) resolve();
        else timer = setTimeout(resolve, STALL_MS);
      };
      const answered = () => {
        if (t.seen % 1000 === 0) forgetSpyCalls();
        send();
      };
      out.on('input', ((msg: { n: number; statusCode: number; payload?: { url?: string } }) => {
        t.output(msg.n, msg.statusCode, msg.payload?.url);
        answered();
      }) as never);
      caught.on('input', ((msg: { n: number; error?: { code?: string } }) => {
        t.error(msg.n, msg.error?.code ?? 'none');
        answered();
      }) as never);
      send();
    });
    return t;
  };

  await drive(0, WARM_UP);
  (out as unknown as { removeAllListeners(e: string): void }).removeAllListeners('input');
  (caught as unknown as { removeAllListeners(e: string): void }).removeAllListeners('input');
  forgetSpyCalls();
  const baseline = await heapAfterGc();
  const started = Date.now();
  const t = await drive(WARM_UP, MESSAGES);
  const ms = Date.now() - started;
  (out as unknown as { removeAllListeners(e: string): void }).removeAllListeners('input');
  (caught as unknown as { removeAllListeners(e: string): void }).removeAllListeners('input');
  forgetSpyCalls();
  const after = await heapAfterGc();
  await helper.unload();
  await server.close();
  return { ...t.report(), ms, heapBaselineMb: baseline, heapAfterMb: after, requestsReceived: server.received() };
}
