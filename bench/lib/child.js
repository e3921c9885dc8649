/** Runs one measurement in a fresh Node process (so peak RSS is its own) and returns what it reports. */
'use strict';
const { fork } = require('node:child_process');
const path = require('node:path');

/** Starts the API server process; resolves with { url, stop(), stats(), reset() }. */
function startServer() {
  const child = fork(path.join(__dirname, 'server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench server did not start within 10 s')), 10000);
    child.once('error', reject);
    child.once('message', (m) => {
      clearTimeout(timer);
      const url = `http://127.0.0.1:${m.port}`;
      const get = async (p) => (await fetch(url + p)).json();
      resolve({
        url,
        stats: () => get('/_stats'),
        reset: () => get('/_reset'),
        stop: () => new Promise((done) => {
          child.once('exit', done);
          child.kill();
        }),
      });
    });
  });
}

/**
 * Forks `script` with the job as JSON in argv[2]; the script answers with process.send({ result }).
 * A worker that hangs is killed after timeoutMs.
 */
function runChild(script, job, { timeoutMs = 300000, execArgv = [], env = {} } = {}) {
  const child = fork(script, [JSON.stringify(job)], {
    execArgv,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(script)} ${JSON.stringify(job).slice(0, 120)} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (m) => {
      if (m && m.type === 'result') result = m.result;
    });
    // 'close', not 'exit': 'exit' can come before the IPC message has been read.
    child.once('close', (code) => {
      clearTimeout(timer);
      if (result !== undefined) resolve(result);
      else reject(new Error(`${path.basename(script)} exited with code ${code} without a result`));
    });
  });
}

/** For workers: send the result to the parent and exit. */
function report(result) {
  process.send({ type: 'result', result }, () => process.exit(0));
}

/** For workers: the job from argv. */
function job() {
  return JSON.parse(process.argv[2] ?? '{}');
}

module.exports = { startServer, runChild, report, job };
