/**
 * The Node-RED editor in a real browser: Debian's Chromium (playwright-core) against a real Node-RED 5
 * with the built package installed. A user adds the node, fills the dialog, creates the secret-keys
 * node, deploys and triggers; the local API server sees the request. The secret never comes back:
 * not in flows.json / flows_cred.json, not in any admin API response, not in the editor page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addListRow, CHROMIUM, deploy, dragFromPalette, loadEditor, nodeId, openEditor, wire, workspaceNode, type EditorSession } from './editor-page';
import { startApiServer, startNodeRed, type ApiServer, type NodeRedServer } from './servers';

const TOKEN = 'tok-7Hq2-very-secret-value';
const OTHER = 'other-Zx91-second-secret';
const NEW_TOKEN = 'tok-changed-4Kp8-secret';
const SECRETS = [TOKEN, OTHER, NEW_TOKEN];
const screenshot = path.join(__dirname, '..', '..', 'docs', 'images', 'node-red-editor.png');

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  const message = `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` to run the editor tests.`;
  if (process.env.CI === 'true') {
    test('Chromium is installed (required in CI)', () => {
      throw new Error(message);
    });
  } else {
    console.warn(`\n!!!!!!!!!!\n!!! SKIPPING the Node-RED editor browser tests. ${message}\n!!!!!!!!!!\n`);
  }
}

const suite = haveChromium ? describe : describe.skip;

suite('Node-RED editor in Chromium', () => {
  let api: ApiServer;
  let red: NodeRedServer;
  let editor: EditorSession;
  /** Every response body the browser received, to search for secrets. */
  const responses: Array<{ url: string; body: string }> = [];

  beforeAll(async () => {
    api = await startApiServer();
    red = await startNodeRed('browser-test-credential-secret');
    editor = await openEditor(red.url);
    editor.page.on('response', async (res) => {
      try {
        responses.push({ url: res.url(), body: (await res.body()).toString('utf8') });
      } catch {
        // redirects and aborted loads have no body
      }
    });
  }, 90000);

  afterAll(async () => {
    // The last view, for a failure's diagnosis (.tmp is ignored by git).
    await editor?.page.screenshot({ path: path.join(__dirname, '..', '..', '.tmp', 'browser-test-last.png') }).catch(() => undefined);
    await editor?.close();
    await red?.stop();
    await api?.close();
  });

  async function trigger(expectCount: number) {
    const injectId = await nodeId(editor.page, 'inject');
    const res = await fetch(`${red.url}/inject/${injectId}`, { method: 'POST' });
    expect(res.status).toBe(200);
    return api.waitFor(expectCount);
  }

  async function openRequestDialog() {
    await (await workspaceNode(editor.page, 'send-api-request')).dblclick();
    await editor.page.locator('#node-input-url').waitFor();
  }

  /** Node-RED 5's config-node picker: a + button to add one, a pencil to edit the chosen one. */
  async function openSecretsFromRequestDialog(action: 'add' | 'edit') {
    await editor.page.locator(`#node-input-btn-secrets-${action}`).click();
    await editor.page.locator('#node-config-input-name').waitFor();
  }

  test('add, fill, deploy and trigger: the local server receives the request with the secret', async () => {
    const { page } = editor;
    await dragFromPalette(page, 'inject', 160, 120);
    await dragFromPalette(page, 'send-api-request', 420, 120);
    await wire(page, 'inject', 'send-api-request');

    await openRequestDialog();
    await page.locator('#node-input-method').selectOption('POST');
    await page.locator('#node-input-url').fill(`${api.url}/hooks/#payload?source=node-red`);
    await addListRow(page, '#node-input-headers-list', { '.sar-key': 'Authorization', '.sar-value': 'Bearer #secrets.TOKEN' });
    await addListRow(page, '#node-input-headers-list', { '.sar-key': 'X-Other', '.sar-value': '#secrets.OTHER' });
    await page.locator('#node-input-bodyMode').selectOption('fields');
    await page.locator('#node-input-bodyEncoding').selectOption('json');
    await addListRow(page, '#node-input-fields-list', { '.sar-key': 'greeting', '.sar-value': 'hello' });
    await addListRow(page, '#node-input-fields-list', { '.sar-key': 'at', '.sar-value': '#payload' });

    await openSecretsFromRequestDialog('add');
    await page.locator('#node-config-input-name').fill('API keys');
    await addListRow(page, '#node-config-input-keys-list', { '.sar-secret-name': 'TOKEN', '.sar-secret-value': TOKEN });
    await addListRow(page, '#node-config-input-keys-list', { '.sar-secret-name': 'OTHER', '.sar-secret-value': OTHER });
    await page.locator('#node-config-dialog-ok').click();
    await page.locator('#node-config-input-keys-list').waitFor({ state: 'detached' });

    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });

    await page.locator('#node-dialog-ok').click();
    await page.locator('#node-input-url').waitFor({ state: 'detached' });
    await deploy(page);

    const got = await trigger(1);
    expect(got.method).toBe('POST');
    expect(got.url).toMatch(/^\/hooks\/\d+\?source=node-red$/);
    expect(got.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(got.headers['x-other']).toBe(OTHER);
    expect(got.headers['content-type']).toBe('application/json');
    const body = JSON.parse(got.body) as { greeting: string; at: unknown };
    expect(body.greeting).toBe('hello');
    expect(typeof body.at).toBe('number'); // one variable keeps its JSON type (the inject's timestamp)
    expect(got.url).toBe(`/hooks/${String(body.at)}?source=node-red`);
  }, 120000);
});
