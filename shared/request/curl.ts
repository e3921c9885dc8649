/**
 * Import of a pasted curl command into a RequestConfig, for the editors' "Import cURL" buttons.
 * A curl command is literal text, so every `#` that the template parser would read as a variable is
 * written `##`: the imported form sends exactly what curl would.
 */
import { SendApiRequestError } from '../errors';
import { shellWords } from './shell-words';
import type { BodyConfig, KeyValue, RequestConfig } from './types';

export { shellWords };

const FIELD = 'curl';

function curlError(message: string, hint?: string): SendApiRequestError {
  return new SendApiRequestError('INVALID_CONFIG', `Cannot import the curl command: ${message}`, {
    field: FIELD,
    hint: hint ?? 'Paste one complete curl command, e.g. curl -X POST https://api.example.com/items -H "Content-Type: application/json" -d \'{"a":1}\'.',
  });
}

// ---------------------------------------------------------------------------------------------
// curl options

type Handler = (state: CurlState, arg: string) => void;

interface CurlState {
  urls: string[];
  method?: string;
  headers: KeyValue[];
  data: string[];
  /** `--json` was given: the body is JSON and Accept defaults to JSON. */
  json: boolean;
  form: KeyValue[];
  getQuery: boolean;
  head: boolean;
}

function addData(kind: 'data' | 'raw' | 'urlencode'): Handler {
  return (s, arg) => {
    if (kind === 'data' && arg.startsWith('@')) throw curlError(`"${arg}" reads a file, which the import cannot do.`, 'Paste the body itself instead of @file.');
    if (kind !== 'urlencode') {
      s.data.push(arg);
      return;
    }
    // --data-urlencode: [name]=content or plain content; name@file reads a file.
    const eq = arg.indexOf('=');
    const at = arg.indexOf('@');
    if (at >= 0 && (eq < 0 || at < eq)) throw curlError(`"--data-urlencode ${arg}" reads a file, which the import cannot do.`);
    if (eq < 0) s.data.push(encodeURIComponent(arg));
    else s.data.push((eq > 0 ? arg.slice(0, eq) + '=' : '') + encodeURIComponent(arg.slice(eq + 1)));
  };
}

function addHeader(s: CurlState, arg: string): void {
  if (arg.startsWith('@')) throw curlError(`"-H ${arg}" reads headers from a file, which the import cannot do.`);
  const colon = arg.indexOf(':');
  if (colon < 0) {
    // `Name;` sends the header empty; anything else is not a header.
    if (arg.endsWith(';')) s.headers.push({ key: arg.slice(0, -1).trim(), value: '' });
    else throw curlError(`"${arg}" is not a header; write -H "Name: value".`);
    return;
  }
  const key = arg.slice(0, colon).trim();
  const value = arg.slice(colon + 1).trim();
  if (!key) throw curlError(`"${arg}" has no header name.`);
  if (value === '') return; // `Name:` removes one of curl's own headers: nothing to send
  s.headers.push({ key, value });
}

function addForm(s: CurlState, arg: string): void {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw curlError(`"-F ${arg}" is not name=value.`);
  const key = arg.slice(0, eq);
  let value = arg.slice(eq + 1);
  if (value.startsWith('@') || value.startsWith('<')) {
    throw curlError(`"-F ${arg}" uploads a file, which the import cannot do.`, `Import without it, then add a field whose value is a variable holding a Buffer (e.g. ${key}: #payload).`);
  }
  const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(value);
  if (quoted) value = quoted[1].replace(/\\(.)/g, '$1');
  else value = value.replace(/;(type|filename|headers|encoder)=.*$/, '');
  s.form.push({ key, value });
}

/** Base64 of the UTF-8 bytes, with globals both Node and browsers have (the editor bundles this file). */
function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function basicAuth(s: CurlState, arg: string): void {
  const colon = arg.indexOf(':');
  const user = colon < 0 ? arg : arg.slice(0, colon);
  const pass = colon < 0 ? '' : arg.slice(colon + 1);
  s.headers.push({ key: 'Authorization', value: `Basic ${base64Utf8(`${user}:${pass}`)}` });
}

const WITH_ARG: Record<string, Handler> = {
  '-X': (s, a) => { s.method = a.toUpperCase(); },
  '--request': (s, a) => { s.method = a.toUpperCase(); },
  '-H': addHeader,
  '--header': addHeader,
  '-d': addData('data'),
  '--data': addData('data'),
  '--data-ascii': addData('data'),
  '--data-binary': addData('data'),
  '--data-raw': addData('raw'),
  '--data-urlencode': addData('urlencode'),
  '--json': (s, a) => { addData('data')(s, a); s.json = true; },
  '-F': addForm,
  '--form': addForm,
  '--form-string': (s, a) => {
    const eq = a.indexOf('=');
    if (eq <= 0) throw curlError(`"--form-string ${a}" is not name=value.`);
    s.form.push({ key: a.slice(0, eq), value: a.slice(eq + 1) });
  },
  '-u': basicAuth,
  '--user': basicAuth,
  '-A': (s, a) => { s.headers.push({ key: 'User-Agent', value: a }); },
  '--user-agent': (s, a) => { s.headers.push({ key: 'User-Agent', value: a }); },
  '-e': (s, a) => { s.headers.push({ key: 'Referer', value: a }); },
  '--referer': (s, a) => { s.headers.push({ key: 'Referer', value: a }); },
  '-b': (s, a) => {
    if (!a.includes('=')) throw curlError(`"-b ${a}" reads cookies from a file, which the import cannot do.`);
    s.headers.push({ key: 'Cookie', value: a });
  },
  '--cookie': (s, a) => WITH_ARG['-b'](s, a),
  '--url': (s, a) => { s.urls.push(a); },
  // Options of curl's own behaviour with an argument: accepted and left to the node's options.
  ...Object.fromEntries(
    ['-o', '--output', '-m', '--max-time', '--connect-timeout', '-w', '--write-out', '--retry', '--retry-delay', '--retry-max-time',
      '--max-redirs', '-x', '--proxy', '-U', '--proxy-user', '--cacert', '--capath', '-E', '--cert', '--key', '--cert-type', '--key-type',
      '-c', '--cookie-jar', '--limit-rate', '-r', '--range', '-z', '--time-cond', '--resolve', '--connect-to', '--interface', '-D', '--dump-header',
      '--trace', '--trace-ascii', '--user-agent-file', '--keepalive-time', '-Y', '--speed-limit', '-y', '--speed-time', '--tls-max', '--ciphers',
      '--oauth2-bearer', '--aws-sigv4', '--variable', '--expand-url', '-K', '--config']
      .map((name) => [name, ignoreWithArg(name)]),
  ),
};

function ignoreWithArg(name: string): Handler {
  return (s, arg) => {
    if (name === '--oauth2-bearer') s.headers.push({ key: 'Authorization', value: `Bearer ${arg}` });
    else if (name === '-K' || name === '--config') throw curlError(`"${name}" reads options from a file, which the import cannot do.`);
    else if (name === '--variable' || name === '--expand-url') throw curlError(`"${name}" uses curl variables, which the import cannot expand.`);
    else if (name === '--aws-sigv4') throw curlError('"--aws-sigv4" signs the request, which the node does not do.');
  };
}

const FLAGS: Record<string, (s: CurlState) => void> = {
  '-G': (s) => { s.getQuery = true; },
  '--get': (s) => { s.getQuery = true; },
  '-I': (s) => { s.head = true; },
  '--head': (s) => { s.head = true; },
};

/** Flags of curl's own behaviour (output, progress, TLS, redirects, HTTP version): no effect on the request. */
const IGNORED_FLAGS = new Set([
  '-s', '--silent', '-S', '--show-error', '-L', '--location', '--location-trusted', '-k', '--insecure', '-v', '--verbose', '-i', '--include',
  '-f', '--fail', '--fail-with-body', '--compressed', '-#', '--progress-bar', '-N', '--no-buffer', '-O', '--remote-name', '-J', '--remote-header-name',
  '-0', '--http1.0', '--http1.1', '--http2', '--http2-prior-knowledge', '--http3', '--tlsv1', '--tlsv1.2', '--tlsv1.3', '-4', '--ipv4', '-6', '--ipv6',
  '-g', '--globoff', '-n', '--netrc', '--no-keepalive', '--tcp-nodelay', '--path-as-is', '--raw', '--tr-encoding', '-q', '--disable', '--no-progress-meter',
  '--retry-connrefused', '--retry-all-errors', '--ssl', '--ssl-reqd', '--digest', '--basic', '--anyauth', '--ntlm', '--negotiate', '--proxy-insecure',
  '--compressed-ssh', '--styled-output', '--no-styled-output', '--create-dirs', '-Z', '--parallel',
]);

function parseOptions(words: string[]): CurlState {
  const s: CurlState = { urls: [], headers: [], data: [], json: false, form: [], getQuery: false, head: false };
  let i = 1;
  let optionsEnded = false;
  const argFor = (name: string): string => {
    if (i + 1 >= words.length) throw curlError(`${name} needs a value.`);
    i++;
    return words[i];
  };
  for (; i < words.length; i++) {
    const w = words[i];
    if (!optionsEnded && (w === '-:' || w === '--next')) throw curlError('it holds more than one request (--next); import one request at a time.');
    if (optionsEnded || !w.startsWith('-') || w === '-') {
      s.urls.push(w);
    } else if (w === '--') {
      optionsEnded = true;
    } else if (w.startsWith('--')) {
      if (WITH_ARG[w]) WITH_ARG[w](s, argFor(w));
      else if (FLAGS[w]) FLAGS[w](s);
      else if (!IGNORED_FLAGS.has(w) && !w.startsWith('--no-')) throw curlError(`the option "${w}" is not supported.`, 'Remove it and import again.');
    } else {
      // Short options may be grouped (-sSL) and take their value attached (-XPOST) or as the next word.
      for (let j = 1; j < w.length; j++) {
        const name = `-${w[j]}`;
        if (WITH_ARG[name]) {
          const rest = w.slice(j + 1);
          WITH_ARG[name](s, rest !== '' ? rest : argFor(name));
          break;
        }
        if (FLAGS[name]) FLAGS[name](s);
        else if (!IGNORED_FLAGS.has(name)) throw curlError(`the option "${name}" is not supported.`, 'Remove it and import again.');
      }
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// From curl's request to the form

/** Writes literal text as a template: `#` that would start a variable (or `##`) becomes `##`. */
export function escapeTemplate(text: string): string {
  return text.replace(/#(?=[A-Za-z_${#]|$)/g, '##');
}

function escapeRows(rows: KeyValue[]): KeyValue[] {
  return rows.map((r) => ({ key: escapeTemplate(r.key), value: escapeTemplate(r.value) }));
}

/** `a=1&b=two` as rows, or undefined when it is not form-encoded text. */
function formPairs(text: string): KeyValue[] | undefined {
  if (text === '') return [];
  const rows: KeyValue[] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    if (/\s/.test(part)) return undefined;
    try {
      rows.push({ key: decodeURIComponent(rawKey.replace(/\+/g, ' ')), value: decodeURIComponent(rawValue.replace(/\+/g, ' ')) });
    } catch {
      return undefined;
    }
  }
  return rows;
}

function isJsonType(contentType: string): boolean {
  const t = contentType.split(';')[0].trim().toLowerCase();
  return t === 'application/json' || t.endsWith('+json');
}

function looksLikeJson(text: string): boolean {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

function withScheme(url: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) ? url : `http://${url}`;
}

function takeHeader(headers: KeyValue[], name: string): string | undefined {
  const lower = name.toLowerCase();
  let value: string | undefined;
  for (let i = headers.length - 1; i >= 0; i--) {
    if (headers[i].key.toLowerCase() === lower) {
      value ??= headers[i].value;
      headers.splice(i, 1);
    }
  }
  return value;
}

/** The body (and the header rows it consumes) of curl's data and form options. */
function bodyOf(s: CurlState, headers: KeyValue[]): BodyConfig {
  if (s.form.length > 0) {
    if (s.data.length > 0) throw curlError('it mixes -d and -F; curl sends only one kind of body.');
    takeHeader(headers, 'Content-Type'); // multipart always sends its own boundary type
    return { mode: 'fields', encoding: 'multipart', fields: escapeRows(s.form) };
  }
  if (s.data.length === 0 || s.getQuery) return { mode: 'none' };
  const text = s.data.join('&');
  const headerType = takeHeader(headers, 'Content-Type');
  const contentType = headerType ?? (s.json ? 'application/json' : undefined);
  // --json also asks for JSON unless the command sets its own Accept.
  if (s.json && !headers.some((h) => h.key.toLowerCase() === 'accept')) headers.push({ key: 'Accept', value: 'application/json' });
  if (contentType !== undefined ? isJsonType(contentType) : looksLikeJson(text)) {
    // Empty contentType is JSON; a vendor type (…+json) is kept as written.
    const kept = contentType === undefined || contentType.split(';')[0].trim().toLowerCase() === 'application/json' ? '' : contentType;
    return { mode: 'raw', raw: escapeTemplate(text), contentType: kept };
  }
  const isForm = contentType === undefined || contentType.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
  const pairs = isForm ? formPairs(text) : undefined;
  if (pairs) return { mode: 'fields', encoding: 'form', fields: escapeRows(pairs) };
  return { mode: 'raw', raw: escapeTemplate(text), contentType: contentType ?? 'application/x-www-form-urlencoded' };
}

/**
 * Parses a curl command (as copied from API docs or a browser's "Copy as cURL") into the form.
 * Throws SendApiRequestError INVALID_CONFIG (field `curl`) for anything it cannot import faithfully.
 */
export function parseCurl(command: string): RequestConfig {
  if (typeof command !== 'string' || command.trim() === '') throw curlError('it is empty.');
  const words = shellWords(command.trim().replace(/^\$\s+/, ''));
  if (words.length === 0 || !/^curl(\.exe)?$/i.test(words[0].split(/[\\/]/).pop() ?? '')) {
    throw curlError('it does not start with "curl".');
  }
  const s = parseOptions(words);
  if (s.urls.length === 0) throw curlError('it has no URL.');
  if (s.urls.length > 1) throw curlError(`it has more than one URL (${s.urls.slice(0, 3).join(', ')}); import one request at a time.`);

  const headers = s.headers.map((h) => ({ ...h }));
  const body = bodyOf(s, headers);

  const query = s.getQuery && s.data.length > 0 ? formPairs(s.data.join('&')) : [];
  if (query === undefined) throw curlError('the -G data is not name=value pairs.');
  const hasBody = body.mode !== 'none';
  const method = s.method ?? (s.head ? 'HEAD' : s.getQuery ? 'GET' : hasBody ? 'POST' : 'GET');
  return {
    url: escapeTemplate(withScheme(s.urls[0])),
    method,
    query: escapeRows(query),
    headers: escapeRows(headers),
    body,
  };
}
