/**
 * The one place that masks secrets. Everything a node writes about a request (errors, status, logs,
 * echoes of the request) passes through a Redactor made from that request's secret values.
 */
import { wellFormed } from './template/render';

export const MASK = '***';

/** Headers that carry credentials by convention: masked whole in any echo of a request. */
export const SENSITIVE_HEADER_NAMES: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
]);

/** Below this length a secret is masked in echoes of the request only, not searched for in free text. */
export const MIN_SEARCHABLE_SECRET_LENGTH = 4;

export interface Redactor {
  /** Masks every searchable secret value in free text. */
  text(input: string): string;
  /** Masks an echo of a request URL: secrets of any length, also in their percent-encoded forms. */
  url(input: string): string;
  /** Masks a header set for display: sensitive names whole, secrets in the rest. */
  headers(headers: Record<string, string>, alsoSensitive?: readonly string[]): Record<string, string>;
  /** Deep copy of a value with every string passed through text(). */
  value<T>(input: T): T;
  /** True when there is nothing to mask. */
  readonly empty: boolean;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms a secret can take once it has been placed in a URL, a form body or a JSON string. */
function encodedForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  // A lone surrogate reaches a URL as U+FFFD (and would make encodeURIComponent throw).
  const sendable = wellFormed(secret);
  forms.add(encodeURIComponent(sendable));
  forms.add(new URLSearchParams({ x: secret }).toString().slice(2));
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(encodeURI(sendable));
  return [...forms].filter((f) => f.length > 0);
}

function buildPattern(secrets: readonly string[]): RegExp | undefined {
  const forms = new Set<string>();
  for (const s of secrets) for (const f of encodedForms(s)) forms.add(f);
  if (forms.size === 0) return undefined;
  // Longest first, so a secret that contains another is masked whole.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(alternatives.join('|'), 'g');
}

export function createRedactor(secretValues: Iterable<string> | Record<string, string> | undefined): Redactor {
  const all: string[] = [];
  if (secretValues) {
    const values = Symbol.iterator in Object(secretValues)
      ? [...(secretValues as Iterable<string>)]
      : Object.values(secretValues as Record<string, string>);
    // A secret saved as a number (a JSON credential, a caller of the core API) is inserted as its text: mask that.
    for (const v of values as unknown[]) {
      const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';
      if (text.length > 0) all.push(text);
    }
  }
  // Built on first use: a redactor is made for every request, and most requests never mask anything.
  let textPattern: RegExp | undefined | null = null;
  let urlPattern: RegExp | undefined | null = null;
  const textRe = (): RegExp | undefined => {
    if (textPattern === null) textPattern = buildPattern(all.filter((s) => s.length >= MIN_SEARCHABLE_SECRET_LENGTH));
    return textPattern;
  };
  const urlRe = (): RegExp | undefined => {
    if (urlPattern === null) urlPattern = buildPattern(all);
    return urlPattern;
  };

  const text = (input: string): string => {
    const re = textRe();
    return re ? input.replace(re, MASK) : input;
  };
  const url = (input: string): string => {
    const re = urlRe();
    const masked = re ? input.replace(re, MASK) : input;
    // Userinfo in a URL is a credential whatever it is.
    return masked.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, `$1${MASK}@`);
  };

  const value = <T>(input: T): T => {
    const seen = new WeakMap<object, unknown>();
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return text(v);
      if (v === null || typeof v !== 'object') return v;
      if (Buffer.isBuffer(v)) return v;
      if (seen.has(v)) return seen.get(v);
      if (Array.isArray(v)) {
        const out: unknown[] = [];
        seen.set(v, out);
        for (const item of v) out.push(walk(item));
        return out;
      }
      const out: Record<string, unknown> = {};
      seen.set(v, out);
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) out[text(k)] = walk(item);
      return out;
    };
    return walk(input) as T;
  };

  const headers = (h: Record<string, string>, alsoSensitive: readonly string[] = []): Record<string, string> => {
    const extra = new Set(alsoSensitive.map((n) => n.toLowerCase()));
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(h)) {
      const lower = name.toLowerCase();
      if (SENSITIVE_HEADER_NAMES.has(lower) || extra.has(lower)) out[name] = MASK;
      else {
        const re = urlRe();
        out[name] = re ? String(v).replace(re, MASK) : String(v);
      }
    }
    return out;
  };

  return { text, url, headers, value, empty: all.length === 0 };
}
