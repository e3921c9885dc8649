/**
 * Splits a pasted command line into words with POSIX shell quoting (bash flavour, as curl commands are
 * copied from API docs and browsers): '…', "…", $'…', backslashes and line continuations. No expansion.
 */
import { SendApiRequestError } from '../errors';

function shellError(message: string): SendApiRequestError {
  return new SendApiRequestError('INVALID_CONFIG', `Cannot import the curl command: ${message}`, {
    field: 'curl',
    hint: 'Check the quotes: every \' and " needs its closing partner; paste the curl command alone.',
  });
}

const ANSI_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** Reads an ANSI-C `$'…'` string from `i` (after the opening quote); returns its text and the end. */
function readAnsiC(src: string, i: number): { text: string; end: number } {
  let text = '';
  while (i < src.length) {
    const c = src[i];
    if (c === "'") return { text, end: i + 1 };
    if (c !== '\\') {
      text += c;
      i++;
      continue;
    }
    const e = src[i + 1];
    const hex = e === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(src.slice(i + 2)) : e === 'u' ? /^[0-9a-fA-F]{1,4}/.exec(src.slice(i + 2)) : e === 'U' ? /^[0-9a-fA-F]{1,8}/.exec(src.slice(i + 2)) : null;
    if (hex) {
      text += String.fromCodePoint(parseInt(hex[0], 16));
      i += 2 + hex[0].length;
    } else if (e !== undefined && ANSI_ESCAPES[e] !== undefined) {
      text += ANSI_ESCAPES[e];
      i += 2;
    } else {
      text += '\\' + (e ?? '');
      i += 2;
    }
  }
  throw shellError("a $'…' string is not closed.");
}

/** Splits a command line into words the way a POSIX shell does (no expansions). */
export function shellWords(command: string): string[] {
  const src = command.replace(/\r\n?/g, '\n');
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      if (src[i + 1] === '\n') {
        i += 2; // line continuation
        continue;
      }
      if (i + 1 < src.length) {
        word += src[i + 1];
        inWord = true;
      }
      i += 2;
    } else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw shellError('a single quote is not closed.');
      word += src.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '$' && src[i + 1] === "'") {
      const r = readAnsiC(src, i + 2);
      word += r.text;
      inWord = true;
      i = r.end;
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= src.length) throw shellError('a double quote is not closed.');
        const d = src[j];
        if (d === '"') break;
        if (d === '\\' && j + 1 < src.length && '\\"$`\n'.includes(src[j + 1])) {
          if (src[j + 1] !== '\n') word += src[j + 1];
          j += 2;
          continue;
        }
        word += d;
        j++;
      }
      inWord = true;
      i = j + 1;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if ((c === '|' || c === ';' || c === '&' || c === '>' || c === '<') && !inWord) {
      throw shellError(`"${c}" starts another shell command or a redirection; paste the curl command alone.`);
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
