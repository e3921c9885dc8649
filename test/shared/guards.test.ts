/** Allowed hosts and the URL-level SSRF guard, the concurrency limiter, and option normalisation. */
import { batches, checkAllowedHost, checkSsrfUrl, createLimiter, DEFAULT_OPTIONS, isPrivateAddress, normalizeOptions, parseAllowedHosts, SendApiRequestError } from '../../shared';

function codeOf(fn: () => unknown): { code: string; field?: string } | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SendApiRequestError);
    return { code: (e as SendApiRequestError).code, field: (e as SendApiRequestError).field };
  }
  return undefined;
}

describe('allowed hosts', () => {
  const patterns = parseAllowedHosts(' API.example.com , *.svc.test , internal.test:8443, [::1]:9000, ::2 ,');

  test('parses a comma-separated list, lower-cased, empties dropped', () => {
    expect(patterns).toEqual(['api.example.com', '*.svc.test', 'internal.test:8443', '[::1]:9000', '::2']);
  });

  test.each([
    ['https://api.example.com/x', true],
    ['https://API.EXAMPLE.COM:444/x', true],
    ['https://api.example.com./x', true],
    ['https://a.svc.test/', true],
    ['https://a.b.svc.test/', true],
    ['https://svc.test/', false],
    ['https://evilsvc.test/', false],
    ['https://api.example.com.evil.test/', false],
    ['https://internal.test:8443/', true],
    ['https://internal.test/', false],
    ['http://[::1]:9000/', true],
    ['http://[::1]:9001/', false],
    ['http://[::2]/', true],
  ])('%s allowed: %s', (url, allowed) => {
    const result = codeOf(() => checkAllowedHost(new URL(url), patterns));
    expect(result).toEqual(allowed ? undefined : { code: 'BLOCKED_HOST', field: 'options.allowedHosts' });
  });

  test('an empty list allows every host', () => {
    expect(codeOf(() => checkAllowedHost(new URL('https://anything.test/'), parseAllowedHosts('')))).toBeUndefined();
  });
});

describe('SSRF guard (URL level)', () => {
  test.each(['127.0.0.1', '127.8.9.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '[::1]', '::7f00:1', '::127.0.0.1', '64:ff9b::7f00:1', '64:ff9b::10.0.0.1', '::ffff:a9fe:a9fe'])('%s is private', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  test.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2001:4860:4860::8888', 'example.com', '64:ff9b::808:808', '::ffff:8.8.8.8'])('%s is not private', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });

  test.each([
    'http://127.0.0.1/', 'http://localhost:8080/', 'http://LOCALHOST/', 'http://a.localhost/', 'http://localhost./',
    'http://2130706433/', 'http://0x7f.1/', 'http://127.1/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::127.0.0.1]/', 'http://[64:ff9b::127.0.0.1]/', 'http://169.254.169.254/latest/meta-data/',
  ])('%s is refused with BLOCKED_HOST', (url) => {
    expect(codeOf(() => checkSsrfUrl(new URL(url)))).toEqual({ code: 'BLOCKED_HOST', field: 'options.ssrfGuard' });
  });

  test('public hosts pass the URL check (their addresses are checked by the transport)', () => {
    expect(codeOf(() => checkSsrfUrl(new URL('https://api.example.com/')))).toBeUndefined();
    expect(codeOf(() => checkSsrfUrl(new URL('https://8.8.8.8/')))).toBeUndefined();
  });
});

describe('limiter', () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  test('never more than `concurrency` tasks at once; every task settles with its own result', async () => {
    const limiter = createLimiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => limiter.run(async () => {
      active++;
      peak = Math.max(peak, active);
      await tick(5 + (i % 3) * 5);
      active--;
      return i;
    })));
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(limiter.active).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  test('a full queue refuses with QUEUE_FULL (field options.concurrency); the rest still run', async () => {
    const limiter = createLimiter(1, 2);
    const run = (v: number) => limiter.run(async () => {
      await tick(10);
      return v;
    });
    const settled = await Promise.allSettled([run(1), run(2), run(3), run(4)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    const reason = (settled[3] as PromiseRejectedResult).reason as SendApiRequestError;
    expect(reason.code).toBe('QUEUE_FULL');
    expect(reason.field).toBe('options.concurrency');
  });

  test('a task that throws synchronously or rejects frees its slot', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => {
      throw new Error('sync');
    })).rejects.toThrow('sync');
    await expect(limiter.run(() => Promise.reject(new Error('async')))).rejects.toThrow('async');
    await expect(limiter.run(async () => 'ok')).resolves.toBe('ok');
  });

  test('a task that returns a plain value (no promise) still frees its slot', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run((() => 'plain') as unknown as () => Promise<string>)).resolves.toBe('plain');
    expect(limiter.active).toBe(0);
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  test('clear() rejects the waiting tasks, not the running one', async () => {
    const limiter = createLimiter(1);
    const running = limiter.run(() => tick(20).then(() => 'done'));
    const waiting = limiter.run(async () => 'never');
    limiter.clear(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    await expect(running).resolves.toBe('done');
  });

  test('batches split by size; 0 means one batch', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([1, 2, 3], 0)).toEqual([[1, 2, 3]]);
  });
});

describe('normalizeOptions', () => {
  test('a saved config that leaves everything out gets the SPEC §5 defaults', () => {
    expect(normalizeOptions(undefined)).toEqual(DEFAULT_OPTIONS);
    expect(normalizeOptions({})).toEqual(DEFAULT_OPTIONS);
    expect(DEFAULT_OPTIONS).toMatchObject({ timeout: 60000, retries: 2, retryMaxDelay: 30000, maxRedirects: 21, concurrency: 10, maxResponseBytes: 104857600, maxPages: 100, stopStatusCodes: '404' });
  });

  test('numbers and booleans as Node-RED saves them (text, "" for an empty box) are accepted', () => {
    const o = normalizeOptions({ timeout: ' 5000 ', retries: '0', followRedirects: 'false', ignoreTlsErrors: 'true', maxPages: '', concurrency: 4, neverError: true, unknownOption: 'x' });
    expect(o).toMatchObject({ timeout: 5000, retries: 0, followRedirects: false, ignoreTlsErrors: true, maxPages: 100, concurrency: 4, neverError: true });
    expect(o).not.toHaveProperty('unknownOption');
  });

  test.each([
    [{ timeout: 'abc' }, 'options.timeout'],
    [{ timeout: -1 }, 'options.timeout'],
    [{ retries: '1e400' }, 'options.retries'],
    [{ concurrency: 0 }, 'options.concurrency'],
    [{ maxPages: '0' }, 'options.maxPages'],
    [{ followRedirects: 'yes' }, 'options.followRedirects'],
    [{ ignoreTlsErrors: 1 }, 'options.ignoreTlsErrors'],
    [{ responseFormat: 'xml' }, 'options.responseFormat'],
    [{ onMissing: 'ignore' }, 'options.onMissing'],
    [{ pagination: 'cursor' }, 'options.pagination'],
    [{ stopWhen: 'never' }, 'options.stopWhen'],
    [{ maxResponseBytes: true }, 'options.maxResponseBytes'],
  ])('%j fails with INVALID_CONFIG naming %s', (raw, field) => {
    let error: unknown;
    try {
      normalizeOptions(raw as Record<string, unknown>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SendApiRequestError);
    expect((error as SendApiRequestError).code).toBe('INVALID_CONFIG');
    expect((error as SendApiRequestError).field).toBe(field);
    expect((error as SendApiRequestError).message).toContain(field.slice('options.'.length));
  });
});
