/**
 * Every authentication scheme in the n8n node, in real workflows, against the same credential-checking
 * servers the Node-RED tests use (test/shared/auth/support/auth-servers.ts): Bearer, API key in a
 * header, Digest with MD5, SHA-256 and SHA-256-sess challenges, and OAuth2 client credentials (one
 * token for 100 items, fetched again when it expires within an execution). Nothing of a secret or a
 * token reaches the execution data.
 */
import { apiKeyServer, bearerServer, digestServer, oauth2Server, parseDigestAuthorization, type TestServer } from '../shared/auth/support/auth-servers';
import { expectNothingOf } from '../shared/auth/support/client';
import { CREDENTIAL_TYPE, runWorkflow, sendNode, source, type CredentialStore } from './harness';

const USER = 'dora';
const PASSWORD = 'pw-Digest-n8n-5ecret-2290';
const TOKEN = 'tok-Bearer-n8n-5ecret-8812';
const API_KEY = 'key-Header-n8n-5ecret-6634';
const CLIENT_ID = 'client-Id-n8n-5ecret-1021';
const CLIENT_SECRET = 'client-Pass-n8n-5ecret-3307';
const SECRETS = [PASSWORD, TOKEN, API_KEY, CLIENT_SECRET, Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')];

const credentials: CredentialStore = {
  keys: { keys: { values: Object.entries({ USER, PASSWORD, TOKEN, API_KEY, CLIENT_ID, CLIENT_SECRET }).map(([name, value]) => ({ name, value })) } },
};
const withKeys = { credentials: { [CREDENTIAL_TYPE]: { id: 'keys', name: 'Keys' } } };

let servers: TestServer[] = [];
async function serve<T extends TestServer>(started: Promise<T>): Promise<T> {
  const s = await started;
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ json: { i } }));

async function run(parameters: Record<string, unknown>, count = 1, timeoutMs?: number) {
  return runWorkflow({
    nodes: [source(items(count)), sendNode({ options: { retries: 0 }, ...parameters } as never, withKeys)],
    chain: ['Source', 'Send'],
    credentials,
    timeoutMs,
  });
}

test('Bearer: the token secret in Authorization; a wrong token is a 401 error without either token', async () => {
  const server = await serve(bearerServer(TOKEN));
  const ok = await run({ url: server.url('/b'), authType: 'bearer', authToken: 'TOKEN' });
  expect(ok.output('Send')[0].json).toMatchObject({ statusCode: 200, body: { ok: true } });
  expect(server.seen[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
  const bad = await run({ url: server.url('/b'), authType: 'bearer', authToken: 'API_KEY' });
  // The server echoes what it got in its 401 body; the error shows it masked.
  expect(bad.error('Send')?.message).toMatch(/401/);
  expectNothingOf(ok.serialized + bad.serialized, SECRETS);
});

test('API key in a header named by the author', async () => {
  const server = await serve(apiKeyServer('X-Api-Key', API_KEY, 'header'));
  const r = await run({ url: server.url('/k'), authType: 'apiKey', authKeyIn: 'header', authKeyName: 'X-Api-Key', authKeySecret: 'API_KEY' });
  expect(r.output('Send')[0].json).toMatchObject({ statusCode: 200 });
  expect(server.seen[0].headers['x-api-key']).toBe(API_KEY);
  expectNothingOf(r.serialized, SECRETS);
});

test.each(['MD5', 'SHA-256', 'SHA-256-sess'])('Digest %s: the challenge answered once per item, with a POST body', async (algorithm) => {
  const server = await serve(digestServer({ user: USER, password: PASSWORD, algorithms: [algorithm] }));
  const r = await run({ url: server.url('/d?x=#i'), method: 'POST', bodyMode: 'raw', rawBody: 'item #i', contentType: 'text/plain', authType: 'digest', authUsername: 'USER', authPassword: 'PASSWORD' }, 2);
  expect(r.error('Send')).toBeUndefined();
  expect(r.output('Send').map((o) => o.json.statusCode)).toEqual([200, 200]);
  expect(r.output('Send').map((o) => (o.json.body as { body: string }).body).sort()).toEqual(['item 0', 'item 1']);
  // Two exchanges per item: the unanswered request, then the answer to its challenge.
  expect(server.seen).toHaveLength(4);
  const answered = server.seen.filter((s) => s.headers.authorization);
  expect(answered).toHaveLength(2);
  for (const s of answered) expect(parseDigestAuthorization(s.headers.authorization)?.algorithm).toBe(algorithm);
  expectNothingOf(r.serialized, SECRETS);
});

test('Digest with a wrong password: AUTH_FAILED after the challenge, naming the scheme and 401, nothing secret', async () => {
  const server = await serve(digestServer({ user: USER, password: 'not-the-password-7731', algorithms: ['SHA-256'] }));
  const r = await run({ url: server.url('/d'), authType: 'digest', authUsername: 'USER', authPassword: 'PASSWORD' });
  expect(r.error('Send')?.message).toMatch(/Digest authentication failed: .*401/);
  expect(server.seen).toHaveLength(2);
  expectNothingOf(r.serialized, SECRETS);
});

describe('OAuth2 client credentials', () => {
  const oauth = (tokenUrl: string, url: string) => ({ url, authType: 'oauth2', oauth2TokenUrl: tokenUrl, oauth2ClientId: 'CLIENT_ID', oauth2ClientSecret: 'CLIENT_SECRET' });

  test('one token request for 100 items; every API request carries that token; no token in the execution data', async () => {
    const server = await serve(oauth2Server({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, lifetimeSeconds: 3600 }));
    const r = await run(oauth(server.tokenUrl, server.url('/api/items/#i')), 100);
    expect(r.error('Send')).toBeUndefined();
    expect(r.output('Send').map((o) => o.json.statusCode)).toEqual(Array(100).fill(200));
    expect(server.tokenRequests).toBe(1);
    expect(server.served).toBe(100);
    const api = server.seen.filter((s) => s.url.startsWith('/api/'));
    expect(new Set(api.map((s) => s.headers.authorization))).toEqual(new Set([`Bearer ${server.issued[0]}`]));
    expectNothingOf(r.serialized, [...SECRETS, ...server.issued]);
  });

  test('a token that expires during the execution is fetched again (items one second apart, 1 s tokens)', async () => {
    // Renewed a tenth of its lifetime before it expires: the items at 0, 1 and 2 s each need a new one.
    const server = await serve(oauth2Server({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, lifetimeSeconds: 1 }));
    const r = await run({ ...oauth(server.tokenUrl, server.url('/api/items/#i')), options: { retries: 0, batchSize: 1, batchInterval: 1000 } }, 3, 20000);
    expect(r.error('Send')).toBeUndefined();
    expect(r.output('Send').map((o) => o.json.statusCode)).toEqual([200, 200, 200]);
    expect(server.tokenRequests).toBe(3);
    const api = server.seen.filter((s) => s.url.startsWith('/api/'));
    expect(api.map((s) => s.headers.authorization)).toEqual(server.issued.map((t) => `Bearer ${t}`));
    expectNothingOf(r.serialized, [...SECRETS, ...server.issued]);
  });

  test('a refused token request is AUTH_FAILED naming OAuth2 and the status, without the client secret', async () => {
    const server = await serve(oauth2Server({ clientId: CLIENT_ID, clientSecret: 'the-right-one-5512', lifetimeSeconds: 3600 }));
    const r = await run(oauth(server.tokenUrl, server.url('/api/items/#i')));
    expect(r.error('Send')?.message).toMatch(/OAuth2/);
    expect(r.error('Send')?.message).toMatch(/401/);
    expect(server.served).toBe(0);
    expectNothingOf(r.serialized, SECRETS);
  });
});
