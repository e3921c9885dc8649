/**
 * A PROTOTYPE of a leaner transport for the core, over undici.request (keep-alive pool): measured by
 * the benchmark to see what a transport swap would give, not shipped. It keeps the core's Transport
 * contract (one exchange, whole-exchange timeout, abort, size limit, gzip/deflate/br) but not yet
 * everything the axios transport does (SSRF guard on the connected address, tls-config material,
 * proxy from the environment): those would be an undici Agent's connect options and a ProxyAgent.
 */
'use strict';
const zlib = require('node:zlib');
const { Agent, request } = require('undici');
const { TransportError, classifyTransportError } = require('../../dist/shared/index.js');

const DECODERS = { gzip: zlib.createGunzip, 'x-gzip': zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress };

async function readBody(body, encoding, limit) {
  const decode = DECODERS[String(encoding ?? '').trim().toLowerCase()];
  const source = decode ? body.pipe(decode()) : body;
  const chunks = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (limit > 0 && size > limit) {
      body.destroy();
      throw new TransportError('tooLarge', `The response is larger than ${limit} bytes.`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

function createUndiciTransport() {
  const dispatcher = new Agent({ keepAliveTimeout: 30000 });
  const insecure = new Agent({ keepAliveTimeout: 30000, connect: { rejectUnauthorized: false } });
  const transport = async (req) => {
    const timeoutSignal = req.timeout > 0 ? AbortSignal.timeout(req.timeout) : undefined;
    const signals = [req.signal, timeoutSignal].filter(Boolean);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: { 'user-agent': 'send-api-request', ...req.headers },
        body: req.body,
        signal,
        dispatcher: req.ignoreTlsErrors ? insecure : dispatcher,
      });
      const body = await readBody(res.body, res.headers['content-encoding'], req.maxResponseBytes);
      return { statusCode: res.statusCode, headers: res.headers, body };
    } catch (err) {
      if (timeoutSignal?.aborted && !req.signal?.aborted) throw new TransportError('timeout', `no answer within ${req.timeout} ms`, 'ETIMEDOUT');
      throw classifyTransportError(err);
    }
  };
  transport.destroy = () => {
    void dispatcher.close();
    void insecure.close();
  };
  return transport;
}

module.exports = { createUndiciTransport };
