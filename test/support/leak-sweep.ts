/**
 * The secret leak sweep's tools: a secret whose encodings all differ (so a value that slipped out
 * URL-encoded, form-encoded or JSON-escaped is still found), and a search of everything a host wrote
 * (errors with their stacks and own properties, messages, log calls, status texts, JSON documents).
 */

/** Used in the URL (path and query), a header and the body of every request in the sweep. */
export const SWEEP_SECRET = 'Sk-7f3a/b+c "q"&d=e%Z9';

/** The forms a secret takes on its way out: as is, URL-encoded (both ways), form-encoded, JSON-escaped. */
export function secretForms(secret: string): string[] {
  const forms = new Set([
    secret,
    encodeURIComponent(secret),
    encodeURI(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(JSON.stringify(secret)).slice(1, -1),
    Buffer.from(secret).toString('base64'),
  ]);
  return [...forms];
}

/** Everything in a value as text: errors with message, stack and own properties; Buffers decoded; cycles cut. */
export function textOf(value: unknown): string {
  const seen = new WeakSet<object>();
  const json = JSON.stringify(value, function replacer(this: unknown, _key: string, v: unknown) {
    if (typeof v === 'bigint') return String(v);
    if (typeof v === 'function') return `[function ${v.name}]`;
    if (v && typeof v === 'object') {
      if (seen.has(v)) return '[cycle]';
      seen.add(v);
      if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
      if ((v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) return Buffer.from((v as { data: number[] }).data).toString('utf8');
      if (v instanceof Error) {
        const own: Record<string, unknown> = {};
        for (const k of Object.getOwnPropertyNames(v)) own[k] = (v as unknown as Record<string, unknown>)[k];
        return { name: v.name, message: v.message, stack: v.stack, cause: (v as { cause?: unknown }).cause, ...own };
      }
    }
    return v;
  });
  return typeof value === 'string' ? value : json ?? String(value);
}

/** `place: form` for each form of each secret found in each place (an empty list: no leak). */
export function findLeaks(places: Record<string, unknown>, secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const [place, value] of Object.entries(places)) {
    const text = textOf(value);
    for (const secret of secrets) {
      for (const form of secretForms(secret)) {
        if (text.includes(form)) leaks.push(`${place}: ${JSON.stringify(form)} in …${text.slice(Math.max(0, text.indexOf(form) - 80), text.indexOf(form) + form.length + 20)}…`);
      }
    }
  }
  return leaks;
}
