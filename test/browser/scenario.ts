/**
 * The user's first flow, shared by the Node-RED 5 and 4 suites: inject → Send API Request with a header
 * using #secrets.TOKEN and a JSON body, a new secret-keys node, deployed.
 */
import type { Page } from 'playwright-core';
import { addListRow, deploy, dragFromPalette, nodeId, openRequestDialog, openSecretsDialog, saveConfigDialog, saveRequestDialog, wire } from './editor-page';
import type { ApiServer, ReceivedRequest } from './servers';

/** Builds the flow in the editor; `beforeDone` runs with the filled dialog still open (for the screenshot). */
export async function buildFirstFlow(page: Page, apiUrl: string, secrets: { TOKEN: string; OTHER: string }, beforeDone?: () => Promise<void>): Promise<void> {
  await dragFromPalette(page, 'inject', 160, 120);
  await dragFromPalette(page, 'send-api-request', 420, 120);
  await wire(page, 'inject', 'send-api-request');

  await openRequestDialog(page);
  await page.locator('#node-input-method').selectOption('POST');
  await page.locator('#node-input-url').fill(`${apiUrl}/hooks/#payload?source=node-red`);
  await addListRow(page, '#node-input-headers-list', { '.sar-key': 'Authorization', '.sar-value': 'Bearer #secrets.TOKEN' });
  await addListRow(page, '#node-input-headers-list', { '.sar-key': 'X-Other', '.sar-value': '#secrets.OTHER' });
  await page.locator('#node-input-bodyMode').selectOption('fields');
  await page.locator('#node-input-bodyEncoding').selectOption('json');
  await addListRow(page, '#node-input-fields-list', { '.sar-key': 'greeting', '.sar-value': 'hello' });
  await addListRow(page, '#node-input-fields-list', { '.sar-key': 'at', '.sar-value': '#payload' });

  await openSecretsDialog(page, 'add');
  await page.locator('#node-config-input-name').fill('API keys');
  await addListRow(page, '#node-config-input-keys-list', { '.sar-secret-name': 'TOKEN', '.sar-secret-value': secrets.TOKEN });
  await addListRow(page, '#node-config-input-keys-list', { '.sar-secret-name': 'OTHER', '.sar-secret-value': secrets.OTHER });
  await saveConfigDialog(page);
  if (beforeDone) await beforeDone();
  await saveRequestDialog(page);
  await deploy(page);
}

/** Clicks the inject through the admin API (POST /inject/:id) and waits for the API server's next request. */
export async function triggerInject(page: Page, redUrl: string, api: ApiServer, expectCount: number): Promise<ReceivedRequest> {
  const injectId = await nodeId(page, 'inject');
  const res = await fetch(`${redUrl}/inject/${injectId}`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`POST /inject/${injectId} answered ${res.status}`);
  return api.waitFor(expectCount);
}

/** What the first flow must send. */
export function expectFirstRequest(got: ReceivedRequest, secrets: { TOKEN: string; OTHER: string }): void {
  expect(got.method).toBe('POST');
  expect(got.url).toMatch(/^\/hooks\/\d+\?source=node-red$/);
  expect(got.headers.authorization).toBe(`Bearer ${secrets.TOKEN}`);
  expect(got.headers['x-other']).toBe(secrets.OTHER);
  expect(got.headers['content-type']).toBe('application/json');
  const body = JSON.parse(got.body) as { greeting: string; at: unknown };
  expect(body.greeting).toBe('hello');
  expect(typeof body.at).toBe('number'); // one variable keeps its JSON type (the inject's timestamp)
  expect(got.url).toBe(`/hooks/${String(body.at)}?source=node-red`);
}
