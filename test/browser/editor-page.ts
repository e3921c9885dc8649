/**
 * Drives Node-RED's editor in Debian's Chromium (playwright-core) the way a user does: palette drag,
 * double-click to edit, typing into the dialog, Deploy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface EditorSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openEditor(url: string): Promise<EditorSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sar-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 960 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30000);
  await loadEditor(page, url);
  return {
    context,
    page,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function loadEditor(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('.red-ui-palette-node[data-palette-type="send-api-request"]').waitFor();
  await page.locator('#red-ui-workspace-chart').waitFor();
}

/** Drags a node type from the palette onto the workspace at (x, y) of the visible chart. */
export async function dragFromPalette(page: Page, type: string, x: number, y: number): Promise<void> {
  const item = page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
  await item.scrollIntoViewIfNeeded();
  const from = await item.boundingBox();
  const chart = await page.locator('#red-ui-workspace-chart').boundingBox();
  if (!from || !chart) throw new Error(`palette node ${type} or the workspace is not visible`);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 20, from.y + from.height / 2, { steps: 5 });
  await page.mouse.move(chart.x + x, chart.y + y, { steps: 15 });
  await page.mouse.up();
}

/** The workspace node (SVG group) of the only node of a type. */
export async function workspaceNode(page: Page, type: string): Promise<Locator> {
  const id = await nodeId(page, type);
  if (!id) throw new Error(`no ${type} node in the editor`);
  return page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${id}"]`);
}

/** Draws a wire from one node's output port to another node's input port. */
export async function wire(page: Page, fromType: string, toType: string): Promise<void> {
  const out = await (await workspaceNode(page, fromType)).locator('.red-ui-flow-port-output .red-ui-flow-port').first().boundingBox();
  const inp = await (await workspaceNode(page, toType)).locator('.red-ui-flow-port-input .red-ui-flow-port').first().boundingBox();
  if (!out || !inp) throw new Error('ports not found');
  await page.mouse.move(out.x + out.width / 2, out.y + out.height / 2);
  await page.mouse.down();
  await page.mouse.move(inp.x + inp.width / 2, inp.y + inp.height / 2, { steps: 15 });
  await page.mouse.up();
}

/** Adds a row to an editableList (its add button follows the list) and fills its inputs. */
export async function addListRow(page: Page, listSelector: string, values: Record<string, string>): Promise<void> {
  const container = page.locator(listSelector).locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " red-ui-editableList ")][1]');
  await container.locator('.red-ui-editableList-addButton').click();
  const row = page.locator(`${listSelector} > li`).last();
  for (const [selector, value] of Object.entries(values)) await row.locator(selector).fill(value);
}

/** Clicks Deploy and waits for Node-RED's "Successfully deployed" notification. */
export async function deploy(page: Page): Promise<void> {
  await page.locator('#red-ui-header-button-deploy').click();
  await page.locator('.red-ui-notification-success').filter({ hasText: /deployed/i }).first().waitFor();
  await page.locator('.red-ui-notification-success').first().waitFor({ state: 'detached', timeout: 10000 }).catch(() => undefined);
}

/** The part of the editor's global RED object the tests read (tsconfig has no DOM types). */
export interface EditorNode {
  id: string;
  type: string;
  [property: string]: unknown;
}
interface RedGlobal {
  RED: {
    nodes: {
      eachNode(cb: (n: EditorNode) => void): void;
      eachConfig(cb: (n: EditorNode) => void): void;
      node(id: string): EditorNode | undefined;
    };
  };
}

/** The id of the only node (or config node) of a type in the editor's model; '' when there is none. */
export async function nodeId(page: Page, type: string): Promise<string> {
  return page.evaluate((t) => {
    const { RED } = globalThis as unknown as RedGlobal;
    let id = '';
    RED.nodes.eachNode((n) => { if (n.type === t) id = n.id; });
    RED.nodes.eachConfig((n) => { if (n.type === t) id = n.id; });
    return id;
  }, type);
}

/** A node's properties as the editor holds them (what a deploy sends). */
export async function editorNode(page: Page, id: string): Promise<EditorNode | undefined> {
  return page.evaluate((nid) => {
    const { RED } = globalThis as unknown as RedGlobal;
    const n = RED.nodes.node(nid);
    if (!n) return undefined;
    const out: EditorNode = { id: n.id, type: n.type };
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (!k.startsWith('_') && (v === null || ['string', 'number', 'boolean'].includes(typeof v) || Array.isArray(v))) out[k] = v;
    }
    return JSON.parse(JSON.stringify(out)) as EditorNode;
  }, id);
}

/** Opens the request node's dialog (double-click on the workspace node). */
export async function openRequestDialog(page: Page): Promise<void> {
  await (await workspaceNode(page, 'send-api-request')).dblclick();
  await page.locator('#node-input-url').waitFor();
}

/** Done in the request node's dialog. */
export async function saveRequestDialog(page: Page): Promise<void> {
  await page.locator('#node-dialog-ok').click();
  await page.locator('#node-input-url').waitFor({ state: 'detached' });
}

/** The config-node picker of Node-RED 4.1 and 5: a + button to add one, a pencil to edit the chosen one. */
export async function openSecretsDialog(page: Page, action: 'add' | 'edit'): Promise<void> {
  await page.locator(`#node-input-btn-secrets-${action}`).click();
  await page.locator('#node-config-input-name').waitFor();
}

/** Done (Add / Update) in the config node's dialog. */
export async function saveConfigDialog(page: Page): Promise<void> {
  await page.locator('#node-config-dialog-ok').click();
  await page.locator('#node-config-input-name').waitFor({ state: 'detached' });
}

/** Collects script errors of the editor page: uncaught ones, and those Node-RED catches and only logs. */
export function collectScriptErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (/oneditprepare|oneditsave|oneditcancel|oneditresize|Error:|Validation error/.test(m.text())) errors.push(m.text());
  });
  return errors;
}
