import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildRequest, SendApiRequestError, type RequestConfig } from '../../shared';

interface Case {
  name: string;
  config: RequestConfig;
  vars: { values: Record<string, unknown>; secrets?: Record<string, string> };
  options?: { onMissing?: 'error' | 'empty' | 'keep' };
  expect:
    | { request: { method?: string; url?: string; headers?: Record<string, string>; json?: unknown; body?: string | null } }
    | { error: { code: string; field?: string } };
}

const here = path.join(__dirname, '..', 'conformance');
const upstream = path.join(__dirname, '..', '..', '..', 'shared', 'conformance');
const files = fs.readdirSync(here).filter((f) => f.endsWith('.json')).sort();

describe('conformance copy', () => {
  test('the project holds at least one conformance file', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  const upstreamExists = fs.existsSync(upstream);
  (upstreamExists ? test : test.skip)('is identical to ../shared/conformance (present next to the checkout)', () => {
    const theirs = fs.readdirSync(upstream).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(theirs);
    for (const f of theirs) {
      expect(fs.readFileSync(path.join(here, f), 'utf8')).toBe(fs.readFileSync(path.join(upstream, f), 'utf8'));
    }
  });
});

function bodyText(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
}

for (const file of files) {
  const cases = JSON.parse(fs.readFileSync(path.join(here, file), 'utf8')) as Case[];
  describe(`conformance/${file}`, () => {
    for (const c of cases) {
      test(c.name, () => {
        if ('error' in c.expect) {
          let caught: unknown;
          try {
            buildRequest(c.config, c.vars, c.options);
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(SendApiRequestError);
          const err = caught as SendApiRequestError;
          expect(err.code).toBe(c.expect.error.code);
          if (c.expect.error.field !== undefined) expect(err.field).toBe(c.expect.error.field);
          return;
        }
        const want = c.expect.request;
        const got = buildRequest(c.config, c.vars, c.options);
        if (want.method !== undefined) expect(got.method).toBe(want.method);
        if (want.url !== undefined) expect(new URL(got.url).href).toBe(new URL(want.url).href);
        for (const [name, value] of Object.entries(want.headers ?? {})) {
          const key = Object.keys(got.headers).find((k) => k.toLowerCase() === name.toLowerCase());
          expect({ header: name, value: key === undefined ? undefined : got.headers[key] }).toEqual({ header: name, value });
        }
        if ('json' in want) expect(JSON.parse(bodyText(got.body) ?? 'null')).toEqual(want.json);
        if ('body' in want) {
          if (want.body === null) expect(got.body).toBeUndefined();
          else expect(bodyText(got.body)).toBe(want.body);
        }
      });
    }
  });
}
