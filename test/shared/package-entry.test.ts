/**
 * The repository's main entry (SPEC §4, issue 2 "Show"): the compiled core that `npm run build` writes
 * exports the public API, and imports no HTTP client and no timer outside the transports (SPEC §4:
 * the n8n package's lint forbids them). `npm test` builds before it runs this.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; types: string };
const main = path.join(root, pkg.main);

test('package.json main points at the compiled core, with its types', () => {
  expect(pkg.main).toBe('dist/shared/index.js');
  expect(fs.existsSync(main)).toBe(true);
  expect(fs.existsSync(path.join(root, pkg.types))).toBe(true);
});

test('the main entry exports buildRequest, sendRequest, SendApiRequestError and the helpers hosts use', () => {
  const core = require(main) as Record<string, unknown>;
  for (const name of ['buildRequest', 'sendRequest', 'SendApiRequestError', 'createRedactor', 'parseTemplate', 'compileNode', 'executeRequest', 'outputsFor', 'normalizeOptions', 'sendPages', 'mergePages', 'createLimiter', 'checkAllowedHost', 'isPrivateAddress']) {
    expect(typeof core[name]).toBe('function');
  }
  const err = new (core.SendApiRequestError as new (code: string, message: string, details?: object) => Error & { code: string })('INVALID_URL', 'x', { field: 'url' });
  expect(err).toBeInstanceOf(Error);
  expect(err.code).toBe('INVALID_URL');
  const built = (core.buildRequest as (c: object, v: object) => { url: string })({ url: 'https://api.test/#id', method: 'GET' }, { values: { id: 'a b' } });
  expect(built.url).toBe('https://api.test/a%20b');
});

test('the compiled core (transports aside) requires no HTTP client and uses no timer', () => {
  const dir = path.dirname(main);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'transports') walk(full);
      } else if (entry.name.endsWith('.js')) files.push(full);
    }
  };
  walk(dir);
  expect(files.length).toBeGreaterThan(10);
  const forbidden = /require\("(?:node:)?(?:http|https|net|tls|dns)"\)|require\("(?:axios|undici|node-fetch|got|request)"\)|\b(?:setTimeout|setInterval|setImmediate)\s*\(/;
  const offenders = files.filter((f) => forbidden.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(root, f));
  expect(offenders).toEqual([]);
});
