import { SendApiRequestError } from '../errors';
import type { ParsedTemplate, PathSegment, TemplatePart } from './types';

const NAME_START = /[A-Za-z_$]/;
const NAME_CHAR = /[A-Za-z0-9_$]/;

export interface ParseOptions {
  /** Field name for errors (`url`, `headers[0]`, …). */
  field: string;
  /** Treat `{{ … }}` as opaque expression islands (n8n). */
  expressions?: boolean;
}

function configError(field: string, template: string, at: number, what: string): SendApiRequestError {
  return new SendApiRequestError(
    'INVALID_CONFIG',
    `Invalid variable in ${field} at character ${at + 1}: ${what}.`,
    { field, hint: 'Write ## for a literal #, or fix the variable (see "The # syntax" in the help).' },
  );
}

/** Reads a quoted key starting at `i` (the quote). Returns the key and the index after the closing quote. */
function readQuoted(src: string, i: number): { key: string; end: number } | undefined {
  const quote = src[i];
  let key = '';
  let j = i + 1;
  while (j < src.length) {
    const c = src[j];
    if (c === '\\' && j + 1 < src.length) {
      key += src[j + 1];
      j += 2;
      continue;
    }
    if (c === quote) return { key, end: j + 1 };
    key += c;
    j++;
  }
  return undefined;
}

/**
 * Reads a `[…]` accessor at `i` for a bare variable. Returns undefined when it is not a valid accessor
 * (the bare variable then ends before the `[`).
 */
function readBracket(src: string, i: number): { segment: PathSegment; end: number } | undefined {
  const c = src[i + 1];
  if (c === '"' || c === "'") {
    const q = readQuoted(src, i + 1);
    if (!q || src[q.end] !== ']') return undefined;
    return { segment: q.key, end: q.end + 1 };
  }
  const m = /^\[(\d+)\]/.exec(src.slice(i, i + 24));
  if (!m) return undefined;
  return { segment: Number(m[1]), end: i + m[0].length };
}

function readName(src: string, i: number): string | undefined {
  if (i >= src.length || !NAME_START.test(src[i])) return undefined;
  let j = i + 1;
  while (j < src.length && NAME_CHAR.test(src[j])) j++;
  return src.slice(i, j);
}

/** Bare variable after the `#` at `hash`: name, then `.name`, `[digits]`, `["key"]`. */
function readBare(src: string, hash: number): { path: PathSegment[]; end: number } | undefined {
  const first = readName(src, hash + 1);
  if (first === undefined) return undefined;
  const path: PathSegment[] = [first];
  let i = hash + 1 + first.length;
  for (;;) {
    if (src[i] === '.') {
      const name = readName(src, i + 1);
      if (name === undefined) break;
      path.push(name);
      i += 1 + name.length;
    } else if (src[i] === '[') {
      const b = readBracket(src, i);
      if (!b) break;
      path.push(b.segment);
      i = b.end;
    } else break;
  }
  return { path, end: i };
}

/** Braced variable `#{…}` starting at `hash`. Throws INVALID_CONFIG on malformed paths. */
function readBraced(src: string, hash: number, field: string): { path: PathSegment[]; end: number } {
  const path: PathSegment[] = [];
  let i = hash + 2;
  let segment = '';
  // What the last token was: a segment must come between dots.
  let expectSegment = true;
  const pushSegment = (at: number) => {
    const trimmed = segment.trim();
    if (trimmed === '') throw configError(field, src, at, 'empty path segment');
    path.push(trimmed);
    segment = '';
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '}') {
      if (segment.trim() !== '' ) pushSegment(i);
      else if (expectSegment) throw configError(field, src, i, path.length === 0 ? 'empty variable #{}' : 'empty path segment');
      if (path.length === 0) throw configError(field, src, hash, 'empty variable #{}');
      return { path, end: i + 1 };
    }
    if (c === '.') {
      if (segment.trim() !== '') pushSegment(i);
      else if (expectSegment) throw configError(field, src, i, 'empty path segment');
      expectSegment = true;
      i++;
      continue;
    }
    if (c === '[') {
      if (segment.trim() !== '') pushSegment(i);
      else if (expectSegment && path.length > 0) throw configError(field, src, i, 'empty path segment');
      const inner = src[i + 1];
      if (inner === '"' || inner === "'") {
        const q = readQuoted(src, i + 1);
        if (!q) throw configError(field, src, i, 'unclosed quote');
        let j = q.end;
        while (src[j] === ' ' || src[j] === '\t') j++;
        if (src[j] !== ']') throw configError(field, src, i, 'expected ] after the quoted key');
        path.push(q.key);
        i = j + 1;
      } else {
        const close = src.indexOf(']', i);
        const body = close < 0 ? '' : src.slice(i + 1, close).trim();
        if (close < 0 || !/^\d+$/.test(body)) {
          throw configError(field, src, i, '[…] must hold digits or a quoted key, like [0] or ["a key"]');
        }
        path.push(Number(body));
        i = close + 1;
      }
      expectSegment = false;
      // After ] only `.`, `[`, `}` or spaces may follow.
      while (src[i] === ' ' || src[i] === '\t') i++;
      if (i < src.length && src[i] !== '.' && src[i] !== '[' && src[i] !== '}') {
        throw configError(field, src, i, 'expected . [ or } after ]');
      }
      continue;
    }
    if (c === '"' || c === "'") {
      throw configError(field, src, i, 'quoted keys go in brackets, like ["a key"]');
    }
    if (!expectSegment && segment === '' && c.trim() !== '') {
      throw configError(field, src, i, 'expected . [ or } after ]');
    }
    segment += c;
    expectSegment = false;
    i++;
  }
  throw configError(field, src, hash, 'unclosed #{ (add the closing })');
}

/** Parses a template once into literal text, `#` variables and (n8n) `{{ }}` islands. */
export function parseTemplate(source: string, options: ParseOptions): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let text = '';
  let textStart = 0;
  const flushText = (next: number) => {
    if (text !== '') parts.push({ kind: 'text', text, start: textStart });
    text = '';
    textStart = next;
  };
  let i = 0;
  const src = source ?? '';
  while (i < src.length) {
    const c = src[i];
    if (options.expressions && c === '{' && src[i + 1] === '{') {
      const close = src.indexOf('}}', i + 2);
      if (close >= 0) {
        flushText(i);
        parts.push({ kind: 'expr', source: src.slice(i, close + 2), start: i });
        i = close + 2;
        textStart = i;
        continue;
      }
    }
    if (c !== '#') {
      text += c;
      i++;
      continue;
    }
    const next = src[i + 1];
    if (next === '#') {
      text += '#';
      i += 2;
      continue;
    }
    if (next === '{') {
      const braced = readBraced(src, i, options.field);
      flushText(i);
      parts.push({ kind: 'var', path: braced.path, written: src.slice(i, braced.end), start: i });
      i = braced.end;
      textStart = i;
      continue;
    }
    const bare = readBare(src, i);
    if (bare) {
      flushText(i);
      parts.push({ kind: 'var', path: bare.path, written: src.slice(i, bare.end), start: i });
      i = bare.end;
      textStart = i;
      continue;
    }
    text += '#';
    i++;
  }
  flushText(i);
  const dynamic = parts.filter((p) => p.kind !== 'text');
  return {
    source: src,
    parts,
    single: parts.length === 1 && dynamic.length === 1,
    literal: dynamic.length === 0,
  };
}

/** Formats a path the way a user would write it as a braced-free `#` variable. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  path.forEach((seg, idx) => {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) out += idx === 0 ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  });
  return `#${out}`;
}
