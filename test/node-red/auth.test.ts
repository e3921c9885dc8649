/**
 * Authentication schemes (issue 8) in the real Node-RED runtime: each scheme against a real local
 * server that checks credentials, the OAuth2 token cached per node, errors delivered to a Catch node
 * with the message kept, and no secret or token in outputs, errors, node status or logs.
 */
import { apiKeyServer, basicServer, bearerServer, digestServer, oauth2Server, parseDigestAuthorization, type OAuth2Server, type TestServer } from '../shared/auth/support/auth-servers';
import { expectNothingOf } from '../shared/auth/support/client';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../support/tls';
import { TAB, collect, coreNode, flowWith, helper, requestNode, sendApiRequestNode, until } from './support';

const tlsNode = coreNode('network/05-tls.js');

const KEYS = 'keys';
const USER = 'alice';
const PASSWORD = 'pw-Basic-5ecret-7341';
const TOKEN = 'tok-Bearer-5ecret-9921';
const API_KEY = 'key-Api-5ecret-1187';
const CLIENT_ID = 'client-Id-5ecret-4410';
const CLIENT_SECRET = 'client-Pass-5ecret-6602';
const SECRETS: Record<string, string> = { USER, PASSWORD, TOKEN, API_KEY, CLIENT_ID, CLIENT_SECRET };

let servers: Array<{ close(): Promise<void> }> = [];

async function serve<T extends { close(): Promise<void> }>(started: Promise<T>): Promise<T> {
  const s = await started;
  servers.push(s);
  return s;
}

afterEach(async () => {
  await helper.unload();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

type Msg = Record<string, unknown>;

/** Deploys a request node using the secret keys node `keys` (JSON credential: every name of SECRETS). */
async function deploy(props: Msg, opts: { withCatch?: boolean; tls?: Msg } = {}): Promise<void> {
  const nodes = [{ id: KEYS, type: 'send-api-request-secrets', name: 'auth keys' }, requestNode({ secrets: KEYS, retries: '0', ...props })];
  if (opts.tls) nodes.push(opts.tls);
  // Without a Catch node the runtime logs the error instead (Node-RED logs only uncaught errors).
  const flow = opts.withCatch === false ? [TAB, ...nodes, { id: 'out', type: 'helper', z: 'tab1', wires: [] }] : flowWith(...nodes);
  await helper.load([tlsNode, sendApiRequestNode], flow, { [KEYS]: { secrets: JSON.stringify(SECRETS) }, tls: {} });
}

/** Sends `count` messages (payload = index) and returns what reached the output, in arrival order. */
async function sendMany(count: number, timeoutMs = 15000): Promise<Msg[]> {
  const got = collect(helper.getNode('out'), count, timeoutMs);
  for (let i = 0; i < count; i++) helper.getNode('req').receive({ payload: i, topic: `m${i}` });
  return got;
}

async function sendOne(msg: Msg = { payload: 'keep me', topic: 't' }): Promise<Msg> {
  const got = collect(helper.getNode('out'), 1);
  helper.getNode('req').receive(msg);
  return (await got)[0];
}

async function failOne(msg: Msg = { payload: 'keep me', topic: 't' }): Promise<Msg> {
  const got = collect(helper.getNode('caught'), 1);
  helper.getNode('req').receive(msg);
  return (await got)[0];
}

/** Node-RED hands Catch the error's message, code and stack; the field is named in the message. */
function errorOf(caught: Msg): { message: string; code?: string } {
  return caught.error as { message: string; code?: string };
}

function text(value: unknown): string {
  if (value instanceof Error) return `${value.message}\n${value.stack ?? ''}\n${JSON.stringify(value)}`;
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Every log entry of the runtime (the node's error/warn/log and the runtime's own), as text. */
function logsText(): string {
  return helper.log().args.map(([entry]) => {
    const e = entry as { msg?: unknown };
    return `${text(e.msg)}\n${text(entry)}`;
  }).join('\n');
}

/** Every status the nodes showed, as text. */
function statusText(): string {
  const spy = helper.getNode('req').status as unknown as { getCalls(): Array<{ args: unknown[] }> };
  return spy.getCalls().map((c) => text(c.args)).join('\n');
}

const base64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('each scheme against a server that checks credentials', () => {
  test('Basic: the username and password secrets as base64, nothing of them in the output, status or logs', async () => {
    const server = await serve(basicServer(USER, PASSWORD));
    await deploy({ url: server.url('/basic'), authType: 'basic', authUsername: 'USER', authPassword: '#secrets.PASSWORD' });
    const msg = await sendOne();
    expect(msg.statusCode).toBe(200);
    expect(msg.payload).toEqual({ ok: true, user: USER });
    expect(msg.topic).toBe('t');
    expect(server.seen[0].headers.authorization).toBe(`Basic ${base64(`${USER}:${PASSWORD}`)}`);
    // The API's own body names the user; everything else the node made must hold nothing secret.
    expectNothingOf(text({ ...msg, payload: undefined }), [PASSWORD, base64(`${USER}:${PASSWORD}`)]);
    expectNothingOf(`${text(msg)}\n${statusText()}\n${logsText()}`, [PASSWORD, base64(`${USER}:${PASSWORD}`)]);
  });

  test('Bearer: the token secret in Authorization', async () => {
    const server = await serve(bearerServer(TOKEN));
    await deploy({ url: server.url('/bearer'), authType: 'bearer', authToken: 'TOKEN' });
    const msg = await sendOne();
    expect(msg.statusCode).toBe(200);
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expectNothingOf(`${text(msg)}\n${statusText()}\n${logsText()}`, [TOKEN]);
  });

  test('API key in a header', async () => {
    const server = await serve(apiKeyServer('X-API-Key', API_KEY, 'header'));
    await deploy({ url: server.url('/key?page=1'), authType: 'apiKey', authKeyName: 'X-API-Key', authKeyIn: 'header', authKeySecret: 'API_KEY' });
    const msg = await sendOne();
    expect(msg.statusCode).toBe(200);
    expect(server.seen[0].headers['x-api-key']).toBe(API_KEY);
    expect(server.seen[0].url).toBe('/key?page=1');
    expectNothingOf(`${text(msg)}\n${statusText()}\n${logsText()}`, [API_KEY]);
  });

  test('API key in the query: added to the query the node built, absent from msg.responseUrl', async () => {
    const server = await serve(apiKeyServer('api_key', API_KEY, 'query'));
    await deploy({ url: server.url('/key'), query: [{ key: 'page', value: '#page' }], authType: 'apiKey', authKeyName: 'api_key', authKeyIn: 'query', authKeySecret: 'API_KEY' });
    const msg = await sendOne({ page: 2, payload: 'p' });
    expect(msg.statusCode).toBe(200);
    expect(new URL(server.seen[0].url, 'http://x').searchParams.get('api_key')).toBe(API_KEY);
    expect(new URL(server.seen[0].url, 'http://x').searchParams.get('page')).toBe('2');
    // The test API echoes the query it got in its body; what the node itself put on msg must not.
    expectNothingOf(text({ ...msg, payload: undefined }), [API_KEY]);
    expect(msg.responseUrl).toBe(`${server.url('/key')}?page=2&api_key=***`);
    expectNothingOf(`${statusText()}\n${logsText()}`, [API_KEY]);
  });

  test('a #secrets value written into the query by hand is masked in msg.responseUrl too', async () => {
    const server = await serve(apiKeyServer('api_key', API_KEY, 'query'));
    await deploy({ url: server.url('/key'), query: [{ key: 'api_key', value: '#secrets.API_KEY' }] });
    const msg = await sendOne();
    expect(msg.statusCode).toBe(200);
    expect(msg.responseUrl).toBe(`${server.url('/key')}?api_key=***`);
  });

  test.each(['MD5', 'SHA-256', 'SHA-256-sess'])('Digest %s: the challenge answered once, with a POST body', async (algorithm) => {
    const server = await serve(digestServer({ user: USER, password: PASSWORD, algorithms: [algorithm] }));
    await deploy({ url: server.url('/digest?x=1'), method: 'POST', bodyMode: 'raw', rawBody: 'hello', contentType: 'text/plain', authType: 'digest', authUsername: 'USER', authPassword: 'PASSWORD' });
    const msg = await sendOne();
    expect(server.lastRefusal).toBe('no credentials');
    expect(msg.statusCode).toBe(200);
    expect(msg.payload).toEqual({ ok: true, method: 'POST', body: 'hello' });
    expect(server.seen).toHaveLength(2);
    expect(parseDigestAuthorization(server.seen[1].headers.authorization)?.algorithm).toBe(algorithm);
    expectNothingOf(`${text(msg)}\n${statusText()}\n${logsText()}`, [PASSWORD]);
  });
});

test('a tls-config node with verification off keeps the authentication (the node is compiled again for it)', async () => {
  const { key, cert } = selfSignedCertificate();
  const authorizations: Array<string | undefined> = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    authorizations.push(req.headers.authorization);
    res.writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
  const tls = { id: 'tls', type: 'tls-config', cert: '', key: '', ca: '', verifyservercert: false };
  await deploy({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/s`, tls: 'tls', authType: 'bearer', authToken: 'TOKEN' }, { tls });
  const msg = await sendOne();
  expect(msg.statusCode).toBe(200);
  expect(authorizations).toEqual([`Bearer ${TOKEN}`]);
});

describe('OAuth2 client credentials', () => {
  const oauthProps = (server: OAuth2Server, extra: Msg = {}): Msg => ({
    url: server.url('/api/items'),
    authType: 'oauth2',
    oauth2TokenUrl: server.tokenUrl,
    oauth2ClientId: 'CLIENT_ID',
    oauth2ClientSecret: 'CLIENT_SECRET',
    ...extra,
  });

  function expectNoToken(server: OAuth2Server, shown: string): void {
    expectNothingOf(shown, [CLIENT_ID, CLIENT_SECRET, base64(`${CLIENT_ID}:${CLIENT_SECRET}`), ...server.issued]);
  }

  test('one token request for 100 messages; every API request carries that token; none of it in outputs, status or logs', async () => {
    const server = await serve(oauth2Server({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, lifetimeSeconds: 3600 }));
    await deploy(oauthProps(server));
    const msgs = await sendMany(100);
    expect(msgs.map((m) => m.statusCode)).toEqual(Array(100).fill(200));
    expect(msgs.map((m) => m.payload).every((p) => (p as Msg).ok === true)).toBe(true);
    expect(server.tokenRequests).toBe(1);
    expect(server.served).toBe(100);
    const apiCalls = server.seen.filter((r) => r.url === '/api/items');
    expect(new Set(apiCalls.map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${server.issued[0]}`]));
    expectNoToken(server, `${text(msgs)}\n${statusText()}\n${logsText()}`);
  });

  test('the token is fetched again once it is about to expire', async () => {
    // 2 s lifetime: renewed after 1.8 s (a tenth of the lifetime before expiry).
    const server = await serve(oauth2Server({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, lifetimeSeconds: 2 }));
    await deploy(oauthProps(server));
    await sendOne();
    await sendOne();
    expect(server.tokenRequests).toBe(1);
    await new Promise((r) => setTimeout(r, 2000));
    const msg = await sendOne();
    expect(msg.statusCode).toBe(200);
    expect(server.tokenRequests).toBe(2);
    expect(server.seen[server.seen.length - 1].headers.authorization).toBe(`Bearer ${server.issued[1]}`);
    expectNoToken(server, `${text(msg)}\n${statusText()}\n${logsText()}`);
  });

  test('a revoked token is refreshed once for ten messages in flight, which all succeed', async () => {
    const server = await serve(oauth2Server({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, lifetimeSeconds: 3600 }));
    await deploy(oauthProps(server));
    await sendOne();
    server.revokeAll();
    const msgs = await sendMany(10);
    expect(msgs.map((m) => m.statusCode)).toEqual(Array(10).fill(200));
    expect(server.tokenRequests).toBe(2);
    expect(server.issued).toHaveLength(2);
    expectNoToken(server, `${text(msgs)}\n${statusText()}\n${logsText()}`);
  });

  test('client credentials in the body, with scope and audience', async () => {
    const server = await serve(oauth2Server({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, lifetimeSeconds: 3600, requiredScope: 'items:read', audience: 'https://api.example.test' }));
    await deploy(oauthProps(server, { oauth2ClientAuth: 'body', oauth2Scope: 'items:read', oauth2Audience: 'https://api.example.test' }));
    const msg = await sendOne();
    expect(msg.statusCode).toBe(200);
    const tokenRequest = server.seen.find((r) => r.url === '/token');
    expect(tokenRequest?.headers.authorization).toBeUndefined();
    expect(new URLSearchParams(tokenRequest?.body).get('client_secret')).toBe(CLIENT_SECRET);
    expectNoToken(server, `${text(msg)}\n${statusText()}\n${logsText()}`);
  });

  test('an API error whose body echoes the token reaches Catch with the token masked', async () => {
    const server = await serve(oauth2Server({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, lifetimeSeconds: 3600 }));
    await deploy(oauthProps(server, { url: server.url('/api/echo-500') }));
    const caught = await failOne();
    expect(errorOf(caught).code).toBe('HTTP_STATUS');
    expect(caught.statusCode).toBe(500);
    expect(caught.payload).toBe('keep me');
    expect(server.issued).toHaveLength(1);
    expectNoToken(server, `${text(caught)}\n${statusText()}\n${logsText()}`);
  });

  test('a refused token request is AUTH_FAILED naming OAuth2 and the status, without the client secret', async () => {
    const server = await serve(oauth2Server({ clientId: CLIENT_ID, clientSecret: 'the-right-one-4471', lifetimeSeconds: 3600 }));
    await deploy(oauthProps(server));
    const caught = await failOne();
    const error = errorOf(caught);
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toMatch(/OAuth2 token request failed: the token endpoint answered 401/);
    expect(error.message).toMatch(/invalid_client/);
    expect(caught.payload).toBe('keep me');
    expect(caught.topic).toBe('t');
    expect(server.served).toBe(0);
    expectNoToken(server, `${text(caught)}\n${statusText()}\n${logsText()}`);
  });
});

describe('errors reach Catch with the message kept and nothing secret', () => {
  test('a wrong secret: AUTH_FAILED naming the scheme and 401; the server echoes what it got, the node masks it', async () => {
    const server: TestServer = await serve(bearerServer('the-token-the-api-expects'));
    await deploy({ url: server.url('/bearer'), authType: 'bearer', authToken: 'TOKEN' });
    const caught = await failOne();
    const error = errorOf(caught);
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain('(field: authentication.authType)');
    expect(error.message).toMatch(/Bearer authentication failed: the API answered 401/);
    expect(caught.statusCode).toBe(401);
    expect(caught.payload).toBe('keep me');
    expect(caught.topic).toBe('t');
    // The refusal's body quoted the Authorization header back: proof there was something to mask.
    expect(server.seen[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    const status = statusText();
    expect(status).toMatch(/AUTH_FAILED 401/);
    expectNothingOf(`${text(caught)}\n${status}\n${logsText()}`, [TOKEN]);
  });

  test('without a Catch node the runtime logs the AUTH_FAILED error, masked', async () => {
    const server = await serve(bearerServer('the-token-the-api-expects'));
    await deploy({ url: server.url('/bearer'), authType: 'bearer', authToken: 'TOKEN' }, { withCatch: false });
    helper.getNode('req').receive({ payload: 'p' });
    await until(() => /Bearer authentication failed: the API answered 401/.test(logsText()), 5000, 'the error in the log');
    expect(server.seen[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expectNothingOf(`${logsText()}\n${statusText()}`, [TOKEN]);
  });

  test('without a Catch node an OAuth2 API error that echoes the token is logged masked', async () => {
    const server = await serve(oauth2Server({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, lifetimeSeconds: 3600 }));
    await deploy({ url: server.url('/api/echo-500'), authType: 'oauth2', oauth2TokenUrl: server.tokenUrl, oauth2ClientId: 'CLIENT_ID', oauth2ClientSecret: 'CLIENT_SECRET' }, { withCatch: false });
    helper.getNode('req').receive({ payload: 'p' });
    await until(() => /The API answered 500/.test(logsText()), 5000, 'the error in the log');
    expect(server.issued).toHaveLength(1);
    expectNothingOf(`${logsText()}\n${statusText()}`, [CLIENT_ID, CLIENT_SECRET, ...server.issued]);
  });

  test('a wrong Digest password: AUTH_FAILED after the challenge was answered', async () => {
    const server = await serve(digestServer({ user: USER, password: 'not-the-password-3391', algorithms: ['SHA-256'] }));
    await deploy({ url: server.url('/d'), authType: 'digest', authUsername: 'USER', authPassword: 'PASSWORD' });
    const caught = await failOne();
    expect(errorOf(caught).code).toBe('AUTH_FAILED');
    expect(errorOf(caught).message).toMatch(/Digest authentication failed: .*401.* after its challenge was answered/);
    expect(server.seen).toHaveLength(2);
    expect(caught.payload).toBe('keep me');
    expectNothingOf(`${text(caught)}\n${statusText()}\n${logsText()}`, [PASSWORD]);
  });

  test('an unknown secret name: UNKNOWN_VARIABLE naming the field and listing the secret names, no value', async () => {
    const server = await serve(bearerServer(TOKEN));
    await deploy({ url: server.url('/bearer'), authType: 'bearer', authToken: 'TOKEN_TYPO' });
    const caught = await failOne();
    const error = errorOf(caught);
    expect(error.code).toBe('UNKNOWN_VARIABLE');
    expect(error.message).toContain('(field: authentication.authToken)');
    expect(error.message).toMatch(/the secret "TOKEN_TYPO" chosen for the token does not exist/);
    expect(error.message).toMatch(/Secret names: USER, PASSWORD, TOKEN, API_KEY, CLIENT_ID, CLIENT_SECRET/);
    expect(caught.payload).toBe('keep me');
    expect(server.seen).toHaveLength(0);
    expectNothingOf(`${text(caught)}\n${statusText()}\n${logsText()}`, Object.values(SECRETS));
  });

  test('incomplete settings: INVALID_CONFIG at deploy, shown in the status and given to every message', async () => {
    const server = await serve(basicServer(USER, PASSWORD));
    await deploy({ url: server.url('/basic'), authType: 'basic', authPassword: 'PASSWORD' });
    expect(statusText()).toMatch(/configuration error: INVALID_CONFIG/);
    const caught = await failOne();
    const error = errorOf(caught);
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('(field: authentication.authUsername)');
    expect(error.message).toMatch(/Basic authentication needs the name of the secret that holds the username/);
    expect(caught.payload).toBe('keep me');
    expect(server.seen).toHaveLength(0);
  });

  test('an unknown scheme: INVALID_CONFIG naming authType and the choices', async () => {
    await deploy({ url: 'http://127.0.0.1:9/x', authType: 'kerberos' });
    const caught = await failOne();
    expect(errorOf(caught).code).toBe('INVALID_CONFIG');
    expect(errorOf(caught).message).toContain('(field: authentication.authType)');
    expect(errorOf(caught).message).toMatch(/none, basic, bearer, apiKey, digest, oauth2/);
    expect(caught.payload).toBe('keep me');
  });
});
