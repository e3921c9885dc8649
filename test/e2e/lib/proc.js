// Processes and ports for the end-to-end parts: Node 24, commands with a time limit, long-running
// hosts in their own process group (so stopping one stops its children), and HTTP readiness.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.join(__dirname, '..', '..', '..');

/** Node 24 from the `node` devDependency: n8n 2.41 and Node-RED 5 need it. */
function node24() {
  const shipped = path.join(root, 'node_modules', 'node', 'bin', 'node');
  if (fs.existsSync(shipped)) return shipped;
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  throw new Error('Node 24 is missing: run `npm ci` (the `node` devDependency provides it).');
}

/** An environment whose `node` and `npm` run on Node 24. */
function node24Env(extra = {}) {
  const bin = path.dirname(node24());
  return { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH || ''}`, ...extra };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Hosts and commands still running, so an interrupted run (Ctrl+C) can stop them: they run in their own process
// groups and would not see the terminal's signal.
const live = new Set();

async function stopAll() {
  await Promise.all([...live].map((host) => host.stop()));
}

/**
 * Runs a command to completion with a time limit; resolves with its output, rejects (with the output's
 * tail) on a non-zero exit or the time limit.
 */
function run(cmd, args, { cwd = root, env = process.env, timeoutMs = 10 * 60000, label = `${cmd} ${args.join(' ')}` } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const handle = { stop: async () => killGroup(child) };
    live.add(handle);
    let out = '';
    const keep = (c) => {
      out += c.toString();
      if (out.length > 2_000_000) out = out.slice(-1_000_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${label}: no end after ${Math.round(timeoutMs / 1000)} s\n${tail(out)}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      live.delete(handle);
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${label}: exit code ${code}\n${tail(out)}`));
    });
  });
}

/** Starts a long-running host; its output goes to logFile and is kept for checks. */
function startProcess(cmd, args, { cwd = root, env = process.env, logFile }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.createWriteStream(logFile);
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const host = { child, output: '', exited: false, exitCode: undefined };
  const keep = (c) => {
    host.output += c.toString();
    log.write(c);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  live.add(host);
  child.on('exit', (code) => {
    host.exited = true;
    host.exitCode = code;
    live.delete(host);
  });
  host.stop = async () => {
    if (host.exited) return;
    const exited = new Promise((r) => child.once('exit', r));
    killGroup(child, 'SIGTERM');
    const force = setTimeout(() => killGroup(child, 'SIGKILL'), 10000);
    await exited;
    clearTimeout(force);
    log.end();
  };
  return host;
}

function killGroup(child, signal = 'SIGKILL') {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** Polls url until it answers (any status below 500) or the host exits or time runs out. */
async function waitForHttp(url, host, timeoutMs) {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (host && host.exited) throw new Error(`the host exited (code ${host.exitCode}) before ${url} answered\n${tail(host.output)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.status < 500) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s (${last})\n${tail(host ? host.output : '')}`);
}

/** Waits until the host has printed text matching pattern (n8n prints its URL once fully started). */
async function waitForOutput(host, pattern, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (!pattern.test(host.output)) {
    if (host.exited) throw new Error(`the host exited (code ${host.exitCode}) before printing ${pattern}\n${tail(host.output)}`);
    if (Date.now() > until) throw new Error(`the host did not print ${pattern} within ${Math.round(timeoutMs / 1000)} s\n${tail(host.output)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function tail(text, lines = 40) {
  return String(text).split('\n').slice(-lines).join('\n');
}

module.exports = { root, node24, node24Env, freePort, run, startProcess, stopAll, waitForHttp, waitForOutput, tail };
