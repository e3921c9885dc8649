/**
 * Authentication schemes on the secret keys (shared/auth) in the n8n node, in real workflows: the
 * server checks credentials the way real ones do; nothing of a secret or token reaches the run data.
 */
import { CREDENTIAL_TYPE, runWorkflow, sendNode, source, type CredentialStore } from './harness';
import { json, useTestServer, type TestServer } from './server';

const testServer = useTestServer();
let server: TestServer;
beforeEach(() => {
  server = testServer();
});

const USER = 'ann';
const PASSWORD = 'pw-5e6f7a8b9c';
const API_KEY = 'key-1234abcd5678';
const CLIENT_ID = 'client-77aa';
const CLIENT_SECRET = 'client-secret-88bb99cc';
const credentials: CredentialStore = {
  keys: { keys: { values: [
    { name: 'USER', value: USER },
    { name: 'PASSWORD', value: PASSWORD },
    { name: 'API_KEY', value: API_KEY },
    { name: 'CLIENT_ID', value: CLIENT_ID },
    { name: 'CLIENT_SECRET', value: CLIENT_SECRET },
  ] } },
};
const withKeys = { credentials: { [CREDENTIAL_TYPE]: { id: 'keys', name: 'Keys' } } };
const secretsIn = (text: string) => [PASSWORD, API_KEY, CLIENT_SECRET].filter((s) => text.includes(s));

test('Basic: base64 of user:password from the secret keys; a wrong password is a masked 401 error', async () => {
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  server.handle((req, res) => (req.headers.authorization === expected ? json(res, 200, { ok: true }) : json(res, 401, { error: 'no' })));
  const ok = await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: server.url('/basic'), authType: 'basic', authUsername: 'USER', authPassword: 'PASSWORD' }, withKeys)],
    chain: ['Source', 'Send'],
    credentials,
  });
  expect(ok.output('Send')[0].json).toMatchObject({ statusCode: 200 });
  const bad = await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: server.url('/basic'), authType: 'basic', authUsername: 'USER', authPassword: 'API_KEY', options: { retries: 0 } }, withKeys)],
    chain: ['Source', 'Send'],
    credentials,
  });
  expect(bad.error('Send')?.message).toMatch(/401/);
  expect(secretsIn(ok.serialized + bad.serialized)).toEqual([]);
});

test('API key in the query, named by the author', async () => {
  server.handle((req, res) => json(res, new URL(req.url, 'http://x').searchParams.get('api_key') === API_KEY ? 200 : 403, {}));
  const r = await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: server.url('/q?x=1'), authType: 'apiKey', authKeyIn: 'query', authKeyName: 'api_key', authKeySecret: 'API_KEY' }, withKeys)],
    chain: ['Source', 'Send'],
    credentials,
  });
  expect(r.output('Send')[0].json).toMatchObject({ statusCode: 200 });
  expect(secretsIn(r.serialized)).toEqual([]);
});

test('OAuth2 client credentials: one token for all items of an execution, sent as Bearer', async () => {
  let issued = 0;
  server.handle((req, res) => {
    if (req.url === '/token') {
      const form = new URLSearchParams(req.body.toString());
      const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
      if (req.headers.authorization !== basic || form.get('grant_type') !== 'client_credentials') return json(res, 401, { error: 'invalid_client' });
      issued++;
      return json(res, 200, { access_token: `token-${issued}-xyzxyzxyz`, token_type: 'Bearer', expires_in: 3600 });
    }
    return json(res, req.headers.authorization === 'Bearer token-1-xyzxyzxyz' ? 200 : 401, { url: req.url });
  });
  const items = Array.from({ length: 5 }, (_, i) => ({ json: { i } }));
  const r = await runWorkflow({
    nodes: [source(items), sendNode({ url: server.url('/data/#i'), authType: 'oauth2', oauth2TokenUrl: server.url('/token'), oauth2ClientId: 'CLIENT_ID', oauth2ClientSecret: 'CLIENT_SECRET' }, withKeys)],
    chain: ['Source', 'Send'],
    credentials,
  });
  expect(r.error('Send')).toBeUndefined();
  expect(r.output('Send').map((o) => o.json.statusCode)).toEqual([200, 200, 200, 200, 200]);
  expect(issued).toBe(1);
  expect(server.requests.filter((q) => q.url === '/token')).toHaveLength(1);
  expect(secretsIn(r.serialized)).toEqual([]);
  expect(r.serialized).not.toContain('token-1-xyzxyzxyz');
});

test('a scheme naming a secret the credential does not have fails before sending, listing names only', async () => {
  const r = await runWorkflow({
    nodes: [source([{ json: {} }]), sendNode({ url: server.url('/x'), authType: 'bearer', authToken: 'NOPE' }, withKeys)],
    chain: ['Source', 'Send'],
    credentials,
  });
  expect(r.error('Send')?.message).toMatch(/NOPE/);
  expect(r.error('Send')?.message).toMatch(/USER, PASSWORD, API_KEY/);
  expect(server.requests).toHaveLength(0);
  expect(secretsIn(r.serialized)).toEqual([]);
});
