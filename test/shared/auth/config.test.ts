/** Saved settings: defaults, checks naming the field, secret names, and the form definition. */
import { AUTH_FIELDS, DEFAULT_AUTH, SendApiRequestError, compileAuth, compileNode, createAuthSession, normalizeAuth } from '../../../shared';

function errorOf(fn: () => unknown): SendApiRequestError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SendApiRequestError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('normalizeAuth', () => {
  test('a flow or workflow saved before authentication existed gets none', () => {
    expect(normalizeAuth(undefined)).toEqual(DEFAULT_AUTH);
    expect(normalizeAuth({ url: 'x', timeout: 5 })).toEqual(DEFAULT_AUTH);
    expect(compileNode({ url: 'http://127.0.0.1/', method: 'GET' }, {}).auth?.settings.authType).toBe('none');
  });

  test('empty strings take the default; secret names are trimmed, #secrets. is accepted', () => {
    const s = normalizeAuth({ authType: 'bearer', authToken: '  #secrets.API_TOKEN ', authKeyIn: '' });
    expect(s.authToken).toBe('API_TOKEN');
    expect(s.authKeyIn).toBe('header');
  });

  test.each([
    [{ authType: 'kerberos' }, 'authentication.authType', /"kerberos" is not one of none, basic, bearer, apiKey, digest, oauth2/],
    [{ authKeyIn: 'cookie' }, 'authentication.authKeyIn', /header, query/],
    [{ oauth2ClientAuth: 'jwt' }, 'authentication.oauth2ClientAuth', /header, body/],
    [{ authToken: 42 }, 'authentication.authToken', /must be text/],
  ])('%j is INVALID_CONFIG naming the field', (raw, field, message) => {
    const err = errorOf(() => normalizeAuth(raw));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });
});

describe('compileAuth: what each scheme needs', () => {
  test.each([
    [{ authType: 'basic' }, 'authentication.authUsername'],
    [{ authType: 'digest', authPassword: 'P' }, 'authentication.authUsername'],
    [{ authType: 'bearer' }, 'authentication.authToken'],
    [{ authType: 'apiKey', authKeySecret: 'K' }, 'authentication.authKeyName'],
    [{ authType: 'apiKey', authKeyName: 'X-Key' }, 'authentication.authKeySecret'],
    [{ authType: 'apiKey', authKeyName: 'X Key', authKeySecret: 'K' }, 'authentication.authKeyName'],
    [{ authType: 'oauth2', oauth2ClientId: 'I', oauth2ClientSecret: 'S' }, 'authentication.oauth2TokenUrl'],
    [{ authType: 'oauth2', oauth2TokenUrl: 'auth.example.com/token', oauth2ClientId: 'I', oauth2ClientSecret: 'S' }, 'authentication.oauth2TokenUrl'],
    [{ authType: 'oauth2', oauth2TokenUrl: 'ftp://auth.example.com/token', oauth2ClientId: 'I', oauth2ClientSecret: 'S' }, 'authentication.oauth2TokenUrl'],
    [{ authType: 'oauth2', oauth2TokenUrl: 'https://u:p@auth.example.com/token', oauth2ClientId: 'I', oauth2ClientSecret: 'S' }, 'authentication.oauth2TokenUrl'],
    [{ authType: 'oauth2', oauth2TokenUrl: 'https://auth.example.com/token', oauth2ClientSecret: 'S' }, 'authentication.oauth2ClientId'],
    [{ authType: 'oauth2', oauth2TokenUrl: 'https://auth.example.com/token', oauth2ClientId: 'I' }, 'authentication.oauth2ClientSecret'],
  ])('%j fails on %s', (raw, field) => {
    const err = errorOf(() => compileAuth(raw));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.field).toBe(field);
    expect(err.message).toMatch(/^Authentication: /);
    expect(err.hint).toBeTruthy();
  });

  test('a query-parameter key name may be anything; a password may be left out', () => {
    expect(() => compileAuth({ authType: 'apiKey', authKeyIn: 'query', authKeyName: 'api key[]', authKeySecret: 'K' })).not.toThrow();
    expect(() => compileAuth({ authType: 'basic', authUsername: 'U' })).not.toThrow();
  });
});

describe('createAuthSession: the chosen secrets must exist', () => {
  const secrets = { API_USER: 'alice', API_PASSWORD: 's3cr3t-pa55', EMPTY: '' };

  test('an unknown name is UNKNOWN_VARIABLE listing the names, never values', () => {
    const auth = compileAuth({ authType: 'basic', authUsername: 'API_USER', authPassword: 'API_PASS' });
    const err = errorOf(() => createAuthSession(auth, secrets));
    expect(err.code).toBe('UNKNOWN_VARIABLE');
    expect(err.field).toBe('authentication.authPassword');
    expect(err.message).toContain('"API_PASS"');
    expect(err.message).toContain('Secret names: API_USER, API_PASSWORD, EMPTY.');
    expect(JSON.stringify(err.toJSON())).not.toContain('s3cr3t-pa55');
    expect(JSON.stringify(err.toJSON())).not.toContain('alice');
  });

  test('with no secret keys at all, the message says none are defined', () => {
    const err = errorOf(() => createAuthSession(compileAuth({ authType: 'bearer', authToken: 'T' }), {}));
    expect(err.message).toContain('Secret names: none defined.');
  });

  test('an empty token, or a username with a colon for Basic, is a clear error', () => {
    expect(errorOf(() => createAuthSession(compileAuth({ authType: 'bearer', authToken: 'EMPTY' }), secrets)).field).toBe('authentication.authToken');
    const colon = errorOf(() => createAuthSession(compileAuth({ authType: 'basic', authUsername: 'U' }), { U: 'a:b' }));
    expect(colon.code).toBe('INVALID_CONFIG');
    expect(colon.message).not.toContain('a:b');
  });

  test('a token with a line break cannot reach a header', () => {
    const err = errorOf(() => createAuthSession(compileAuth({ authType: 'bearer', authToken: 'T' }), { T: 'abc\r\nX-Evil: 1' }));
    expect(err.code).toBe('INVALID_HEADER');
    expect(err.message).not.toContain('Evil');
  });

  test('none has no session', () => {
    expect(createAuthSession(compileAuth({}), secrets)).toBeUndefined();
  });
});

describe('AUTH_FIELDS (the form both hosts render)', () => {
  test('one field per saved name, with the saved defaults', () => {
    expect(AUTH_FIELDS.map((f) => f.name).sort()).toEqual(Object.keys(DEFAULT_AUTH).sort());
    for (const f of AUTH_FIELDS) {
      expect(f.default).toBe(DEFAULT_AUTH[f.name]);
      expect(f.label).toBeTruthy();
      expect(f.description).toBeTruthy();
    }
  });

  test('every choice offered is accepted by normalizeAuth, and nothing else', () => {
    for (const f of AUTH_FIELDS.filter((x) => x.type === 'options')) {
      for (const c of f.choices ?? []) expect(normalizeAuth({ [f.name]: c.value })[f.name]).toBe(c.value);
      expect(() => normalizeAuth({ [f.name]: 'no-such-choice' })).toThrow(SendApiRequestError);
    }
  });

  test('fields are shown only for schemes that use them, and every scheme shows what it requires', () => {
    const required: Record<string, string[]> = {
      basic: ['authUsername'], digest: ['authUsername'], bearer: ['authToken'], apiKey: ['authKeyName', 'authKeySecret'],
      oauth2: ['oauth2TokenUrl', 'oauth2ClientId', 'oauth2ClientSecret'],
    };
    for (const [type, names] of Object.entries(required)) {
      const shown = AUTH_FIELDS.filter((f) => f.showWhen.every((w) => w.field !== 'authType' || w.values.includes(type))).map((f) => f.name);
      for (const n of names) expect(shown).toContain(n);
      expect(AUTH_FIELDS.filter((f) => f.required && shown.includes(f.name)).map((f) => f.name).sort()).toEqual([...names].sort());
    }
  });
});
