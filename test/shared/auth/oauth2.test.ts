/**
 * OAuth2 client credentials against a real local token endpoint that issues short-lived tokens and an
 * API that checks them: fetched once for many requests, again after expiry, refreshed once on a 401,
 * and clear AUTH_FAILED errors with nothing of a secret or token in them.
 */
import { createTokenCache, renewMargin } from '../../../shared';
import { timerSleep } from '../../../shared/transports/timer-sleep';
import { oauth2Server, type OAuth2Server } from './support/auth-servers';
import { client, closeTransport, everythingShown, expectNothingOf } from './support/client';

const secrets = { CLIENT_ID: 'svc-reporting:eu', CLIENT_SECRET: 'cs_9f8e7d6c5b4a3210&=+/x', WRONG_SECRET: 'cs_not_the_right_one' };
const secretValues = Object.values(secrets);

/** A clock both the token endpoint and the client read, moved by the test. */
function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

const servers: OAuth2Server[] = [];
async function serve(options: Parameters<typeof oauth2Server>[0]): Promise<OAuth2Server> {
  const s = await oauth2Server(options);
  servers.push(s);
  return s;
}

afterAll(async () => {
  closeTransport();
  await Promise.all(servers.map((s) => s.close()));
});

const auth = (server: OAuth2Server, extra: Record<string, unknown> = {}) => ({
  authType: 'oauth2', oauth2TokenUrl: server.tokenUrl, oauth2ClientId: 'CLIENT_ID', oauth2ClientSecret: 'CLIENT_SECRET', ...extra,
});

describe('OAuth2 client credentials', () => {
  test('one token for 100 requests (concurrent), and a new one once it expires', async () => {
    const clock = fakeClock();
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET, lifetimeSeconds: 300, clock: clock.now });
    const c = client({ url: server.url('/api/items/#n'), method: 'GET' }, auth(server), secrets, { now: clock.now });
    const batch = (from: number) => Promise.all(Array.from({ length: 100 }, (_, i) => c.send({ n: from + i })));

    const first = await batch(0);
    expect(first.every(([r]) => r.statusCode === 200)).toBe(true);
    expect(server.tokenRequests).toBe(1);
    expect(server.served).toBe(100);

    // Shortly before expiry (inside the renew margin) the token is renewed, not used to the last second.
    clock.advance(300_000 - renewMargin(300_000) + 1);
    await batch(100);
    expect(server.tokenRequests).toBe(2);
    expect(server.served).toBe(200);

    // Still valid: no new fetch.
    clock.advance(60_000);
    await c.send({ n: 0 });
    expect(server.tokenRequests).toBe(2);
    // The API only ever saw the issued tokens, as Bearer tokens.
    const sent = new Set(server.seen.filter((r) => r.url.startsWith('/api/')).map((r) => r.headers.authorization));
    expect([...sent].sort()).toEqual(server.issued.map((t) => `Bearer ${t}`).sort());
  });

  test('real time: a 1-second token is fetched again after it expires', async () => {
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET, lifetimeSeconds: 1 });
    const c = client({ url: server.url('/api/x'), method: 'GET' }, auth(server), secrets);
    await c.send();
    await c.send();
    expect(server.tokenRequests).toBe(1);
    await timerSleep(1100);
    const [res] = await c.send();
    expect(res.statusCode).toBe(200);
    expect(server.tokenRequests).toBe(2);
  });

  test('the token request: POST form, grant_type, scope and audience, client credentials in a Basic header', async () => {
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET, lifetimeSeconds: 60, audience: 'https://api.example.test', requiredScope: 'reports:read' });
    const c = client({ url: server.url('/api/x'), method: 'GET' }, auth(server, { oauth2Scope: 'reports:read reports:list', oauth2Audience: 'https://api.example.test' }), secrets);
    expect((await c.send())[0].statusCode).toBe(200);
    const token = server.seen[0];
    expect(token.method).toBe('POST');
    expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({ grant_type: 'client_credentials', scope: 'reports:read reports:list', audience: 'https://api.example.test' });
    expect(token.headers.authorization).toMatch(/^Basic /);
  });

  test('client credentials in the body, and a form-encoded token response without expires_in', async () => {
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET, formResponse: true });
    const c = client({ url: server.url('/api/x'), method: 'GET' }, auth(server, { oauth2ClientAuth: 'body' }), secrets);
    await c.send();
    await c.send();
    expect(server.tokenRequests).toBe(1);
    expect(server.seen[0].headers.authorization).toBeUndefined();
    expect(new URLSearchParams(server.seen[0].body).get('client_secret')).toBe(secrets.CLIENT_SECRET);
  });

  test('a 401 from the API refreshes the token once, and the request then passes', async () => {
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET, lifetimeSeconds: 3600 });
    const c = client({ url: server.url('/api/x'), method: 'GET' }, auth(server), secrets);
    await c.send();
    server.revokeAll();
    const [res] = await c.send();
    expect(res.statusCode).toBe(200);
    expect(server.tokenRequests).toBe(2);
    // Concurrent 401s for the same revoked token share one refresh.
    server.revokeAll();
    const many = await Promise.all(Array.from({ length: 20 }, () => c.send()));
    expect(many.every(([r]) => r.statusCode === 200)).toBe(true);
    expect(server.tokenRequests).toBe(3);
  });

  test('a second 401 is AUTH_FAILED naming OAuth2 and the status; the tokens are masked', async () => {
    // Tokens that the API refuses from the start (expires_in 0: the server's clock says expired).
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET, lifetimeSeconds: 0 });
    const err = await client({ url: server.url('/api/x'), method: 'GET' }, auth(server), secrets).fail();
    expect(server.tokenRequests).toBe(2);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.statusCode).toBe(401);
    expect(err.message).toMatch(/^OAuth2 authentication failed: the API answered 401 Unauthorized to GET http:\/\/127\.0\.0\.1:\d+\/api\/x again with a new token: /);
    // The API echoed "Bearer <token>" in its 401 body; the token is masked there.
    expect(err.responseExcerpt).toContain('"youSent":"Bearer ***"');
    expectNothingOf(everythingShown(err), [...secretValues, ...server.issued]);
  });

  test('an API error whose body echoes the token (HTTP_STATUS 500) masks the token', async () => {
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET, lifetimeSeconds: 60 });
    const err = await client({ url: server.url('/api/echo-500'), method: 'GET' }, auth(server), secrets).fail();
    expect(err.code).toBe('HTTP_STATUS');
    expect(err.responseExcerpt).toContain('"authorization":"Bearer ***"');
    expect(server.issued).toHaveLength(1);
    expectNothingOf(everythingShown(err), [...secretValues, ...server.issued]);
  });

  test('a refused token request is AUTH_FAILED naming OAuth2, the status and the server\'s reason, no secret', async () => {
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET, lifetimeSeconds: 60 });
    const err = await client({ url: server.url('/api/x'), method: 'GET' }, auth(server, { oauth2ClientSecret: 'WRONG_SECRET' }), secrets).fail();
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.field).toBe('authentication.oauth2TokenUrl');
    expect(err.statusCode).toBe(401);
    expect(err.message).toMatch(/^OAuth2 token request failed: the token endpoint answered 401 Unauthorized to POST http:\/\/127\.0\.0\.1:\d+\/token \(invalid_client: Client authentication failed \(header\)\)\.$/);
    expect(server.served).toBe(0);
    expectNothingOf(everythingShown(err), secretValues);
    // A failed fetch is not cached: the next request tries again.
    await client({ url: server.url('/api/x'), method: 'GET' }, auth(server, { oauth2ClientSecret: 'WRONG_SECRET' }), secrets).fail();
    expect(server.tokenRequests).toBe(2);
  });

  test('an unreachable token URL is AUTH_FAILED saying why', async () => {
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET });
    const closed = await serve({ clientId: 'x', clientSecret: 'y' });
    const tokenUrl = closed.tokenUrl;
    await closed.close();
    const err = await client({ url: server.url('/api/x'), method: 'GET' }, auth(server, { oauth2TokenUrl: tokenUrl }), secrets).fail();
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toMatch(/^OAuth2 token request failed: POST http:\/\/127\.0\.0\.1:\d+\/token failed: the connection was refused \(ECONNREFUSED\)\.$/);
  });

  test('a token answer without access_token is AUTH_FAILED', async () => {
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET });
    // The API path answers JSON without access_token: a token URL pointing at the wrong endpoint.
    const err = await client({ url: server.url('/api/x'), method: 'GET' }, auth(server, { oauth2TokenUrl: server.url('/not-token') }), secrets).fail();
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toMatch(/^OAuth2 token request failed: the token endpoint answered 401/);
  });

  test('allowed hosts apply to the token URL too', async () => {
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET });
    const err = await client({ url: server.url('/api/x'), method: 'GET' }, auth(server, { oauth2TokenUrl: server.tokenUrl.replace('127.0.0.1', 'localhost') }), secrets, { options: { allowedHosts: '127.0.0.1' } }).fail();
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain('localhost is not in this node\'s allowed hosts');
    expect(server.tokenRequests).toBe(0);
  });

  test('a host may keep the token cache longer than one compiled node (n8n compiles per execution)', async () => {
    const server = await serve({ clientId: secrets.CLIENT_ID, clientSecret: secrets.CLIENT_SECRET, lifetimeSeconds: 600 });
    const tokenCache = createTokenCache();
    const { compileNode, executeRequest, createPlainResolver } = await import('../../../shared');
    const { sharedTransport } = await import('./support/client');
    for (let execution = 0; execution < 3; execution++) {
      const node = compileNode({ url: server.url('/api/x'), method: 'GET' }, {}, { auth: auth(server), tokenCache });
      await executeRequest(node, createPlainResolver({ values: {}, secrets }), secrets, { transport: sharedTransport(), sleep: timerSleep });
    }
    expect(server.tokenRequests).toBe(1);
    // Another client secret is another cache entry, never the first client's token.
    const other = { ...secrets, CLIENT_SECRET: 'rotated-secret-value' };
    const node = compileNode({ url: server.url('/api/x'), method: 'GET' }, { retries: 0 }, { auth: auth(server), tokenCache });
    await expect(executeRequest(node, createPlainResolver({ values: {}, secrets: other }), other, { transport: sharedTransport(), sleep: timerSleep })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(server.tokenRequests).toBe(2);
  });
});
