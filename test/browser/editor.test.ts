/**
 * The Node-RED editor in a real browser: Debian's Chromium (playwright-core) against a real Node-RED 5
 * with the built package installed. A user adds the node, fills the dialog, creates the secret-keys
 * node, deploys and triggers; the local API server sees the request. The secret never comes back:
 * not in flows.json / flows_cred.json, not in any admin API response, not in the editor page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  addListRow, CHROMIUM, collectScriptErrors, deploy, editorNode, loadEditor, nodeId, openEditor, openRequestDialog as openRequest,
  openSecretsDialog, saveConfigDialog as saveConfig, saveRequestDialog as saveRequest, type EditorSession,
} from './editor-page';
import { buildFirstFlow, expectFirstRequest, triggerInject } from './scenario';
import { startApiServer, startNodeRed, type ApiServer, type NodeRedServer } from './servers';

const TOKEN = 'tok-7Hq2-very-secret-value';
const OTHER = 'other-Zx91-second-secret';
const NEW_TOKEN = 'tok-changed-4Kp8-secret';
const SECRETS = [TOKEN, OTHER, NEW_TOKEN];
// The README's screenshot: written when missing or with UPDATE_SCREENSHOTS=1 (ports and sidebar tips differ on
// every run, so a plain test run leaves the committed image alone); every run writes the .tmp copy.
const readmeScreenshot = path.join(__dirname, '..', '..', 'docs', 'images', 'node-red-editor.png');
const screenshots = [path.join(__dirname, '..', '..', '.tmp', 'node-red-editor.png')];
if (process.env.UPDATE_SCREENSHOTS === '1' || !fs.existsSync(readmeScreenshot)) screenshots.push(readmeScreenshot);

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
  /** Script errors in the editor page (uncaught, or caught and logged by Node-RED). */
  let scriptErrors: string[] = [];

  beforeAll(async () => {
    api = await startApiServer();
    red = await startNodeRed('browser-test-credential-secret');
    editor = await openEditor(red.url);
    scriptErrors = collectScriptErrors(editor.page);
    editor.page.on('response', async (res) => {
      try {
        responses.push({ url: res.url(), body: (await res.body()).toString('utf8') });
      } catch {
        // redirects and aborted loads have no body
      }
    });
  }, 180000);

  afterAll(async () => {
    // The last view, for a failure's diagnosis (.tmp is ignored by git).
    await editor?.page.screenshot({ path: path.join(__dirname, '..', '..', '.tmp', 'browser-test-last.png') }).catch(() => undefined);
    await editor?.close();
    await red?.stop();
    await api?.close();
  });

  const trigger = (expectCount: number) => triggerInject(editor.page, red.url, api, expectCount);
  const saveConfigDialog = () => saveConfig(editor.page);
  const saveRequestDialog = () => saveRequest(editor.page);
  const openRequestDialog = () => openRequest(editor.page);
  const openSecretsFromRequestDialog = (action: 'add' | 'edit') => openSecretsDialog(editor.page, action);

  test('add, fill, deploy and trigger: the local server receives the request with the secret', async () => {
    const { page } = editor;
    await buildFirstFlow(page, api.url, { TOKEN, OTHER }, async () => {
      for (const file of screenshots) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await page.screenshot({ path: file });
      }
    });
    expectFirstRequest(await trigger(1), { TOKEN, OTHER });
  }, 180000);

  /** Every place the secret could leak to: the files Node-RED wrote and the admin API's answers. */
  async function expectNoSecretAnywhere(values: string[]) {
    const files = ['flows.json', 'flows_cred.json'].map((f) => fs.readFileSync(path.join(red.userDir, f), 'utf8'));
    const configId = await nodeId(editor.page, 'send-api-request-secrets');
    const requestId = await nodeId(editor.page, 'send-api-request');
    const answers: string[] = [];
    const admin: Array<[string, Record<string, string>]> = [
      ['/flows', { accept: 'application/json' }],
      ['/flows', { accept: 'application/json', 'Node-RED-API-Version': 'v2' }],
      ['/nodes', { accept: 'application/json' }],
      ['/nodes', { accept: 'text/html' }],
      ['/nodes/node-red-contrib-send-api-request', { accept: 'application/json' }],
      ['/', {}],
      ['/settings', {}],
      [`/credentials/send-api-request-secrets/${configId}`, {}],
      [`/credentials/send-api-request/${requestId}`, {}],
      [`/send-api-request-secrets/${configId}/names`, {}],
      [`/flow/${(await editorNode(editor.page, requestId))?.z as string}`, {}],
      ['/locales/nodes?lng=en-US', {}],
    ];
    for (const [url, headers] of admin) {
      const res = await fetch(`${red.url}${url}`, { headers });
      expect([url, res.status]).toEqual([url, 200]);
      answers.push(await res.text());
    }
    for (const value of values) {
      files.forEach((text, i) => expect([i, text.includes(value)]).toEqual([i, false]));
      answers.forEach((text, i) => expect([admin[i][0], text.includes(value)]).toEqual([admin[i][0], false]));
      for (const r of responses) expect([r.url, r.body.includes(value)]).toEqual([r.url, false]);
    }
    return { names: JSON.parse(answers[answers.length - 3]) as unknown, flows: JSON.parse(files[0]) as Array<Record<string, unknown>> };
  }

  test('the secret is in no file, admin API response or page the browser loaded; names stay visible', async () => {
    expect(fs.existsSync(path.join(red.userDir, 'flows_cred.json'))).toBe(true);
    const { names, flows } = await expectNoSecretAnywhere([TOKEN, OTHER]);
    expect(names).toEqual({ names: ['TOKEN', 'OTHER'] });
    const config = flows.find((n) => n.type === 'send-api-request-secrets');
    expect(config).toMatchObject({ name: 'API keys', keys: [{ name: 'TOKEN', slot: 0 }, { name: 'OTHER', slot: 1 }] });
    expect(config).not.toHaveProperty('credentials');
    // Stored encrypted, one slot per row.
    const stored = red.storedCredentials()[config?.id as string];
    expect(stored).toEqual({ slot0: TOKEN, slot1: OTHER });
  });

  test('the help panel teaches the # syntax for both node types', async () => {
    const html = await (await fetch(`${red.url}/nodes`, { headers: { accept: 'text/html' } })).text();
    for (const type of ['send-api-request', 'send-api-request-secrets']) expect(html).toContain(`data-help-name="${type}"`);
    for (const text of ['#{id}.json', '##fff', '##section', '##{x}', '#secrets.TOKEN', 'Mustache', 'responseUrl', 'HTTP_STATUS', 'Catch']) expect(html).toContain(text);
  });

  test('reopened after a reload, the config node shows its names and write-only values; unchanged, a redeploy keeps them', async () => {
    const { page } = editor;
    await loadEditor(page, red.url);
    await openRequestDialog();
    await openSecretsFromRequestDialog('edit');
    const rows = page.locator('#node-config-input-keys-list > li');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.locator('.sar-secret-name').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value))).toEqual(['TOKEN', 'OTHER']);
    expect(await rows.locator('.sar-secret-value').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value))).toEqual(['__PWRD__', '__PWRD__']);
    const html = await page.content();
    for (const value of [TOKEN, OTHER]) expect(html.includes(value)).toBe(false);
    await saveConfigDialog();
    // Something to deploy: a name on the request node (a full deploy restarts every node, the config node too).
    await page.locator('#node-input-name').fill('call the hook');
    await saveRequestDialog();
    await deploy(page);
    const got = await trigger(2);
    expect(got.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(got.headers['x-other']).toBe(OTHER);
  }, 180000);

  test('changing one value keeps the other; removing a row clears its slot', async () => {
    const { page } = editor;
    await openRequestDialog();
    await openSecretsFromRequestDialog('edit');
    await page.locator('#node-config-input-keys-list > li').first().locator('.sar-secret-value').fill(NEW_TOKEN);
    await saveConfigDialog();
    await saveRequestDialog();
    await deploy(page);
    const got = await trigger(3);
    expect(got.headers.authorization).toBe(`Bearer ${NEW_TOKEN}`);
    expect(got.headers['x-other']).toBe(OTHER);
    const configId = await nodeId(page, 'send-api-request-secrets');
    expect(red.storedCredentials()[configId]).toEqual({ slot0: NEW_TOKEN, slot1: OTHER });

    // Remove OTHER (and its header), add THIRD: it takes the free slot.
    await openRequestDialog();
    await page.locator('#node-input-headers-list > li').nth(1).locator('.red-ui-editableList-item-remove').click();
    await openSecretsFromRequestDialog('edit');
    await page.locator('#node-config-input-keys-list > li').nth(1).locator('.red-ui-editableList-item-remove').click();
    await addListRow(page, '#node-config-input-keys-list', { '.sar-secret-name': 'THIRD', '.sar-secret-value': 'third-value' });
    await saveConfigDialog();
    await saveRequestDialog();
    await deploy(page);
    const after = await trigger(4);
    expect(after.headers.authorization).toBe(`Bearer ${NEW_TOKEN}`);
    expect(after.headers['x-other']).toBeUndefined();
    expect(red.storedCredentials()[configId]).toEqual({ slot0: NEW_TOKEN, slot1: 'third-value' });
    const { names } = await expectNoSecretAnywhere(SECRETS);
    expect(names).toEqual({ names: ['TOKEN', 'THIRD'] });
  }, 180000);

  test('untouched values survive a restart of Node-RED', async () => {
    await red.restart();
    const got = await trigger(5);
    expect(got.headers.authorization).toBe(`Bearer ${NEW_TOKEN}`);
    await loadEditor(editor.page, red.url);
  }, 180000);

  test('Import cURL fills the form with the shared parser; a bad command says why', async () => {
    const { page } = editor;
    await openRequestDialog();
    await page.locator('#send-api-request-import-curl').click();
    await page.locator('#send-api-request-curl-input').fill('curl -X PUT nope');
    await page.locator('#send-api-request-curl-input').fill(`curl 'https://api.example.test/v1/items?limit=5#top' \\
  -H 'Accept: application/json' -H 'Content-Type: application/json' \\
  -u ada:pw --data-raw '{"name":"Ada","color":"#fff"}'`);
    await page.locator('#send-api-request-curl-apply').click();
    await page.locator('#send-api-request-curl-panel').waitFor({ state: 'hidden' });
    expect(await page.locator('#node-input-method').inputValue()).toBe('POST');
    expect(await page.locator('#node-input-url').inputValue()).toBe('https://api.example.test/v1/items?limit=5##top');
    const headerRows = page.locator('#node-input-headers-list > li');
    await headerRows.nth(1).waitFor();
    expect(await headerRows.count()).toBe(2);
    expect(await headerRows.locator('.sar-key').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value))).toEqual(['Accept', 'Authorization']);
    expect(await page.locator('#node-input-bodyMode').inputValue()).toBe('raw');
    expect(await page.locator('#node-input-contentType').inputValue()).toBe('');
    expect(await page.locator('#node-input-rawBody-editor').innerText()).toContain('"color":"##fff"');

    await page.locator('#send-api-request-import-curl').click();
    await page.locator('#send-api-request-curl-input').fill('wget https://x.test');
    await page.locator('#send-api-request-curl-apply').click();
    await page.locator('#send-api-request-curl-error').filter({ hasText: /does not start with "curl"/ }).waitFor();
    await page.locator('#send-api-request-curl-cancel').click();
    await page.locator('#node-dialog-cancel').click();
    await page.locator('#node-input-url').waitFor({ state: 'detached' });
  }, 180000);

  test('a secret-keys node deployed through the admin API with the JSON credential shows its names, never its values', async () => {
    const { page } = editor;
    const jsonSecrets = { API_KEY: 'json-api-key-Qw83-secret', OTHER_KEY: 'json-other-Lm27-secret' };
    const current = (await (await fetch(`${red.url}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } })).json()) as { rev: string; flows: unknown[] };
    const id = 'a1b2c3d4e5f60718';
    const deployed = await fetch(`${red.url}/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify({ rev: current.rev, flows: [...current.flows, { id, type: 'send-api-request-secrets', name: 'from the admin API', credentials: { secrets: JSON.stringify(jsonSecrets) } }] }),
    });
    expect(deployed.status).toBe(200);
    await loadEditor(page, red.url);
    await page.evaluate((nid) => {
      const { RED } = globalThis as unknown as { RED: { editor: { editConfig(name: string, type: string, id: string, prefix: string): void } } };
      RED.editor.editConfig('', 'send-api-request-secrets', nid, 'node-input');
    }, id);
    const rows = page.locator('#node-config-input-keys-list > li');
    await rows.nth(1).waitFor();
    const values = (selector: string) => rows.locator(selector).evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    expect(await values('.sar-secret-name')).toEqual(['API_KEY', 'OTHER_KEY']);
    expect(await values('.sar-secret-value')).toEqual(['__PWRD__', '__PWRD__']);
    expect(await rows.first().locator('.sar-secret-name').getAttribute('readonly')).not.toBeNull();
    // Retyping one value moves it to a slot of its own; the other keeps reading the JSON credential.
    await rows.nth(1).locator('.sar-secret-value').fill('json-other-retyped-secret');
    await saveConfigDialog();
    await deploy(page);
    const flows = JSON.parse(fs.readFileSync(path.join(red.userDir, 'flows.json'), 'utf8')) as Array<Record<string, unknown>>;
    expect(flows.find((n) => n.id === id)).toMatchObject({ keys: [{ name: 'API_KEY', slot: null }, { name: 'OTHER_KEY', slot: 0 }] });
    expect(red.storedCredentials()[id]).toMatchObject({ slot0: 'json-other-retyped-secret' });
    const names = (await (await fetch(`${red.url}/send-api-request-secrets/${id}/names`)).json()) as unknown;
    expect(names).toEqual({ names: ['API_KEY', 'OTHER_KEY'] });
    await expectNoSecretAnywhere([...Object.values(jsonSecrets), 'json-other-retyped-secret']);
  }, 180000);

  test('options: shown by their rules, numbers saved as numbers', async () => {
    const { page } = editor;
    await openRequestDialog();
    await page.locator('#red-ui-tab-send-api-request-tab-options').click();
    const nextUrlRow = page.locator('.sar-option[data-option="nextUrl"]');
    const stopCodes = page.locator('.sar-option[data-option="stopStatusCodes"]');
    await nextUrlRow.waitFor({ state: 'hidden' });
    await page.locator('#node-input-pagination').selectOption('nextUrl');
    await nextUrlRow.waitFor({ state: 'visible' });
    await stopCodes.waitFor({ state: 'hidden' });
    await page.locator('#node-input-stopWhen').selectOption('status');
    await stopCodes.waitFor({ state: 'visible' });
    await page.locator('#node-input-pagination').selectOption('off');
    await stopCodes.waitFor({ state: 'hidden' }); // its controller is hidden too
    await page.locator('#node-input-timeout').fill('5000');
    await page.locator('#node-input-retries').fill('-1');
    await page.locator('#node-input-neverError').check();
    await saveRequestDialog();
    const id = await nodeId(page, 'send-api-request');
    expect(await editorNode(page, id)).toMatchObject({ timeout: 5000, neverError: true, retries: -1, pagination: 'off', method: 'POST' });
    expect(await validation(id)).toEqual(['Retries: at least 0']);

    // The core's template parser checks the fields in the editor: an unclosed #{ is flagged before deploy.
    await openRequestDialog();
    await page.locator('#red-ui-tab-send-api-request-tab-options').click();
    await page.locator('#node-input-retries').fill('3');
    await page.locator('#red-ui-tab-send-api-request-tab-request').click();
    await page.locator('#node-input-url').fill(`${api.url}/#{unclosed`);
    await saveRequestDialog();
    expect(await validation(id)).toEqual([expect.stringMatching(/^Invalid variable in url at character \d+: .*/)]);
    expect(await editorNode(page, id)).toMatchObject({ retries: 3 });
  }, 180000);

  test('authentication: a scheme from the shared form, fed by secret names, sends the secret', async () => {
    const { page } = editor;
    const id = await nodeId(page, 'send-api-request');
    await openRequestDialog();
    await page.locator('#node-input-url').fill(`${api.url}/auth-check`);
    await page.locator('#node-input-headers-list > li').first().locator('.red-ui-editableList-item-remove').click();
    await page.locator('#node-input-authType').selectOption('bearer');
    await page.locator('.sar-auth[data-auth="authToken"]').waitFor({ state: 'visible' });
    await page.locator('.sar-auth[data-auth="authUsername"]').waitFor({ state: 'hidden' });
    const offered = await page.locator('#send-api-request-secret-names option').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    expect(offered).toEqual(['TOKEN', 'THIRD']);
    await saveRequestDialog();
    expect(await validation(id)).toEqual(['Token secret: required for this authentication']);

    await openRequestDialog();
    await page.locator('#node-input-authToken').fill('TOKEN');
    await saveRequestDialog();
    expect(await validation(id)).toEqual([]);
    expect(await editorNode(page, id)).toMatchObject({ authType: 'bearer', authToken: 'TOKEN', headers: [] });
    await deploy(page);
    const got = await trigger(6);
    expect(got.url).toBe('/auth-check');
    expect(got.headers.authorization).toBe(`Bearer ${NEW_TOKEN}`);
  }, 180000);

  test('the binary source must be one variable: flagged before deploy', async () => {
    const { page } = editor;
    const id = await nodeId(page, 'send-api-request');
    await openRequestDialog();
    await page.locator('#node-input-bodyMode').selectOption('binary');
    await page.locator('#node-input-binarySource').fill('file #payload');
    await saveRequestDialog();
    expect(await validation(id)).toEqual(['Binary source: exactly one variable, like #payload']);
    await openRequestDialog();
    await page.locator('#node-input-binarySource').fill('#payload.file');
    await saveRequestDialog();
    expect(await validation(id)).toEqual([]);
  }, 180000);

  test('the editor page had no script errors in all of the above', () => {
    expect(scriptErrors).toEqual([]);
  });

  /** The problems Node-RED's editor shows for a node (its validators' messages). */
  async function validation(id: string): Promise<string[]> {
    return editor.page.evaluate((nid) => {
      const { RED } = globalThis as unknown as { RED: { nodes: { node(id: string): { validationErrors?: string[] } }; editor: { validateNode(n: unknown): void } } };
      const n = RED.nodes.node(nid);
      RED.editor.validateNode(n);
      return n.validationErrors ?? [];
    }, id);
  }
});
