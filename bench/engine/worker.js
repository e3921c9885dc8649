/**
 * The `#` engine against the floor: a request compiled once (compileRequest) and rendered per item
 * (renderRequest, the path both hosts take), against hand-written string concatenation producing the
 * same URL / headers / body. Cases: a URL template, a header set (with a secret), a 1 KB raw-JSON body.
 * Time-boxed: each round renders each case for `ms` milliseconds, contenders alternating.
 */
'use strict';
const path = require('node:path');
const { job, report } = require('../lib/child');

const core = require(path.join(__dirname, '..', '..', 'dist', 'shared', 'index.js'));

const SECRET = 'sk-live-5f4e3d2c1b0a';
const ITEMS = Array.from({ length: 1024 }, (_, i) => ({
  customer: { id: `C-${1000 + i}`, name: `Customer ${i} & Co`, email: `c${i}@example.test`, tier: i % 3 === 0 ? 'gold' : 'basic' },
  order: { id: 50000 + i, total: 19.99 + i, currency: 'EUR', paid: i % 2 === 0, note: `Deliver "after 5pm" #${i}` },
  requestId: `req-${i.toString(16).padStart(8, '0')}`,
  lines: [{ sku: `SKU-${i}`, qty: 1 + (i % 4) }, { sku: 'SKU-GIFT', qty: 1 }],
}));

const enc = encodeURIComponent;
const js = JSON.stringify;
const PAD = 'x'.repeat(680); // brings the rendered body to about 1 KB, like a real payload's fixed parts

const CASES = {
  url: {
    config: { method: 'GET', url: 'https://api.example.test/v1/customers/#customer.id/orders/#order.id?expand=lines&tier=#customer.tier' },
    floor: (v) => ({ url: `https://api.example.test/v1/customers/${enc(v.customer.id)}/orders/${enc(String(v.order.id))}?expand=lines&tier=${enc(v.customer.tier)}` }),
    pick: (p) => ({ url: p.url }),
  },
  headers: {
    config: {
      method: 'GET',
      url: 'https://api.example.test/v1/ping',
      headers: [
        { key: 'Accept', value: 'application/json' },
        { key: 'Authorization', value: 'Bearer #secrets.TOKEN' },
        { key: 'X-Request-Id', value: '#requestId' },
        { key: 'X-Customer', value: '#customer.id' },
        { key: 'X-Tier', value: '#customer.tier' },
        { key: 'User-Agent', value: 'bench/1.0 (#customer.email)' },
      ],
    },
    floor: (v, secrets) => ({
      headers: {
        Accept: 'application/json',
        Authorization: `Bearer ${secrets.TOKEN}`,
        'X-Request-Id': v.requestId,
        'X-Customer': v.customer.id,
        'X-Tier': v.customer.tier,
        'User-Agent': `bench/1.0 (${v.customer.email})`,
      },
    }),
    pick: (p) => ({ headers: p.headers }),
  },
  body: {
    config: {
      method: 'POST',
      url: 'https://api.example.test/v1/orders',
      body: {
        mode: 'raw',
        contentType: 'application/json',
        raw: `{"customer": {"id": #customer.id, "name": #customer.name, "email": #customer.email, "tier": #customer.tier},
 "order": {"id": #order.id, "total": #order.total, "currency": #order.currency, "paid": #order.paid, "note": #order.note},
 "lines": #lines, "requestId": "#requestId", "source": "bench", "meta": {"pad": "${PAD}"}}`,
      },
    },
    floor: (v) => ({
      body: `{"customer": {"id": ${js(v.customer.id)}, "name": ${js(v.customer.name)}, "email": ${js(v.customer.email)}, "tier": ${js(v.customer.tier)}},
 "order": {"id": ${js(v.order.id)}, "total": ${js(v.order.total)}, "currency": ${js(v.order.currency)}, "paid": ${js(v.order.paid)}, "note": ${js(v.order.note)}},
 "lines": ${js(v.lines)}, "requestId": "${v.requestId}", "source": "bench", "meta": {"pad": "${PAD}"}}`,
    }),
    pick: (p) => ({ body: p.body }),
  },
};

/** Renders for `ms` milliseconds; returns renders per second. `sink` keeps the results alive. */
function timed(ms, renderOne) {
  let n = 0;
  let sink = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(ms) * 1000000n;
  let now = t0;
  while (now < end) {
    for (let k = 0; k < 256; k++) sink += renderOne(n++ & 1023) ? 1 : 0;
    now = process.hrtime.bigint();
  }
  if (sink !== n) throw new Error('a render returned nothing');
  return (n / Number(now - t0)) * 1e9;
}

function main() {
  const { rounds, ms } = job();
  const secrets = { TOKEN: SECRET };
  const secretValues = Object.values(secrets);
  const out = {};
  for (const [name, c] of Object.entries(CASES)) {
    const compiled = core.compileRequest(c.config);
    const resolvers = ITEMS.map((values) => core.createPlainResolver({ values, secrets }));
    const ours = (i) => core.renderRequest(compiled, resolvers[i], { secrets: secretValues });
    const floor = (i) => c.floor(ITEMS[i], secrets);
    // Same result, or the comparison means nothing.
    for (const i of [0, 1, 7, 1023]) {
      const a = JSON.stringify(c.pick(ours(i)));
      const b = JSON.stringify(c.floor(ITEMS[i], secrets));
      if (a !== b) throw new Error(`engine case ${name}: ours and the floor differ for item ${i}:\n${a}\n${b}`);
    }
    const size = name === 'body' ? Buffer.byteLength(ours(0).body) : undefined;
    timed(ms, ours); // warm-up for the JIT
    timed(ms, floor);
    const samples = { ours: [], floor: [] };
    for (let r = 0; r < rounds; r++) {
      samples.ours.push(timed(ms, ours));
      samples.floor.push(timed(ms, floor));
    }
    out[name] = { ...samples, bodyBytes: size };
  }
  report(out);
}

main();
