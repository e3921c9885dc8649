import { SendApiRequestError } from '../errors';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Tab, visible ASCII and Latin-1: what HTTP/1.1 can carry in a field value without smuggling a line.
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

export function checkHeaderName(name: string, field: string): void {
  if (name === '') {
    throw new SendApiRequestError('INVALID_HEADER', `The header in ${field} has a value but no name.`, {
      field,
      hint: 'Give the header a name, or clear both its name and value.',
    });
  }
  if (!TOKEN.test(name)) {
    const bad = [...name].find((c) => !TOKEN.test(c)) ?? '';
    throw new SendApiRequestError('INVALID_HEADER', `The header name in ${field} contains ${describeChar(bad)}, which header names cannot contain.`, {
      field,
      hint: 'Header names are letters, digits and - _ . ! # $ % & \' * + ^ ` | ~ with no spaces.',
    });
  }
}

export function checkHeaderValue(value: string, field: string, what = 'The header value'): void {
  const m = BAD_VALUE_CHAR.exec(value);
  if (m) {
    throw new SendApiRequestError('INVALID_HEADER', `${what} in ${field} contains ${describeChar(m[0])} at character ${m.index + 1}, which cannot be sent in a header.`, {
      field,
      hint: 'Remove line breaks and control characters from the value (a variable may have brought them in).',
    });
  }
}

function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const names: Record<number, string> = { 0: 'NUL', 9: 'a tab', 10: 'a line feed (LF)', 13: 'a carriage return (CR)', 32: 'a space', 127: 'DEL' };
  return names[code] ?? `the character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Finds a header by name, case-insensitively. */
export function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) return k;
  return undefined;
}
