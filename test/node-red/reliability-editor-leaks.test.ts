/**
 * Secret leak sweep (issue 5, part 3), Node-RED: what the editor receives and what is saved. The full
 * runtime with its admin API runs in a child process (test/support/node-red-admin-scenario.ts); the
 * flow is deployed through POST /flows with secrets in two secret-keys nodes' credentials (the admin
 * API's JSON credential, and the editor's per-row slot). The secrets must be in no admin answer (GET
 * /flows, /nodes as JSON and HTML, the names endpoint, /credentials/…), no log line, nor flows.json;
 * flows_cred.json holds them encrypted only.
 */
import * as path from 'node:path';
import { SWEEP_SECRET, findLeaks } from '../support/leak-sweep';
import type { AdminExposure } from '../support/node-red-admin-scenario';
import { runScenario } from '../support/run-child';

/** A second secret, given the way the editor gives it. */
const OTHER_SECRET = 'Ed-4c1e/row+slot "0"&z';

const FLOW = [
  { id: 'tab', type: 'tab', label: 'sweep' },
  // Deployed through the admin API: the JSON credential.
  { id: 'keys', type: 'send-api-request-secrets', name: 'sweep keys', credentials: { secrets: JSON.stringify({ TOKEN: SWEEP_SECRET }) } },
  // As the editor saves it: the names as a property, one password credential per row.
  { id: 'rows', type: 'send-api-request-secrets', name: 'editor keys', keys: [{ name: 'OTHER', slot: 0 }], credentials: { slot0: OTHER_SECRET } },
  {
    id: 'req',
    type: 'send-api-request',
    z: 'tab',
    name: 'call',
    url: 'http://127.0.0.1:9/x?k=#secrets.TOKEN',
    method: 'POST',
    secrets: 'keys',
    headers: [{ key: 'Authorization', value: 'Bearer #secrets.TOKEN' }],
    bodyMode: 'raw',
    rawBody: '{"token": "#secrets.TOKEN"}',
    wires: [[]],
  },
];

test('a flow deployed through the admin API: the secret is in no admin answer, log or saved flow file', async () => {
  const { result } = await runScenario<AdminExposure>(path.join(__dirname, '..', 'support', 'node-red-admin-scenario.ts'), {
    NODE_RED_PACKAGE: process.env.NODE_RED_PACKAGE ?? 'node-red',
    SWEEP_FLOW: JSON.stringify(FLOW),
  }, 60000);
  expect(result.deployStatus).toBeLessThan(300);
  const a = result.answers;
  expect(Object.entries(a).filter(([, answer]) => answer.status !== 200).map(([name, answer]) => `${name}: ${answer.status}`)).toEqual([]);

  // Each answer is what it should be: the deployed flow, our module and its editor, the names, the flags.
  expect(JSON.parse(a['GET /flows'].text)).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'req', type: 'send-api-request' })]));
  expect(a['GET /nodes (JSON)'].text).toContain('node-red-contrib-send-api-request');
  expect(a['GET /nodes (HTML)'].text).toContain('send-api-request');
  expect(JSON.parse(a['GET names keys'].text)).toEqual({ names: ['TOKEN'] });
  expect(JSON.parse(a['GET names rows'].text)).toEqual({ names: ['OTHER'] });
  const flags = { keys: JSON.parse(a['GET /credentials keys'].text), rows: JSON.parse(a['GET /credentials rows'].text) } as Record<string, Record<string, unknown>>;
  expect(flags.keys.has_secrets).toBe(true);
  expect(flags.rows.has_slot0).toBe(true);
  for (const answer of Object.values(flags)) {
    for (const [key, value] of Object.entries(answer)) {
      expect(key).toMatch(/^has_/);
      expect(typeof value).toBe('boolean');
    }
  }
  expect(JSON.parse(result.credFile)).toEqual({ $: expect.any(String) }); // encrypted with credentialSecret
  expect(result.logs.length).toBeGreaterThan(0);

  const places: Record<string, unknown> = { 'flows.json': result.flowFile, 'flows_cred.json': result.credFile, log: result.logs };
  for (const [name, answer] of Object.entries(a)) places[name] = answer.text;
  expect(findLeaks(places, [SWEEP_SECRET, OTHER_SECRET])).toEqual([]);
}, 90000);
