/**
 * The node in real workflows (n8n-core WorkflowExecute, compiled package): every `#` root, `{{ }}`
 * islands beside `#`, each body mode, binary in and out. A local server on 127.0.0.1 records what arrived.
 */
import { binaryBuffer, runWorkflow, source, sendNode } from './harness';
import { json, useTestServer, type Received, type TestServer } from './server';

const testServer = useTestServer();
let server: TestServer;
beforeEach(() => {
  server = testServer();
});


const only = (): Received => {
  expect(server.requests).toHaveLength(1);
  return server.requests[0];
};

describe('# roots', () => {
  test('bare names and #json read the current item; each item gets its own request', async () => {
    const r = await runWorkflow({
      nodes: [
        source([{ json: { id: 7, user: { name: 'Ann Lee' } } }, { json: { id: 8, user: { name: 'Bob/Roe' } } }]),
        sendNode({ url: server.url('/users/#id'), query: { values: [{ key: 'name', value: '#json.user.name' }] } }),
      ],
      chain: ['Source', 'Send'],
    });
    expect(r.error('Send')).toBeUndefined();
    expect(server.requests.map((q) => q.url).sort()).toEqual(['/users/7?name=Ann+Lee', '/users/8?name=Bob%2FRoe']);
    const out = r.output('Send');
    expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
    expect((out[0].json.body as { url: string }).url).toBe('/users/7?name=Ann+Lee');
  });

  test('#steps["Node"] reads the paired item of an earlier node, past a node in between', async () => {
    const r = await runWorkflow({
      nodes: [
        source([{ json: { token: 'first-a' } }, { json: { token: 'first-b' } }], 'Start'),
        { name: 'Shape', type: 'test.set', parameters: { fields: '{"later": true}' } },
        sendNode({ url: server.url('/steps'), headers: { values: [{ key: 'x-from-start', value: '#steps["Start"].token' }, { key: 'x-later', value: '#later' }] } }),
      ],
      chain: ['Start', 'Shape', 'Send'],
    });
    expect(r.error('Send')).toBeUndefined();
    expect(server.requests.map((q) => `${q.headers['x-from-start']} ${q.headers['x-later']}`).sort()).toEqual(['first-a true', 'first-b true']);
  });

  test('#steps naming a node that did not run fails before sending, listing the earlier nodes', async () => {
    const r = await runWorkflow({
      nodes: [source([{ json: {} }], 'Start'), sendNode({ url: server.url('/x?v=#steps["Nope"].a') })],
      chain: ['Start', 'Send'],
    });
    const error = r.error('Send');
    expect(error?.message).toMatch(/Unknown variable #steps\["Nope"\]\.a in url/);
    expect(error?.message).toMatch(/Earlier nodes: Start/);
    expect(server.requests).toHaveLength(0);
  });

  test('#env is blocked unless the instance allows expressions to read the environment', async () => {
    process.env.SEND_API_REQUEST_TEST_ENV = 'from-env';
    const wf = () => runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/env?v=#env.SEND_API_REQUEST_TEST_ENV') })], chain: ['Source', 'Send'] });
    const saved = process.env.N8N_BLOCK_ENV_ACCESS_IN_NODE;
    try {
      delete process.env.N8N_BLOCK_ENV_ACCESS_IN_NODE;
      const blocked = await wf();
      expect(blocked.error('Send')?.message).toMatch(/#env\.SEND_API_REQUEST_TEST_ENV.*does not let nodes read environment variables/);
      expect(server.requests).toHaveLength(0);
      process.env.N8N_BLOCK_ENV_ACCESS_IN_NODE = 'false';
      const allowed = await wf();
      expect(allowed.error('Send')).toBeUndefined();
      expect(only().url).toBe('/env?v=from-env');
    } finally {
      if (saved === undefined) delete process.env.N8N_BLOCK_ENV_ACCESS_IN_NODE;
      else process.env.N8N_BLOCK_ENV_ACCESS_IN_NODE = saved;
      delete process.env.SEND_API_REQUEST_TEST_ENV;
    }
  });

  test('an unknown bare name fails with the field, the variable and the item\'s fields', async () => {
    const r = await runWorkflow({ nodes: [source([{ json: { id: 1, email: 'a@b.c' } }]), sendNode({ url: server.url('/u/#idd') })], chain: ['Source', 'Send'] });
    const error = r.error('Send');
    expect(error?.message).toMatch(/Unknown variable #idd in url/);
    expect(error?.message).toMatch(/id, email/);
    expect((error as unknown as { context: Record<string, unknown> }).context).toMatchObject({ code: 'UNKNOWN_VARIABLE', field: 'url', itemIndex: 0 });
  });
});

describe('{{ }} islands beside #', () => {
  test('n8n evaluates each island for the item; its value is encoded for its place and never parsed again', async () => {
    const r = await runWorkflow({
      nodes: [
        source([{ json: { id: 5, dir: 'a/b', tricky: '#secrets.TOKEN {{ 1 + 1 }}' } }]),
        sendNode({
          url: `=${server.url('/items/#id/{{ $json.dir }}')}?n={{ $json.id * 2 }}&t={{ $json.tricky }}`,
          headers: { values: [{ key: 'x-mixed', value: '=#id-{{ $json.id + 1 }}-{{ $json.tricky }}' }] },
          bodyMode: 'fields',
          fields: { values: [{ key: 'n', value: '={{ $json.id * 3 }}' }, { key: 'text', value: '=got {{ $json.tricky }}' }] },
          method: 'POST',
        }),
      ],
      chain: ['Source', 'Send'],
    });
    expect(r.error('Send')).toBeUndefined();
    const q = only();
    expect(q.url).toBe('/items/5/a%2Fb?n=10&t=%23secrets.TOKEN%20%7B%7B%201%20%2B%201%20%7D%7D');
    expect(q.headers['x-mixed']).toBe('5-6-#secrets.TOKEN {{ 1 + 1 }}');
    // A single island keeps its type in a JSON field, like a single # variable.
    expect(JSON.parse(q.body.toString())).toEqual({ n: 15, text: 'got #secrets.TOKEN {{ 1 + 1 }}' });
  });

  test('a field saved in fixed mode sends {{ }} as written, # variables still resolve (as n8n does for fixed values)', async () => {
    const r = await runWorkflow({
      nodes: [
        source([{ json: { id: 5 } }]),
        sendNode({
          method: 'POST',
          url: server.url('/fixed/#id'),
          headers: { values: [{ key: 'x-template', value: 'Hello {{ name }} #id' }, { key: 'x-expr', value: '={{ $json.id + 1 }}' }] },
          bodyMode: 'raw',
          rawBody: '{"template": "<p>{{ first_name }}</p>", "id": #id}',
        }),
      ],
      chain: ['Source', 'Send'],
    });
    expect(r.error('Send')).toBeUndefined();
    const q = only();
    expect(q.url).toBe('/fixed/5');
    expect(q.headers['x-template']).toBe('Hello {{ name }} 5');
    expect(q.headers['x-expr']).toBe('6');
    expect(JSON.parse(q.body.toString())).toEqual({ template: '<p>{{ first_name }}</p>', id: 5 });
  });

  test('a failing expression is a clear error naming the expression', async () => {
    const r = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: `=${server.url('/x')}?a={{ $('Missing').item.json.x }}` })], chain: ['Source', 'Send'] });
    expect(r.error('Send')?.message).toMatch(/The n8n expression \{\{ \$\('Missing'\)\.item\.json\.x \}\} failed: Referenced node doesn't exist/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('body modes', () => {
  const item = { json: { count: 3, tags: ['a', 'b'], name: 'Zoë', on: true } };

  test('fields as JSON keep the type of a single variable', async () => {
    await runWorkflow({
      nodes: [source([item]), sendNode({ method: 'POST', url: server.url('/j'), bodyMode: 'fields', bodyEncoding: 'json', fields: { values: [{ key: 'count', value: '#count' }, { key: 'tags', value: '#tags' }, { key: 'on', value: '#on' }, { key: 'label', value: 'n=#count' }] } })],
      chain: ['Source', 'Send'],
    });
    const q = only();
    expect(q.headers['content-type']).toBe('application/json');
    expect(JSON.parse(q.body.toString())).toEqual({ count: 3, tags: ['a', 'b'], on: true, label: 'n=3' });
  });

  test('fields as a form are URL-encoded text', async () => {
    await runWorkflow({
      nodes: [source([item]), sendNode({ method: 'PUT', url: server.url('/f'), bodyMode: 'fields', bodyEncoding: 'form', fields: { values: [{ key: 'name', value: '#name' }, { key: 'tags', value: '#tags' }] } })],
      chain: ['Source', 'Send'],
    });
    const q = only();
    expect(q.method).toBe('PUT');
    expect(q.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(q.body.toString()).toBe('name=Zo%C3%AB&tags=%5B%22a%22%2C%22b%22%5D');
  });

  test('multipart sends text fields and an n8n binary property (#binary.<property>) as a file part', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255]);
    await runWorkflow({
      nodes: [
        source([{ json: { title: 'Logo' }, binary: { logo: { base64: png.toString('base64'), fileName: 'logo.png', mimeType: 'image/png' } } }]),
        sendNode({ method: 'POST', url: server.url('/m'), bodyMode: 'fields', bodyEncoding: 'multipart', fields: { values: [{ key: 'title', value: '#title' }, { key: 'file', value: '#binary.logo' }] } }),
      ],
      chain: ['Source', 'Send'],
    });
    const q = only();
    const type = String(q.headers['content-type']);
    expect(type).toMatch(/^multipart\/form-data; boundary=/);
    const boundary = type.split('boundary=')[1];
    const body = q.body;
    expect(body.toString('latin1')).toContain('Content-Disposition: form-data; name="title"\r\n\r\nLogo\r\n');
    expect(body.toString('latin1')).toContain('Content-Disposition: form-data; name="file"; filename="logo.png"\r\nContent-Type: image/png\r\n\r\n');
    const start = body.indexOf('Content-Type: image/png\r\n\r\n') + 'Content-Type: image/png\r\n\r\n'.length;
    expect(body.subarray(start, start + png.length).equals(png)).toBe(true);
    expect(body.toString('latin1').endsWith(`--${boundary}--\r\n`)).toBe(true);
  });

  test('raw JSON: a variable in value position is JSON, inside a string it is escaped text', async () => {
    await runWorkflow({
      nodes: [source([{ json: { tags: ['x'], name: 'say "hi"' } }]), sendNode({ method: 'POST', url: server.url('/r'), bodyMode: 'raw', rawBody: '{ "tags": #tags, "msg": "#name!" }' })],
      chain: ['Source', 'Send'],
    });
    const q = only();
    expect(q.headers['content-type']).toBe('application/json');
    expect(JSON.parse(q.body.toString())).toEqual({ tags: ['x'], msg: 'say "hi"!' });
  });

  test('raw text with a content type sends text as written', async () => {
    await runWorkflow({
      nodes: [source([{ json: { name: 'Ann' } }]), sendNode({ method: 'POST', url: server.url('/t'), bodyMode: 'raw', rawBody: '<hello to="#name"/> ##1', contentType: 'application/xml' })],
      chain: ['Source', 'Send'],
    });
    const q = only();
    expect(q.headers['content-type']).toBe('application/xml');
    expect(q.body.toString()).toBe('<hello to="Ann"/> #1');
  });

  test('binary mode sends the input binary property named by the binaryProperty option, with its MIME type', async () => {
    const pdf = Buffer.from('%PDF-1.4 fake \x00\x01\x02', 'latin1');
    await runWorkflow({
      nodes: [
        source([{ json: {}, binary: { doc: { base64: pdf.toString('base64'), fileName: 'a.pdf', mimeType: 'application/pdf' } } }]),
        sendNode({ method: 'POST', url: server.url('/b'), bodyMode: 'binary', options: { binaryProperty: 'doc' } }),
      ],
      chain: ['Source', 'Send'],
    });
    const q = only();
    expect(q.headers['content-type']).toBe('application/pdf');
    expect(q.body.equals(pdf)).toBe(true);
  });

  test('binary mode without that binary property fails naming the properties the item has', async () => {
    const r = await runWorkflow({
      nodes: [source([{ json: {}, binary: { other: { base64: 'AA==', mimeType: 'application/octet-stream' } } }]), sendNode({ method: 'POST', url: server.url('/b'), bodyMode: 'binary' })],
      chain: ['Source', 'Send'],
    });
    expect(r.error('Send')?.message).toMatch(/#binary\["data"\].*Binary properties of the input item: other/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('responses', () => {
  test('a binary response goes into the binary property with its file name and MIME type', async () => {
    const bytes = Buffer.from([0, 1, 2, 3, 250, 251]);
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-disposition': 'attachment; filename="pic.png"' });
      res.end(bytes);
    });
    const r = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/file'), options: { binaryProperty: 'picture' } })], chain: ['Source', 'Send'] });
    const [item] = r.output('Send');
    expect(item.json).toMatchObject({ statusCode: 200 });
    expect(item.binary?.picture).toMatchObject({ fileName: 'pic.png', mimeType: 'image/png' });
    expect((await binaryBuffer(item, 'picture')).equals(bytes)).toBe(true);
    expect(item.pairedItem).toEqual({ item: 0 });
  });

  test('body only, and a JSON-array body split into items, each paired to its input', async () => {
    server.handle((req, res) => json(res, 200, req.url === '/list' ? [{ n: 1 }, { n: 2 }, { n: 3 }] : { ok: true }));
    const split = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/list'), options: { responseOutput: 'body', splitIntoItems: true } })], chain: ['Source', 'Send'] });
    expect(split.output('Send').map((i) => [i.json, i.pairedItem])).toEqual([[{ n: 1 }, { item: 0 }], [{ n: 2 }, { item: 0 }], [{ n: 3 }, { item: 0 }]]);
    const body = await runWorkflow({ nodes: [source([{ json: {} }]), sendNode({ url: server.url('/one'), options: { responseOutput: 'body' } })], chain: ['Source', 'Send'] });
    expect(body.output('Send')[0].json).toEqual({ ok: true });
  });
});
