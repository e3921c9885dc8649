/** Redaction (SPEC §2): every secret value masked in what the node writes about a request. */
import * as fc from 'fast-check';
import { createRedactor, MASK } from '../../shared';

describe('createRedactor', () => {
  const secret = 'p@ss w/rd+"é"';
  const r = createRedactor({ KEY: secret, OTHER: 'token-1234' });

  test('masks the value and its URL-, form- and JSON-encoded forms in free text', () => {
    const forms = [secret, encodeURIComponent(secret), new URLSearchParams({ x: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1), encodeURI(secret)];
    for (const form of forms) expect(r.text(`before ${form} after`)).toBe(`before ${MASK} after`);
    expect(r.text('token-1234token-1234')).toBe(`${MASK}${MASK}`);
  });

  test('a secret that contains another secret is masked whole', () => {
    const nested = createRedactor(['abcd', 'xxabcdxx']);
    expect(nested.text('[xxabcdxx] [abcd]')).toBe(`[${MASK}] [${MASK}]`);
  });

  test('regular-expression characters in a secret are taken literally', () => {
    const re = createRedactor(['a.b*c+?(x)']);
    expect(re.text('a.b*c+?(x) aXbbc')).toBe(`${MASK} aXbbc`);
  });

  test('secrets shorter than 4 characters are masked in URLs and headers, not searched for in free text', () => {
    const short = createRedactor({ PIN: '42' });
    expect(short.text('answer 42, HTTP 420')).toBe('answer 42, HTTP 420');
    expect(short.url('https://api.test/v1/items?pin=42')).toBe(`https://api.test/v1/items?pin=${MASK}`);
    expect(short.headers({ 'X-Pin': 'pin 42' })).toEqual({ 'X-Pin': `pin ${MASK}` });
  });

  test('headers: commonly secret names and the request\'s secret-bearing ones are masked whole', () => {
    const out = r.headers({
      Authorization: 'Bearer abc', cookie: 'a=b', 'X-API-Key': 'k', 'Proxy-Authorization': 'p', 'X-Signed': 'sig', 'X-Has': `v ${secret}`, Accept: 'application/json',
    }, ['x-signed']);
    expect(out).toEqual({
      Authorization: MASK, cookie: MASK, 'X-API-Key': MASK, 'Proxy-Authorization': MASK, 'X-Signed': MASK, 'X-Has': `v ${MASK}`, Accept: 'application/json',
    });
  });

  test('userinfo in a URL is masked whatever it is', () => {
    const none = createRedactor(undefined);
    expect(none.url('https://user:pw@api.test/x?y=1')).toBe(`https://${MASK}@api.test/x?y=1`);
    expect(none.empty).toBe(true);
    expect(none.text('anything')).toBe('anything');
  });

  test('value() masks every string of a deep copy, leaves Buffers and the input alone, survives cycles', () => {
    const input: Record<string, unknown> = { a: [`x ${secret}`, 1, null], b: { 'token-1234': 'k' }, buf: Buffer.from(secret) };
    input.self = input;
    const out = r.value(input) as Record<string, unknown>;
    expect(out.a).toEqual([`x ${MASK}`, 1, null]);
    expect(out.b).toEqual({ [MASK]: 'k' });
    expect(out.buf).toBe(input.buf);
    expect(out.self).toBe(out);
    expect((input.a as string[])[0]).toBe(`x ${secret}`);
  });

  test('a secret with a lone surrogate does not break the redactor', () => {
    const odd = createRedactor(['ab\uD800cd']);
    expect(odd.text('x ab\uD800cd y')).toBe(`x ${MASK} y`);
    expect(odd.url(`https://api.test/${encodeURIComponent('ab\uFFFDcd')}`)).toBe(`https://api.test/${MASK}`);
  });

  test('a secret given as a number is masked as its text', () => {
    const numeric = createRedactor({ PIN: 987654 as unknown as string });
    expect(numeric.text('pin 987654')).toBe(`pin ${MASK}`);
  });

  test('property: no secret of 4+ characters survives text(), in any of its encoded forms', () => {
    fc.assert(fc.property(fc.string({ minLength: 4, maxLength: 20, unit: 'binary' }), fc.string(), fc.string(), (s, a, b) => {
      const red = createRedactor([s]);
      for (const form of [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]) {
        expect(red.text(`${a}${form}${b}`)).not.toContain(form);
      }
    }), { numRuns: 300 });
  });
});
