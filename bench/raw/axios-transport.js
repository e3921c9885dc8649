/**
 * The core's former transport, over axios (keep-alive agents, one axios instance, a response stream
 * read into a Buffer), kept in the benchmark only: the measured reason the Node-RED package now
 * ships a transport over node:http (README, "Why Node's http client and not axios"). The shipped
 * version also had the SSRF guard, tls-config material and proxy routes; none of them is on the
 * path of this plain GET, so leaving them out does not flatter the comparison.
 */
'use strict';
const http = require('node:http');
const https = require('node:https');
const axios = require('axios');
const { classifyTransportError } = require('../../dist/shared/index.js');
const { readBodyStream } = require('../../dist/shared/send/body-stream.js');

function createAxiosTransport() {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  const client = axios.create({
    maxRedirects: 0,
    responseType: 'stream',
    decompress: true,
    validateStatus: () => true,
    transformRequest: [(data) => data],
    transformResponse: [(data) => data],
    maxBodyLength: Infinity,
    httpAgent,
    httpsAgent,
  });
  const transport = async (req) => {
    const controller = new AbortController();
    const timer = req.timeout > 0 ? setTimeout(() => controller.abort(), req.timeout) : undefined;
    try {
      const res = await client.request({ method: req.method, url: req.url, headers: { 'User-Agent': 'send-api-request', ...req.headers }, data: req.body, signal: controller.signal });
      const headers = {};
      for (const [k, v] of Object.entries(res.headers.toJSON())) if (v != null) headers[k.toLowerCase()] = v;
      return { statusCode: res.status, statusMessage: res.statusText, headers, body: await readBodyStream(res.data, req.maxResponseBytes) };
    } catch (err) {
      throw classifyTransportError(err);
    } finally {
      clearTimeout(timer);
    }
  };
  transport.destroy = () => {
    httpAgent.destroy();
    httpsAgent.destroy();
  };
  return transport;
}

module.exports = { createAxiosTransport };
