import { proxyForUrl } from '../../node-red/proxy';

describe('proxy rules (as Node-RED\'s http request node applies them)', () => {
  test('per scheme, either case, lower case first', () => {
    expect(proxyForUrl('http://api.test/x', {}, { http_proxy: 'http://p:3128' })).toBe('http://p:3128');
    expect(proxyForUrl('https://api.test/x', {}, { HTTPS_PROXY: 'p:3129' })).toBe('https://p:3129');
    expect(proxyForUrl('https://api.test/x', {}, { http_proxy: 'http://p:3128' })).toBeUndefined();
    expect(proxyForUrl('http://api.test/x', {}, { http_proxy: 'http://low', HTTP_PROXY: 'http://up' })).toBe('http://low');
    expect(proxyForUrl('http://api.test/x', { favourUpperCase: true }, { http_proxy: 'http://low', HTTP_PROXY: 'http://up' })).toBe('http://up');
    expect(proxyForUrl('http://api.test/x', { lowerCaseOnly: true }, { HTTP_PROXY: 'http://up' })).toBeUndefined();
    expect(proxyForUrl('http://api.test/x', {}, { all_proxy: 'http://all' })).toBe('http://all');
  });

  test('no_proxy: exact host, suffixes, ports and *', () => {
    const env = { http_proxy: 'http://p', no_proxy: 'localhost, .internal.test,*.corp.test,api.test:8080' };
    expect(proxyForUrl('http://localhost/x', {}, env)).toBeUndefined();
    expect(proxyForUrl('http://a.internal.test/x', {}, env)).toBeUndefined();
    expect(proxyForUrl('http://b.corp.test/x', {}, env)).toBeUndefined();
    expect(proxyForUrl('http://api.test:8080/x', {}, env)).toBeUndefined();
    expect(proxyForUrl('http://api.test/x', {}, env)).toBe('http://p');
    expect(proxyForUrl('http://other.test/x', {}, { http_proxy: 'http://p', NO_PROXY: '*' })).toBeUndefined();
  });

  test('legacy mode (settings or NR_PROXY_MODE): http_proxy for every URL unless no_proxy is a substring', () => {
    const env = { http_proxy: 'http://p', no_proxy: 'skip.test' };
    expect(proxyForUrl('https://api.test/x', { mode: 'legacy' }, env)).toBe('http://p');
    expect(proxyForUrl('https://skip.test/x', { mode: 'legacy' }, env)).toBeUndefined();
    expect(proxyForUrl('https://api.test/x', {}, { ...env, NR_PROXY_MODE: 'legacy' })).toBe('http://p');
  });
});
