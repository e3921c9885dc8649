import { SendApiRequestError } from './errors';
import type { OnMissing } from './template/types';

/** SPEC §5: the saved options, same names and defaults in both hosts. A saved flow may omit any. */
export interface NodeOptions {
  timeout: number;
  retries: number;
  retryNonIdempotent: boolean;
  retryMaxDelay: number;
  followRedirects: boolean;
  maxRedirects: number;
  responseFormat: 'auto' | 'json' | 'text' | 'binary';
  responseOutput: 'full' | 'body';
  binaryProperty: string;
  neverError: boolean;
  onMissing: OnMissing;
  concurrency: number;
  batchSize: number;
  batchInterval: number;
  maxResponseBytes: number;
  ignoreTlsErrors: boolean;
  ssrfGuard: boolean;
  allowedHosts: string;
  pagination: 'off' | 'nextUrl' | 'pageParam' | 'linkHeader';
  nextUrl: string;
  pageParam: string;
  pageStart: number;
  pageStep: number;
  stopWhen: 'noNext' | 'emptyBody' | 'status';
  stopStatusCodes: string;
  itemsPath: string;
  maxPages: number;
  pageInterval: number;
  paginationOutput: 'pages' | 'merged';
  splitIntoItems: boolean;
}

export const DEFAULT_OPTIONS: Readonly<NodeOptions> = Object.freeze({
  timeout: 60000,
  retries: 2,
  retryNonIdempotent: false,
  retryMaxDelay: 30000,
  followRedirects: true,
  maxRedirects: 21,
  responseFormat: 'auto',
  responseOutput: 'full',
  binaryProperty: 'data',
  neverError: false,
  onMissing: 'error',
  concurrency: 10,
  batchSize: 0,
  batchInterval: 0,
  maxResponseBytes: 104857600,
  ignoreTlsErrors: false,
  ssrfGuard: false,
  allowedHosts: '',
  pagination: 'off',
  nextUrl: '',
  pageParam: '',
  pageStart: 1,
  pageStep: 1,
  stopWhen: 'noNext',
  stopStatusCodes: '404',
  itemsPath: '',
  maxPages: 100,
  pageInterval: 0,
  paginationOutput: 'pages',
  splitIntoItems: false,
});

const CHOICES: Partial<Record<keyof NodeOptions, readonly string[]>> = {
  responseFormat: ['auto', 'json', 'text', 'binary'],
  responseOutput: ['full', 'body'],
  onMissing: ['error', 'empty', 'keep'],
  pagination: ['off', 'nextUrl', 'pageParam', 'linkHeader'],
  stopWhen: ['noNext', 'emptyBody', 'status'],
  paginationOutput: ['pages', 'merged'],
};

/** Lower bounds for numbers; concurrency and maxPages need at least 1. */
const MINIMUM: Partial<Record<keyof NodeOptions, number>> = { concurrency: 1, maxPages: 1, maxRedirects: 0 };

function bad(name: string, message: string): SendApiRequestError {
  return new SendApiRequestError('INVALID_CONFIG', `Option ${name}: ${message}`, { field: `options.${name}` });
}

/**
 * Fills defaults and checks types. Hosts save options as they come from their editors (Node-RED
 * keeps numbers typed in text boxes as strings, an empty box as ""), so numbers and booleans given
 * as text are accepted; anything else is a clear INVALID_CONFIG naming the option.
 */
export function normalizeOptions(raw: Record<string, unknown> | undefined | null): NodeOptions {
  const out: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  for (const [name, def] of Object.entries(DEFAULT_OPTIONS) as Array<[keyof NodeOptions, unknown]>) {
    const v = raw?.[name];
    if (v === undefined || v === null || v === '') continue;
    if (typeof def === 'number') {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
      if (!Number.isFinite(n)) throw bad(name, `"${String(v)}" is not a number.`);
      const min = MINIMUM[name] ?? 0;
      if (n < min) throw bad(name, `${n} is below the minimum of ${min}.`);
      out[name] = n;
    } else if (typeof def === 'boolean') {
      if (typeof v === 'boolean') out[name] = v;
      else if (v === 'true' || v === 'false') out[name] = v === 'true';
      else throw bad(name, `"${String(v)}" is not true or false.`);
    } else {
      const s = String(v);
      const choices = CHOICES[name];
      if (choices && !choices.includes(s)) throw bad(name, `"${s}" is not one of ${choices.join(', ')}.`);
      out[name] = s;
    }
  }
  return out as unknown as NodeOptions;
}
