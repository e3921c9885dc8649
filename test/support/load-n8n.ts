/**
 * Load scenario for n8n (run in a child process by test/n8n/reliability-load.test.ts): 5,000 items
 * through the Send API Request node in a real workflow (WorkflowExecute, continueOnFail) against a
 * local server where some requests fail (500, refused, timeout). Every output item must pair to its
 * input item index, once. The heap is measured after a forced GC before (after a warm-up) and after.
 */
import { runWorkflow, sendNode, source } from '../n8n/harness';
import { closedPortUrl, expectedOutcome, heapAfterGc, loadServer, tally, type LoadReport, type LoadServer } from './load-common';

const ITEMS = Number(process.env.LOAD_ITEMS ?? 5000);
const WARM_UP = 500;


interface OutputItem {
  json: { statusCode?: number; body?: { url?: string }; error?: { code?: string } };
  pairedItem?: { item: number } | Array<{ item: number }> | number;
}

async function runItems(server: LoadServer, refused: string, from: number, count: number) {
  const items = Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const outcome = expectedOutcome(n);
    return { json: { n, target: outcome === 'refused' ? `${refused}/x/${n}` : server.url(`/${outcome}/${n}`) } };
  });
  const r = await runWorkflow({
    nodes: [source(items), sendNode({ url: '#target', options: { retries: 0, timeout: 2000, concurrency: 20 } }, { continueOnFail: true })],
    chain: ['Source', 'Send'],
    timeoutMs: 270000,
  });
  const t = tally(from, count);
  const unpaired: string[] = [];
  for (const item of r.output('Send') as unknown as OutputItem[]) {
    const paired = item.pairedItem;
    const index = typeof paired === 'object' && paired !== null && !Array.isArray(paired) ? paired.item : undefined;
    if (index === undefined) {
      unpaired.push(JSON.stringify(paired));
      continue;
    }
    const n = from + index;
    if (item.json.error) t.error(n, item.json.error.code ?? 'none');
    else t.output(n, item.json.statusCode ?? 0, item.json.body?.url);
  }
  return { report: t.report(), unpaired, nodeError: r.error('Send')?.message };
}

export async function run(): Promise<LoadReport & { unpaired: string[]; nodeError?: string }> {
  const server = await loadServer();
  const refused = await closedPortUrl();
  await runItems(server, refused, 0, WARM_UP);
  const baseline = await heapAfterGc();
  const started = Date.now();
  const main = await runItems(server, refused, WARM_UP, ITEMS);
  const ms = Date.now() - started;
  const after = await heapAfterGc();
  await server.close();
  return { ...main.report, unpaired: main.unpaired.slice(0, 10), nodeError: main.nodeError, ms, heapBaselineMb: baseline, heapAfterMb: after, requestsReceived: server.received() };
}
