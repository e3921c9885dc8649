/** Digest computation against the RFCs' own examples, and WWW-Authenticate parsing. */
import { digestAuthorization, digestResponse, parseChallenges, pickDigestChallenge, type DigestParts } from '../../../shared';

const rfc7616: Omit<DigestParts, 'algorithm'> = {
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  qop: 'auth',
  userhash: false,
};
const mufasa = { username: 'Mufasa', password: 'Circle of Life', method: 'GET', uri: '/dir/index.html', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', nc: 1 };

describe('Digest response (RFC 7616 §3.9.1, RFC 2617 §3.5)', () => {
  test('SHA-256 example of RFC 7616', () => {
    expect(digestResponse({ ...rfc7616, algorithm: 'SHA-256' }, mufasa)).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  test('MD5 example of RFC 7616', () => {
    expect(digestResponse({ ...rfc7616, algorithm: 'MD5' }, mufasa)).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  test('MD5 example of RFC 2617', () => {
    const parts: DigestParts = { algorithm: 'MD5', realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', opaque: '5ccc069c403ebaf9f0171e9517f40e41', qop: 'auth', userhash: false };
    expect(digestResponse(parts, { ...mufasa, password: 'Circle Of Life', cnonce: '0a4f113b' })).toBe('6629fae49393a05397450978507c4ef1');
  });

  test('the Authorization header carries every field RFC 7616 §3.4 asks for', () => {
    const value = digestAuthorization({ ...rfc7616, algorithm: 'SHA-256' }, mufasa);
    expect(value).toBe('Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, ' +
      'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
      'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
  });

  test('a non-ASCII username goes as username* (RFC 8187), quotes are escaped', () => {
    expect(digestAuthorization({ ...rfc7616, algorithm: 'MD5' }, { ...mufasa, username: 'Jäsøn' })).toContain("username*=UTF-8''J%C3%A4s%C3%B8n");
    expect(digestAuthorization({ ...rfc7616, realm: 'a "b" \\c', algorithm: 'MD5' }, mufasa)).toContain('realm="a \\"b\\" \\\\c"');
  });

  test('-sess and no-qop variants differ from the plain digest', () => {
    const plain = digestResponse({ ...rfc7616, algorithm: 'SHA-256' }, mufasa);
    expect(digestResponse({ ...rfc7616, algorithm: 'SHA-256-sess' }, mufasa)).not.toBe(plain);
    expect(digestResponse({ ...rfc7616, algorithm: 'SHA-256', qop: undefined }, mufasa)).not.toBe(plain);
  });
});

describe('WWW-Authenticate parsing', () => {
  test('two challenges joined in one header value, quoted commas and escapes', () => {
    const header = 'Digest realm="a, b", qop="auth, auth-int", algorithm=SHA-256, nonce="n1\\"x", Digest realm="a, b", algorithm=MD5, nonce=n2';
    const c = parseChallenges(header);
    expect(c).toHaveLength(2);
    expect(c[0]).toEqual({ scheme: 'digest', params: { realm: 'a, b', qop: 'auth, auth-int', algorithm: 'SHA-256', nonce: 'n1"x' } });
    expect(c[1].params).toEqual({ realm: 'a, b', algorithm: 'MD5', nonce: 'n2' });
  });

  test('other schemes, token68, and an array of header values', () => {
    const c = parseChallenges(['Negotiate abc==', 'Basic realm="x"', 'Bearer']);
    expect(c.map((x) => x.scheme)).toEqual(['negotiate', 'basic', 'bearer']);
    expect(c[0].token68).toBe('abc==');
    expect(c[1].params.realm).toBe('x');
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges(' , ,')).toEqual([]);
  });

  test('the strongest supported challenge is chosen; unusable ones are skipped', () => {
    const c = parseChallenges('Digest realm="r", qop="auth", algorithm=MD5, nonce="m", Digest realm="r", qop="auth", algorithm=SHA-256, nonce="s", Digest realm="r", algorithm=UNKNOWN-HASH, nonce="u"');
    expect(pickDigestChallenge(c)).toMatchObject({ algorithm: 'SHA-256', nonce: 's', qop: 'auth' });
    expect(pickDigestChallenge(parseChallenges('Digest realm="r", qop="auth-conf", nonce="x"'))).toBeUndefined();
    expect(pickDigestChallenge(parseChallenges('Basic realm="r"'))).toBeUndefined();
    expect(pickDigestChallenge(parseChallenges('Digest realm="r", nonce="x"'))).toMatchObject({ algorithm: 'MD5', qop: undefined });
    expect(pickDigestChallenge(parseChallenges('Digest realm="r", nonce="x", qop="auth-int"'))).toMatchObject({ qop: 'auth-int' });
  });
});
