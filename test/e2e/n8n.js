// n8n end to end: n8n 2.41 (installed once into .tmp/n8n-host) on Node 24 with the packed n8n package
// installed as a community package in a fresh user folder; a credential and two workflows imported
// with n8n's CLI; one run with `n8n execute --id`, one published and called through its Webhook; the
// local API server checks what was sent, the execution results hold statusCode and body, and the
// secret value is nowhere in the outputs, the log or n8n's database.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { freePort, node24, run } = require('./lib/proc');
const { startApiServer, ANSWER_STATUS, ANSWER_BODY, FAIL_STATUS } = require('./lib/api-server');
const { newSecret, assertNoSecret, filesContaining } = require('./lib/secrets');
const { N8N_VERSION, ensureN8n, n8nEnv, installCommunityPackage, n8nCli, startN8n } = require('./lib/n8n-host');
const wf = require('./fixtures/n8n-workflows');

function assertApiRequest(req, secret) {
  assert.equal(req.method, wf.EXPECTED.method);
  const url = new URL(req.url, 'http://127.0.0.1');
  assert.equal(url.pathname, wf.EXPECTED.path, 'URL path from #steps and an item field');
  assert.deepEqual(Object.fromEntries(url.searchParams), wf.EXPECTED.query, 'query from an item field and a {{ }} expression');
  assert.equal(req.headers.authorization, `Bearer ${secret}`, '#secrets in a header');
  assert.equal(req.headers['x-customer'], wf.EXPECTED.customer, '#steps in a header');
  assert.match(req.headers['content-type'] || '', /^application\/json/);
  assert.deepEqual(JSON.parse(req.body), wf.EXPECTED.body);
}

function assertResult(json, where) {
  assert.ok(json && typeof json === 'object', `${where}: no item JSON`);
  assert.equal(json.statusCode, ANSWER_STATUS, `${where}: statusCode`);
  assert.deepEqual(json.body, ANSWER_BODY, `${where}: body`);
  assert.equal(typeof json.headers, 'object', `${where}: headers`);
}

/** The JSON `n8n execute --rawOutput` prints (log lines may come before it). */
function parseExecution(stdout) {
  const start = stdout.search(/^\{/m);
  if (start < 0) throw new Error(`n8n execute printed no JSON:\n${stdout.slice(-3000)}`);
  return JSON.parse(stdout.slice(start));
}

/** Every execution_data row of n8n's sqlite database, read with Node 24's built-in sqlite. */
async function executionRows(userFolder) {
  const db = path.join(userFolder, '.n8n', 'database.sqlite');
  const script = `const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1], { readOnly: true });
process.stdout.write(JSON.stringify(db.prepare('SELECT executionId, data FROM execution_data').all()));`;
  const out = await run(node24(), ['--no-warnings', '-e', script, db], { timeoutMs: 60000, label: 'read execution_data' });
  return JSON.parse(out);
}

/** Sets up n8n's owner through its REST API (as the first visit in a browser does); returns the session cookie. */
async function ownerSession(base) {
  const owner = { email: 'owner@example.com', firstName: 'Ada', lastName: 'Lovelace', password: `Pw1${crypto.randomBytes(12).toString('hex')}` };
  const res = await fetch(`${base}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(owner), signal: AbortSignal.timeout(30000) });
  assert.equal(res.status, 200, `POST /rest/owner/setup answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  assert.match(cookie, /n8n-auth=/, 'the owner setup gave no session cookie');
  return cookie;
}

/** The credential's "Test" button: POST /rest/credentials/test with the credential as the editor sends it. */
async function testCredential(base, cookie, data) {
  const credentials = { id: wf.CREDENTIAL.id, name: wf.CREDENTIAL.name, type: wf.CREDENTIAL_TYPE, data };
  const res = await fetch(`${base}/rest/credentials/test`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ credentials }), signal: AbortSignal.timeout(60000) });
  const text = await res.text();
  assert.equal(res.status, 200, `POST /rest/credentials/test answered ${res.status}: ${text.slice(0, 300)}`);
  return { text, result: JSON.parse(text).data };
}

/**
 * POSTs to a production webhook, retrying (bounded) while n8n answers that it is not registered yet:
 * n8n 2.x activates published workflows in the background after its editor is up.
 */
async function postWhenRegistered(url, body, timeoutMs = 120000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(60000) });
    const text = await res.text();
    if (!(res.status === 404 && /is not registered/.test(text)) || Date.now() > until) return { res, text };
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function n8nPart(report, { workDir }) {
  let install;
  const ready = await report.check(`n8n@${N8N_VERSION} is installed in the cache (Node 24, sqlite3 rebuilt)`, async () => {
    install = await ensureN8n((line) => console.log(line));
  });
  if (!ready) return; // a failure in and outside CI: the n8n part cannot run without its host
  if (install.installedNow) console.log(`    installed n8n in ${Math.round(install.took / 1000)} s`);

  const userFolder = path.join(workDir, 'n8n-user');
  fs.rmSync(userFolder, { recursive: true, force: true });
  fs.mkdirSync(userFolder, { recursive: true });
  const secret = newSecret('n8n-secret');
  const api = await startApiServer();
  const port = await freePort();
  const env = n8nEnv(userFolder, { port, brokerPort: await freePort(), encryptionKey: crypto.randomBytes(24).toString('hex') });
  const outputs = [];
  let host;
  try {
    const installed = await report.check('npm install <n8n package tarball> into <N8N_USER_FOLDER>/.n8n/nodes', async () => {
      await installCommunityPackage(userFolder);
    });
    if (!installed) return;

    const imported = await report.check('n8n import:credentials and import:workflow accept the Secret Keys credential and the workflows', async () => {
      const dir = path.join(workDir, 'n8n-import');
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify(wf.credentials(secret)));
      fs.writeFileSync(path.join(dir, 'workflows.json'), JSON.stringify([wf.cliWorkflow(api.base), wf.errorWorkflow(api.base), wf.webhookWorkflow(api.base)]));
      try {
        outputs.push(await n8nCli(['import:credentials', `--input=${path.join(dir, 'credentials.json')}`], env));
        outputs.push(await n8nCli(['import:workflow', `--input=${path.join(dir, 'workflows.json')}`], env));
      } finally {
        fs.rmSync(path.join(dir, 'credentials.json'), { force: true }); // the secret in plain text lives only as long as the import
      }
    });
    if (!imported) return;

    await report.check('n8n execute --id runs the workflow: item field, #steps, {{ }} and #secrets reach the local API server; the result holds statusCode and body', async () => {
      const stdout = await n8nCli(['execute', `--id=${wf.CLI_WORKFLOW_ID}`, '--rawOutput'], env);
      outputs.push(stdout);
      const req = await api.nextRequest(0, 3000);
      assertApiRequest(req, secret);
      const execution = parseExecution(stdout);
      const runs = execution.data.resultData.runData['Send API Request'];
      assert.ok(runs && runs.length === 1, 'the Send API Request node ran once');
      assertResult(runs[0].data.main[0][0].json, 'n8n execute');
      assertNoSecret(stdout, secret, 'the output of n8n execute');
    });

    await report.check('a refused request (403) with "continue on error" gives an error item that names the status and hides the secret', async () => {
      const before = api.requests.length;
      const stdout = await n8nCli(['execute', `--id=${wf.ERROR_WORKFLOW_ID}`, '--rawOutput'], env);
      outputs.push(stdout);
      const req = await api.nextRequest(before, 3000);
      assert.equal(req.headers.authorization, `Bearer ${secret}`, 'the refused request carried the secret');
      const runs = parseExecution(stdout).data.resultData.runData.Refused;
      assert.ok(runs && runs.length === 1, 'the Refused node ran once');
      const items = runs[0].data.main[0];
      assert.equal(items.length, 1, 'one error item for the one input item');
      const text = JSON.stringify(items[0].json);
      assert.ok(items[0].json.error, `the item is not an error item: ${text}`);
      assert.match(text, new RegExp(String(FAIL_STATUS)), `the error item does not name the status: ${text}`);
      assertNoSecret(stdout, secret, 'the output of n8n execute');
    });

    const published = await report.check('n8n publish:workflow publishes the Webhook workflow', async () => {
      outputs.push(await n8nCli(['publish:workflow', `--id=${wf.WEBHOOK_WORKFLOW_ID}`], env));
    });

    const started = await report.check(`n8n start: headless on 127.0.0.1:${port}, the editor offers the node and its credential type`, async () => {
      host = await startN8n(env, path.join(userFolder, 'n8n.log'));
      assert.doesNotMatch(host.output, /Failed to load package "n8n-nodes-send-api-request"|Skipping package[^\n]*send-api-request/);
      // The type lists n8n serves its editor, written to its static cache on start.
      const types = path.join(userFolder, '.cache', 'n8n', 'public', 'types');
      const nodes = JSON.parse(fs.readFileSync(path.join(types, 'nodes.json'), 'utf8')).map((n) => n.name);
      assert.ok(nodes.includes(wf.NODE_TYPE), `the editor's node types lack ${wf.NODE_TYPE}`);
      const credentials = JSON.parse(fs.readFileSync(path.join(types, 'credentials.json'), 'utf8')).map((c) => c.name);
      assert.ok(credentials.includes(wf.CREDENTIAL_TYPE), `the editor's credential types lack ${wf.CREDENTIAL_TYPE}`);
    });

    if (started) {
      await report.check('the credential\'s Test button: n8n calls its Test URL; a 2xx passes, a 403 fails naming it; the secret is not sent', async () => {
        const base = `http://127.0.0.1:${port}`;
        const cookie = await ownerSession(base);
        const keys = { values: [{ name: 'TOKEN', value: secret }] };
        const before = api.requests.length;
        const ok = await testCredential(base, cookie, { keys, testUrl: `${api.base}/health` });
        outputs.push(ok.text);
        assert.equal(ok.result && ok.result.status, 'OK', `a 2xx Test URL did not pass: ${ok.text.slice(0, 300)}`);
        const probe = await api.nextRequest(before, 3000);
        assert.equal(probe.method, 'GET');
        assert.equal(probe.url, '/health');
        assertNoSecret(JSON.stringify(probe), secret, 'the credential test request');
        const failed = await testCredential(base, cookie, { keys, testUrl: `${api.base}/fail/health` });
        outputs.push(failed.text);
        assert.equal(failed.result && failed.result.status, 'Error', `a 403 Test URL passed: ${failed.text.slice(0, 300)}`);
        // n8n words it with the reason phrase of the status (403: "Forbidden").
        assert.match(failed.result.message, new RegExp(`${FAIL_STATUS}|Forbidden`), `the failure does not name the status: ${failed.text.slice(0, 300)}`);
      });
    }

    if (started && published) {
      await report.check('a request to the Webhook runs the workflow; the answer is the node output { statusCode, headers, body }', async () => {
        const before = api.requests.length;
        const { res, text } = await postWhenRegistered(`http://127.0.0.1:${port}/webhook/${wf.WEBHOOK_PATH}`, wf.ORDER);
        outputs.push(text);
        assert.equal(res.status, 200, `the webhook answered ${res.status}: ${text.slice(0, 500)}`);
        const req = await api.nextRequest(before, 3000);
        assertApiRequest(req, secret);
        assertResult(JSON.parse(text), 'the webhook answer');
        assertNoSecret(text, secret, 'the webhook answer');
      });
    }

    if (host) await host.stop();
    await report.check('the secret value is in no execution data, no CLI output, no log and no file of the user folder', async () => {
      const rows = await executionRows(userFolder);
      assert.ok(rows.length >= 1, 'n8n saved the executions');
      assert.ok(rows.some((r) => r.data.includes(ANSWER_BODY.orderId)), "the saved execution data holds the node's output");
      for (const row of rows) assertNoSecret(row.data, secret, `the execution data of execution ${row.executionId}`);
      for (const text of outputs) assertNoSecret(text, secret, 'an n8n CLI output or answer');
      if (host) assertNoSecret(host.output, secret, 'the n8n log');
      const leaks = filesContaining(userFolder, secret, (p) => p.endsWith(`${path.sep}nodes`) && p.includes('.n8n'));
      assert.deepEqual(leaks, [], `files holding the secret in plain text: ${leaks.join(', ')}`);
    });
  } finally {
    if (host) await host.stop();
    await api.close();
  }
}

module.exports = { n8nPart };
