/**
 * The memory floor of a large download in plain Node, no host and no HTTP library: what the memory
 * targets are up against. Two ways to take a 200 MB response: into one Buffer preallocated from
 * Content-Length (what a Node-RED payload needs), and streamed into a file (what n8n's filesystem
 * binary mode does). Prints the peak RSS over the baseline for each.
 *   node --expose-gc bench/raw/memory-floor.js [megabytes]
 */
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const { fork } = require('node:child_process');

const MB = 1048576;
// The size travels to the measuring children in the environment.
const size = Number(process.env.MEMORY_FLOOR_MB || (/^\d+$/.test(process.argv[2] || '') ? process.argv[2] : 200)) * MB;

/** The API server, in its own process so its memory is not counted: `bytes` bytes of octet-stream. */
function serve() {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const server = http.createServer((req, res) => {
    const bytes = Number(new URL(req.url, 'http://x').searchParams.get('bytes'));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes });
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const n = Math.min(chunk.length, bytes - sent);
        sent += n;
        if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
}

function get(port, bytes) {
  return new Promise((resolve, reject) => http.get(`http://127.0.0.1:${port}/?bytes=${bytes}`, resolve).on('error', reject));
}

async function intoOneBuffer(port, bytes) {
  const res = await get(port, bytes);
  const whole = Buffer.allocUnsafe(Number(res.headers['content-length']));
  let offset = 0;
  for await (const chunk of res) offset += chunk.copy(whole, offset);
  return whole;
}

async function intoAFile(port, bytes) {
  const file = path.join(os.tmpdir(), `memory-floor-${process.pid}.bin`);
  await pipeline(await get(port, bytes), fs.createWriteStream(file));
  fs.rmSync(file);
}

/** VmHWM: the process's peak RSS. Each way runs in a fresh process, so the peak is its own. */
function peakRss() {
  return Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
}

async function measure(way, port) {
  const take = way === 'buffer' ? intoOneBuffer : intoAFile;
  await take(port, 1024);
  global.gc();
  global.gc();
  const baseline = process.memoryUsage().rss;
  await take(port, size);
  return (peakRss() - baseline) / MB;
}

if (process.argv[2] === '--serve') serve();
else if (process.argv[2] === '--measure') {
  const [, , , way, port] = process.argv;
  measure(way, Number(port)).then((mb) => process.send(mb));
} else {
  const server = fork(__filename, ['--serve']);
  server.once('message', async (port) => {
    for (const way of ['buffer', 'file']) {
      const child = fork(__filename, ['--measure', way, String(port)], { execArgv: ['--expose-gc'], env: { ...process.env, MEMORY_FLOOR_MB: String(size / MB) } });
      const mb = await new Promise((resolve) => child.once('message', resolve));
      child.kill();
      console.log(`${size / MB} MB ${way === 'buffer' ? 'into one preallocated Buffer' : 'streamed into a file'}: ${mb.toFixed(0)} MB over the baseline (Node ${process.version})`);
    }
    server.kill();
  });
}
