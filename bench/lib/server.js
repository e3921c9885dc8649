/**
 * The loopback API server for the benchmarks, run in its own process (forked by run.js) so its CPU
 * time is not the contenders'. Keep-alive on; small JSON answers that echo the item id (the workers
 * check every answer); a large binary answer streamed with backpressure; connection counters.
 *
 *   /items/<id>[?...]   200 application/json {"id":<id>,"name":"item-<id>","ok":true,...}
 *   /large?bytes=N      200 application/octet-stream, N bytes
 *   /_stats             {"connections":n,"requests":n} since the last /_reset
 *   /_reset             zeroes the counters
 */
'use strict';
const http = require('node:http');

const CHUNK = Buffer.alloc(1024 * 1024, 0x61);
let connections = 0;
let requests = 0;

function large(res, bytes) {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
  let left = bytes;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

function item(res, id) {
  const body = JSON.stringify({ id, name: `item-${id}`, ok: true, price: 12.5, tags: ['bench', 'loopback'] });
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/_stats') return void res.end(JSON.stringify({ connections, requests }));
  if (url.pathname === '/_reset') {
    connections = 0;
    requests = 0;
    return void res.end('{}');
  }
  requests++;
  req.resume(); // a request body is read and dropped
  req.on('end', () => {
    if (url.pathname === '/large') return large(res, Number(url.searchParams.get('bytes') ?? 0));
    if (url.pathname.startsWith('/items/')) return item(res, decodeURIComponent(url.pathname.slice(7)));
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  });
});
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;
server.maxRequestsPerSocket = 0;
server.on('connection', () => connections++);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ type: 'ready', port });
  else console.log(`bench server on http://127.0.0.1:${port}`);
});
process.on('disconnect', () => process.exit(0));
