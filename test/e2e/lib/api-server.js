// The local API the flows and workflows call: records every request and answers with a fixed JSON
// body (a 403 under /fail), so a check can compare what the host sent and what it handed back.
const http = require('node:http');

const ANSWER_STATUS = 201;
const ANSWER_BODY = { orderId: 'A-17', status: 'accepted', note: 'from the local API server' };
// Requests under FAIL_PATH get a 403, for the error paths.
const FAIL_PATH = '/fail';
const FAIL_STATUS = 403;
const FAIL_BODY = { error: 'forbidden by the local API server' };

async function startApiServer() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const failing = req.url.startsWith(FAIL_PATH);
      const text = JSON.stringify(failing ? FAIL_BODY : ANSWER_BODY);
      res.writeHead(failing ? FAIL_STATUS : ANSWER_STATUS, { 'content-type': 'application/json', 'x-api-server': 'e2e', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    requests,
    /** Waits (bounded) for the n-th request to arrive. */
    async nextRequest(index, timeoutMs = 15000) {
      const until = Date.now() + timeoutMs;
      while (requests.length <= index) {
        if (Date.now() > until) throw new Error(`the local API server received no request #${index + 1} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return requests[index];
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

module.exports = { startApiServer, ANSWER_STATUS, ANSWER_BODY, FAIL_PATH, FAIL_STATUS };
