/**
 * Parses `WWW-Authenticate` (RFC 9110 §11.6.1). Several challenges may arrive in one header value
 * (Node joins repeated headers with ", "), so commas separate both challenges and parameters.
 */
export interface Challenge {
  /** Lower-case scheme name, e.g. "digest". */
  scheme: string;
  /** Parameters by lower-case name, quoted-strings unquoted. */
  params: Record<string, string>;
  token68?: string;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const text = Array.isArray(header) ? header.join(', ') : header ?? '';
  const out: Challenge[] = [];
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < text.length && chars.test(text[i])) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < text.length && TOKEN_CHAR.test(text[i])) i++;
    return text.slice(start, i);
  };
  const quoted = (): string => {
    let value = '';
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      value += text[i++];
    }
    i++; // closing quote
    return value;
  };
  let current: Challenge | undefined;
  while (i < text.length) {
    skip(/[\s,]/);
    if (i >= text.length) break;
    const start = i;
    const name = token();
    if (name === '') {
      i++; // a stray character: skip it rather than loop
      continue;
    }
    skip(/[ \t]/);
    if (current && text[i] === '=') {
      i++;
      skip(/[ \t]/);
      current.params[name.toLowerCase()] = text[i] === '"' ? quoted() : token();
      continue;
    }
    i = start + name.length;
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    skip(/[ \t]/);
    // A token68 (e.g. "Negotiate abc==") rather than the first parameter.
    const rest = text.slice(i);
    const t68 = TOKEN68.exec(rest);
    if (t68 && /^\s*(,|$)/.test(rest.slice(t68[0].length)) && !/^[^=]+=[^=]/.test(rest)) {
      current.token68 = t68[0];
      i += t68[0].length;
    }
  }
  return out;
}

/** A short, safe description of what the server offered, for messages: the schemes only. */
export function describeChallenges(challenges: Challenge[]): string {
  if (challenges.length === 0) return 'no WWW-Authenticate challenge';
  return `WWW-Authenticate: ${challenges.map((c) => (c.params.algorithm ? `${c.scheme} (${c.params.algorithm})` : c.scheme)).join(', ')}`;
}
