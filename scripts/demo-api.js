// A small demo API for `npm start` and the example-flow tests: a greeting that needs a bearer token,
// and a paged item list (gzip-compressed when the client accepts it). Listens on 127.0.0.1 only.
const http = require('node:http');
const zlib = require('node:zlib');

const DEMO_TOKEN = 'demo-token';
const ITEMS = ['apple', 'banana', 'cherry', 'date', 'elderberry'];

function send(req, res, status, body) {
  let data = Buffer.from(JSON.stringify(body));
  const headers = { 'content-type': 'application/json' };
  if (/\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
    data = zlib.gzipSync(data);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(data.length);
  res.writeHead(status, headers);
  res.end(data);
}

function handle(req, res, body) {
  const url = new URL(req.url, 'http://demo');
  const greet = /^\/greet\/([a-z]+)$/.exec(url.pathname);
  if (greet && req.method === 'POST') {
    if (req.headers.authorization !== `Bearer ${DEMO_TOKEN}`) return send(req, res, 401, { error: 'Missing or wrong bearer token: give TOKEN the value demo-token.' });
    let input = {};
    try {
      input = JSON.parse(body || '{}');
    } catch {
      return send(req, res, 400, { error: 'The body is not JSON.' });
    }
    const hello = { en: 'Hello', fr: 'Bonjour', de: 'Hallo' }[greet[1]] || 'Hi';
    return send(req, res, 200, { greeting: `${hello}, ${input.name || 'stranger'}!`, requestedBy: input.requestedBy, source: url.searchParams.get('source') });
  }
  if (url.pathname === '/items' && req.method === 'GET') {
    const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
    const size = Math.max(1, Number(url.searchParams.get('size')) || 2);
    return send(req, res, 200, { page, items: ITEMS.slice((page - 1) * size, page * size) });
  }
  return send(req, res, 404, { error: `No route ${req.method} ${url.pathname}` });
}

/** Starts the demo API; resolves with its base URL and a close function. */
function startDemoApi(port = 0) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString()));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

module.exports = { startDemoApi, DEMO_TOKEN };
