#!/usr/bin/env node
// Remakes docs/images/n8n-node.png, the README's picture of the node in n8n: starts n8n 2.41 (the cache
// of `npm run start:n8n`) with a fresh user folder in .tmp/, the packed package and the example
// workflow; sets up an owner through n8n's REST API, signs in with Debian's Chromium (playwright-core),
// opens the Send API Request node of the example and saves the picture; then stops n8n.
// Run with Node 24: node_modules/node/bin/node scripts/screenshot-n8n.js [--no-pack] [--port=N]
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { root, run, node24Env, freePort, stopAll } = require('../test/e2e/lib/proc');
const { ensureN8n, n8nEnv, installCommunityPackage, startN8n } = require('../test/e2e/lib/n8n-host');
const { EXAMPLE_ID, importExamples } = require('./start-n8n');

const args = process.argv.slice(2);
const portArg = args.find((a) => a.startsWith('--port='));
const userFolder = path.join(root, '.tmp', 'n8n-screenshot');
const picture = path.join(root, 'docs', 'images', 'n8n-node.png');
const NODE_NAME = 'Send API Request';

/** The owner n8n asks for on first visit; the user folder is thrown away afterwards. */
const owner = { email: 'owner@example.com', firstName: 'Ada', lastName: 'Lovelace', password: `Pw1${crypto.randomBytes(12).toString('hex')}` };

async function setupOwner(base) {
  const res = await fetch(`${base}/rest/owner/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(owner),
    signal: AbortSignal.timeout(30000),
  });
  if (!res.ok) throw new Error(`POST /rest/owner/setup answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
}

async function signIn(page, base) {
  await page.goto(`${base}/signin`);
  await page.locator('input[type="email"], input[name="emailOrLdapLoginId"]').first().fill(owner.email);
  await page.locator('input[type="password"]').first().fill(owner.password);
  await page.locator('[data-test-id="form-submit-button"], button[type="submit"]').first().click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60000 });
}

async function shootNodePanel(page, base) {
  await page.goto(`${base}/workflow/${EXAMPLE_ID}`);
  const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${NODE_NAME}"]`);
  await node.waitFor({ timeout: 60000 });
  await node.dblclick();
  const panel = page.locator('[data-test-id="ndv"]').first();
  await panel.waitFor();
  await page.getByText('Secret keys', { exact: false }).first().waitFor().catch(() => undefined);
  await page.waitForTimeout(1500); // fonts and the expression previews settle
  fs.mkdirSync(path.dirname(picture), { recursive: true });
  await page.screenshot({ path: picture });
  if (process.env.SAR_DEBUG) {
    const info = await page.evaluate(() => {
      const main = document.querySelector('[data-test-id="ndv"]');
      const out = [];
      main.querySelectorAll('[data-test-id], [data-dir], [class*="resize"], [class*="drag"]').forEach((el) => {
        const r = el.getBoundingClientRect();
        if (r.width > 0) out.push(`${el.tagName} tid=${el.getAttribute('data-test-id')} dir=${el.getAttribute('data-dir')} cls=${String(el.className).slice(0, 80)} ${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}x${Math.round(r.height)}`);
      });
      return out.slice(0, 150).join('\n');
    });
    console.log(info);
  }
}

async function main() {
  const port = portArg ? Number(portArg.slice('--port='.length)) : await freePort();
  if (!args.includes('--no-pack')) {
    console.log('Packing the n8n package (npm run pack)…');
    await run('npm', ['run', 'pack', '--silent'], { env: node24Env(), timeoutMs: 10 * 60000 });
  }
  await ensureN8n();
  fs.rmSync(userFolder, { recursive: true, force: true });
  fs.mkdirSync(userFolder, { recursive: true });
  await installCommunityPackage(userFolder);
  const env = n8nEnv(userFolder, { port, brokerPort: await freePort(), encryptionKey: crypto.randomBytes(24).toString('hex') });
  await importExamples(env, port);
  console.log(`Starting n8n on 127.0.0.1:${port}…`);
  const host = await startN8n(env, path.join(userFolder, 'n8n.log'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sar-n8n-chromium-'));
  let context;
  let page;
  try {
    const base = `http://127.0.0.1:${port}`;
    await setupOwner(base);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1440, height: 900 },
    });
    page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(30000);
    await signIn(page, base);
    await shootNodePanel(page, base);
    console.log(`Saved ${path.relative(root, picture)}.`);
  } catch (err) {
    // What the browser showed when it went wrong, to see which step failed.
    if (page) await page.screenshot({ path: path.join(root, '.tmp', 'n8n-screenshot-failed.png') }).catch(() => undefined);
    throw err;
  } finally {
    if (context) await context.close();
    await host.stop();
    fs.rmSync(profile, { recursive: true, force: true });
    fs.rmSync(userFolder, { recursive: true, force: true });
  }
}

main().catch(async (err) => {
  console.error(err.message || err);
  await stopAll();
  process.exit(1);
});
