// A local n8n for the end-to-end test and `npm run start:n8n`: installed once into .tmp/n8n-host
// (reused while the version matches), run on Node 24 with its own user folder, our package installed
// where n8n loads community packages from (<N8N_USER_FOLDER>/.n8n/nodes/node_modules).
const fs = require('node:fs');
const path = require('node:path');
const { root, node24, node24Env, run, startProcess, waitForHttp, waitForOutput } = require('./proc');
const { PACKAGES, tarball, npmInstall } = require('./artifacts');

// 2.41.3 does not resolve from the registry this project uses; 2.41.1 installs whole.
const N8N_VERSION = '2.41.1';
// E2E_N8N_HOST_DIR moves the cache (e.g. to a folder a CI keeps between runs).
const hostDir = process.env.E2E_N8N_HOST_DIR ? path.resolve(process.env.E2E_N8N_HOST_DIR) : path.join(root, '.tmp', 'n8n-host');
const marker = path.join(hostDir, 'installed.json');
const n8nBin = path.join(hostDir, 'node_modules', 'n8n', 'bin', 'n8n');

function installedVersion() {
  try {
    const m = JSON.parse(fs.readFileSync(marker, 'utf8'));
    return fs.existsSync(n8nBin) ? m.version : undefined;
  } catch {
    return undefined;
  }
}

/** One installer at a time (the e2e test and start:n8n may race): a lock directory owned by a pid. */
async function withInstallLock(fn) {
  const lock = `${hostDir}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const until = Date.now() + 40 * 60000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let owner;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
        process.kill(owner, 0);
      } catch {
        fs.rmSync(lock, { recursive: true, force: true }); // its owner is gone
        continue;
      }
      if (Date.now() > until) throw new Error(`another n8n install (pid ${owner}) holds ${lock}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Installs n8n into the cache unless it is there already. n8n's install scripts are skipped (one of
 * its dependencies runs a pnpm-only check), then the one native module n8n needs, sqlite3, is rebuilt.
 * Returns whether it installed now and how long it took.
 */
async function ensureN8n(log = console.log) {
  if (installedVersion() === N8N_VERSION) return { installedNow: false, took: 0 };
  return withInstallLock(async () => {
    if (installedVersion() === N8N_VERSION) return { installedNow: false, took: 0 };
    const started = Date.now();
    log(`    installing n8n@${N8N_VERSION} into ${path.relative(root, hostDir)} (once; about 10 minutes)…`);
    fs.rmSync(marker, { force: true });
    await npmInstall(hostDir, [`n8n@${N8N_VERSION}`], { timeoutMs: 40 * 60000, extraArgs: ['--ignore-scripts'] });
    log('    rebuilding sqlite3 for Node 24 (about 3 minutes)…');
    await run('npm', ['rebuild', 'sqlite3', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: hostDir, env: node24Env(), timeoutMs: 20 * 60000 });
    fs.writeFileSync(marker, `${JSON.stringify({ version: N8N_VERSION, installedAt: new Date().toISOString() }, null, 2)}\n`);
    return { installedNow: true, took: Date.now() - started };
  });
}

/**
 * The environment of one n8n instance: loopback only, no calls home, sqlite in the user folder. The
 * task broker gets its own port so that two instances (the e2e test and start:n8n) can run at once.
 * Without an encryptionKey n8n makes one and keeps it in <userFolder>/.n8n/config.
 */
function n8nEnv(userFolder, { port, brokerPort, encryptionKey }) {
  return node24Env({
    N8N_USER_FOLDER: userFolder,
    ...(encryptionKey ? { N8N_ENCRYPTION_KEY: encryptionKey } : {}),
    N8N_PORT: String(port),
    N8N_RUNNERS_BROKER_PORT: String(brokerPort),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_PROTOCOL: 'http',
    N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
    N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
    N8N_SECURE_COOKIE: 'false',
    DB_TYPE: 'sqlite',
    N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
    N8N_COMMUNITY_PACKAGES_PREVENT_LOADING: 'false',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_AI_ENABLED: 'false',
    EXTERNAL_FRONTEND_HOOKS_URLS: '',
    N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
    N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
    N8N_LOG_LEVEL: 'info',
  });
}

/** Installs the packed n8n package as a community package of this user folder. */
async function installCommunityPackage(userFolder) {
  const pkg = tarball(PACKAGES.n8n);
  const nodesDir = path.join(userFolder, '.n8n', 'nodes');
  // A plain `npm install`, as n8n's manual-install instructions say: npm also installs the peer
  // dependency n8n-workflow beside it (n8n's own installer leaves peers out; both work).
  await npmInstall(nodesDir, [pkg]);
  return pkg;
}

/** Runs one n8n CLI command (import:…, execute, …) to completion. */
function n8nCli(args, env, timeoutMs = 5 * 60000) {
  return run(node24(), [n8nBin, ...args], { cwd: env.N8N_USER_FOLDER, env, timeoutMs, label: `n8n ${args.join(' ')}` });
}

/**
 * Starts `n8n start` and waits until it is fully up: /healthz answers early, webhooks and the editor
 * only once n8n prints its editor URL.
 */
async function startN8n(env, logFile, timeoutMs = 5 * 60000) {
  const host = startProcess(node24(), [n8nBin, 'start'], { cwd: env.N8N_USER_FOLDER, env, logFile });
  try {
    await waitForHttp(`http://127.0.0.1:${env.N8N_PORT}/healthz`, host, timeoutMs);
    await waitForOutput(host, /Editor is now accessible via/, timeoutMs);
  } catch (err) {
    await host.stop();
    throw err;
  }
  return host;
}

module.exports = { N8N_VERSION, hostDir, n8nBin, ensureN8n, n8nEnv, installCommunityPackage, n8nCli, startN8n };
