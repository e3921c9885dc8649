/**
 * Basic, Bearer, API key and Digest against real local servers that check credentials, through
 * compileNode/executeRequest with the node:http transport. Nothing of a secret may appear in an error.
 */
import { apiKeyServer, basicServer, bearerServer, digestServer, startServer, json, type TestServer } from './support/auth-servers';
import { client, closeTransport, everythingShown, expectNothingOf } from './support/client';

const secrets = {
  USER: 'alice@example.test',
  PASS: 'correct horse battery staple',
  WRONG_PASS: 'Tr0ub4dor&3-wrong',
  TOKEN: 'tok_live_8c1f2e7d9a4b6c3e',
  OLD_TOKEN: 'tok_live_revoked_0000',
  KEY: 'k3y/with+odd=chars&more',
  UNICODE_USER: 'jürgen',
};
const secretValues = Object.values(secrets);
const basicOf = (u: string, p: string) => Buffer.from(`${u}:${p}`).toString('base64');

const servers: TestServer[] = [];
async function serve<T extends TestServer>(s: Promise<T>): Promise<T> {
  const server = await s;
  servers.push(server);
  return server;
}

afterAll(async () => {
  closeTransport();
  await Promise.all(servers.map((s) => s.close()));
});

describe('Basic', () => {
  test('the server accepts the username and password from the secret keys', async () => {
    const server = await serve(basicServer(secrets.USER, secrets.PASS));
    const [res] = await client({ url: server.url('/me'), method: 'GET' }, { authType: 'basic', authUsername: 'USER', authPassword: 'PASS' }, secrets).send();
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({ ok: true, user: secrets.USER });
    expect(server.seen[0].headers.authorization).toBe(`Basic ${basicOf(secrets.USER, secrets.PASS)}`);
  });

  test('the scheme replaces an Authorization header row', async () => {
    const server = await serve(basicServer(secrets.USER, secrets.PASS));
    const c = client({ url: server.url('/'), method: 'GET', headers: [{ key: 'authorization', value: 'Bearer #secrets.TOKEN' }] }, { authType: 'basic', authUsername: 'USER', authPassword: 'PASS' }, secrets);
    expect((await c.send())[0].statusCode).toBe(200);
    expect(server.seen[0].headerNames.filter((h) => h === 'authorization')).toHaveLength(1);
  });

  test('a wrong password is AUTH_FAILED naming Basic and 401, with nothing of the credentials in it', async () => {
    const server = await serve(basicServer(secrets.USER, secrets.PASS));
    const err = await client({ url: server.url('/me?q=1'), method: 'GET' }, { authType: 'basic', authUsername: 'USER', authPassword: 'WRONG_PASS' }, secrets).fail();
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.statusCode).toBe(401);
    expect(err.message).toMatch(/^Basic authentication failed: the API answered 401 Unauthorized to GET http:\/\/127\.0\.0\.1:\d+\/me\?q=1: /);
    expect(err.hint).toContain('"USER"');
    expect(err.request?.headers.Authorization).toBe('***');
    expect(server.seen).toHaveLength(1); // nothing to answer: no second try
    // The server echoed the Authorization header into its 401 body; the base64 credentials are masked.
    expect(err.responseExcerpt).toContain('"youSent":"Basic ***"');
    expectNothingOf(everythingShown(err), [...secretValues, basicOf(secrets.USER, secrets.WRONG_PASS)]);
  });

  test('"Never error" passes the 401 on as a response', async () => {
    const server = await serve(basicServer(secrets.USER, secrets.PASS));
    const [res] = await client({ url: server.url('/'), method: 'GET' }, { authType: 'basic', authUsername: 'USER', authPassword: 'WRONG_PASS' }, secrets, { options: { neverError: true } }).send();
    expect(res.statusCode).toBe(401);
  });
});

describe('Bearer', () => {
  test('the token from the secret keys is accepted', async () => {
    const server = await serve(bearerServer(secrets.TOKEN));
    const [res] = await client({ url: server.url('/'), method: 'POST', body: { mode: 'fields', fields: [{ key: 'a', value: '1' }] } }, { authType: 'bearer', authToken: '#secrets.TOKEN' }, secrets).send();
    expect(res.statusCode).toBe(200);
    expect(server.seen[0].headers.authorization).toBe(`Bearer ${secrets.TOKEN}`);
  });

  test('a revoked token is AUTH_FAILED naming Bearer, token masked in the echoed body', async () => {
    const server = await serve(bearerServer(secrets.TOKEN));
    const err = await client({ url: server.url('/'), method: 'GET' }, { authType: 'bearer', authToken: 'OLD_TOKEN' }, secrets).fail();
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toMatch(/^Bearer authentication failed: the API answered 401/);
    expect(err.hint).toContain('"OLD_TOKEN"');
    expectNothingOf(everythingShown(err), secretValues);
  });
});

describe('API key', () => {
  test('in a header of the user\'s naming; the header is masked in echoes', async () => {
    const server = await serve(apiKeyServer('X-Api-Token', secrets.KEY, 'header'));
    const c = client({ url: server.url('/'), method: 'GET' }, { authType: 'apiKey', authKeyName: 'X-Api-Token', authKeySecret: 'KEY' }, secrets);
    expect((await c.send())[0].statusCode).toBe(200);
    expect(server.seen[0].headers['x-api-token']).toBe(secrets.KEY);
  });

  test('in the query, added after the query parameters of the form, encoded', async () => {
    const server = await serve(apiKeyServer('api_key', secrets.KEY, 'query'));
    const c = client({ url: server.url('/items?sort=asc'), method: 'GET', query: [{ key: 'page', value: '2' }] }, { authType: 'apiKey', authKeyIn: 'query', authKeyName: 'api_key', authKeySecret: 'KEY' }, secrets);
    const [res] = await c.send();
    expect(res.statusCode).toBe(200);
    expect(server.seen[0].url).toBe(`/items?sort=asc&page=2&api_key=${encodeURIComponent(secrets.KEY)}`);
  });

  test('a wrong key in the query: the error\'s URL and message mask it', async () => {
    const server = await serve(apiKeyServer('api_key', 'another-key-entirely', 'query'));
    const err = await client({ url: server.url('/items'), method: 'GET' }, { authType: 'apiKey', authKeyIn: 'query', authKeyName: 'api_key', authKeySecret: 'KEY' }, secrets).fail();
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toMatch(/^API key authentication failed: the API answered 401/);
    expect(err.request?.url).toMatch(/\/items\?api_key=\*\*\*$/);
    expectNothingOf(everythingShown(err), [...secretValues, encodeURIComponent(secrets.KEY)]);
  });

  test('a wrong key in a header is masked too (the header is sensitive, whatever its name)', async () => {
    const server = await serve(apiKeyServer('X-Custom-Key', 'another-key-entirely', 'header'));
    const err = await client({ url: server.url('/'), method: 'GET' }, { authType: 'apiKey', authKeyName: 'X-Custom-Key', authKeySecret: 'KEY' }, secrets).fail();
    expect(err.request?.headers['X-Custom-Key']).toBe('***');
    expectNothingOf(everythingShown(err), secretValues);
  });
});

describe('Digest (RFC 7616, checked by the server)', () => {
  test.each([
    [['MD5'], 'auth'],
    [['SHA-256'], 'auth'],
    [['MD5-sess'], 'auth'],
    [['SHA-256-sess'], 'auth'],
    [['SHA-512-256'], 'auth'],
    [['SHA-256'], 'auth-int'],
    [['MD5'], 'none'],
  ] as const)('%j with qop %s: one challenge, one answer', async (algorithms, qop) => {
    const server = await serve(digestServer({ user: secrets.USER, password: secrets.PASS, algorithms: [...algorithms], qop }));
    const c = client({ url: server.url('/dir/index.html?x=1&y=%20'), method: 'POST', body: { mode: 'raw', raw: '{"a": 1}' } }, { authType: 'digest', authUsername: 'USER', authPassword: 'PASS' }, secrets);
    const [res] = await c.send();
    expect(server.lastRefusal).toBe('no credentials');
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({ ok: true, method: 'POST', body: '{"a": 1}' });
    expect(server.seen).toHaveLength(2);
    expect(server.seen[0].headers.authorization).toBeUndefined();
    expect(server.seen[1].headers.authorization).toMatch(new RegExp(`^Digest .*algorithm=${algorithms[0]}`));
  });

  test('offered SHA-256 and MD5, it answers with SHA-256 (both challenges in one joined header)', async () => {
    const server = await serve(digestServer({ user: secrets.USER, password: secrets.PASS, algorithms: ['MD5', 'SHA-256'] }));
    const [res] = await client({ url: server.url('/'), method: 'GET' }, { authType: 'digest', authUsername: 'USER', authPassword: 'PASS' }, secrets).send();
    expect(res.statusCode).toBe(200);
    expect(server.seen[1].headers.authorization).toContain('algorithm=SHA-256');
  });

  test('userhash and a non-ASCII username', async () => {
    const hashed = await serve(digestServer({ user: secrets.USER, password: secrets.PASS, algorithms: ['SHA-256'], userhash: true }));
    expect((await client({ url: hashed.url('/'), method: 'GET' }, { authType: 'digest', authUsername: 'USER', authPassword: 'PASS' }, secrets).send())[0].statusCode).toBe(200);
    expect(hashed.seen[1].headers.authorization).not.toContain(secrets.USER);
    const unicode = await serve(digestServer({ user: secrets.UNICODE_USER, password: secrets.PASS, algorithms: ['SHA-256'] }));
    expect((await client({ url: unicode.url('/'), method: 'GET' }, { authType: 'digest', authUsername: 'UNICODE_USER', authPassword: 'PASS' }, secrets).send())[0].statusCode).toBe(200);
  });

  test('every request of a node answers its own challenge (pagination pages too)', async () => {
    const server = await serve(digestServer({ user: secrets.USER, password: secrets.PASS, algorithms: ['SHA-256'] }));
    const c = client({ url: server.url('/p'), method: 'GET' }, { authType: 'digest', authUsername: 'USER', authPassword: 'PASS' }, secrets,
      { options: { pagination: 'pageParam', pageParam: 'page', maxPages: 3, stopWhen: 'status', stopStatusCodes: '404' } });
    const pages = await c.send();
    expect(pages.map((p) => p.statusCode)).toEqual([200, 200, 200]);
    expect(server.seen.map((r) => r.url)).toEqual(['/p?page=1', '/p?page=1', '/p?page=2', '/p?page=2', '/p?page=3', '/p?page=3']);
  });

  test('a same-origin redirect before the challenge (/dir to /dir/): the challenge is answered for the URL that sent it', async () => {
    const protectedServer = await serve(digestServer({ user: secrets.USER, password: secrets.PASS, algorithms: ['SHA-256'] }));
    const front = await serve(startServer((req, res) => {
      if (req.url === '/dir') {
        res.writeHead(301, { Location: '/dir/' });
        return res.end();
      }
      // Proxy /dir/ to the Digest server, so the redirect and the challenge share one origin.
      void fetch(protectedServer.url(req.url), { headers: req.headers.authorization ? { authorization: req.headers.authorization } : {} }).then(async (r) => {
        res.writeHead(r.status, { 'Content-Type': 'application/json', ...(r.headers.get('www-authenticate') ? { 'WWW-Authenticate': r.headers.get('www-authenticate') as string } : {}) });
        res.end(await r.text());
      });
    }));
    const [res] = await client({ url: front.url('/dir'), method: 'GET' }, { authType: 'digest', authUsername: 'USER', authPassword: 'PASS' }, secrets).send();
    expect(res.statusCode).toBe(200);
    expect(front.seen.map((r) => r.url)).toEqual(['/dir', '/dir/', '/dir/']);
  });

  test('a wrong password: the challenge is answered once, then AUTH_FAILED naming Digest and 401', async () => {
    const server = await serve(digestServer({ user: secrets.USER, password: secrets.PASS, algorithms: ['SHA-256'] }));
    const err = await client({ url: server.url('/secret'), method: 'GET' }, { authType: 'digest', authUsername: 'USER', authPassword: 'WRONG_PASS' }, secrets).fail();
    expect(server.seen).toHaveLength(2);
    expect(server.lastRefusal).toBe('wrong response');
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.statusCode).toBe(401);
    expect(err.message).toMatch(/^Digest authentication failed: the API answered 401 Unauthorized to GET http:\/\/127\.0\.0\.1:\d+\/secret after its challenge was answered: /);
    expect(err.request?.headers.Authorization).toBe('***');
    expectNothingOf(everythingShown(err), secretValues);
  });

  test('a 401 without a Digest challenge is AUTH_FAILED saying what the server offered', async () => {
    const server = await serve(basicServer(secrets.USER, secrets.PASS));
    const err = await client({ url: server.url('/'), method: 'GET' }, { authType: 'digest', authUsername: 'USER', authPassword: 'PASS' }, secrets).fail();
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toMatch(/^Digest authentication failed: the API answered 401 Unauthorized to GET http:\/\/127\.0\.0\.1:\d+\/ without a Digest challenge this node can answer \(WWW-Authenticate: basic\): /);
    expect(err.hint).toContain('Digest (MD5, SHA-256');
    expect(server.seen).toHaveLength(1);
  });
});

describe('derived credentials are masked in other errors too', () => {
  test('a 500 whose body echoes the Basic header: HTTP_STATUS with the base64 credentials masked', async () => {
    const server = await serve(startServer((req, res) => json(res, 500, { error: 'boom', debug: { authorization: req.headers.authorization } })));
    const err = await client({ url: server.url('/'), method: 'GET' }, { authType: 'basic', authUsername: 'USER', authPassword: 'PASS' }, secrets).fail();
    expect(err.code).toBe('HTTP_STATUS');
    expect(err.responseExcerpt).toContain('"authorization":"Basic ***"');
    expectNothingOf(everythingShown(err), [...secretValues, basicOf(secrets.USER, secrets.PASS)]);
  });
});

describe('credentials stay with their origin', () => {
  test('a redirect to another origin drops the scheme\'s header, and a 401 there is not answered with credentials', async () => {
    const elsewhere = await serve(startServer((req, res) => json(res, 200, { sawAuthorization: req.headers.authorization ?? null, sawKey: req.headers['x-key'] ?? null })));
    const origin = await serve(startServer((_req, res) => {
      res.writeHead(302, { Location: elsewhere.url('/landing') });
      res.end();
    }));
    for (const auth of [
      { authType: 'bearer', authToken: 'TOKEN' },
      { authType: 'apiKey', authKeyName: 'X-Key', authKeySecret: 'KEY' },
      { authType: 'basic', authUsername: 'USER', authPassword: 'PASS' },
    ]) {
      const [res] = await client({ url: origin.url('/start'), method: 'GET' }, auth, secrets).send();
      expect(res.body).toEqual({ sawAuthorization: null, sawKey: null });
    }
  });

  test('pagination that moves to another origin sends no credentials there', async () => {
    const other = await serve(startServer((req, res) => json(res, 200, { items: [], sawAuthorization: req.headers.authorization ?? null })));
    const first = await serve(bearerServer(secrets.TOKEN));
    const c = client({ url: first.url('/list'), method: 'GET' }, { authType: 'bearer', authToken: 'TOKEN' }, secrets,
      { options: { pagination: 'nextUrl', nextUrl: `${other.url('/more')}`, maxPages: 2 } });
    const pages = await c.send();
    expect(pages).toHaveLength(2);
    expect(pages[1].body).toEqual({ items: [], sawAuthorization: null });
  });
});
