/** The request node's saved properties (SPEC §5) as the core's RequestConfig. */
import type { BodyConfig, KeyValue, RequestConfig } from '../shared';

export interface RequestNodeProperties extends Record<string, unknown> {
  name?: string;
  url?: string;
  method?: string;
  query?: unknown;
  headers?: unknown;
  bodyMode?: string;
  bodyEncoding?: string;
  fields?: unknown;
  rawBody?: string;
  contentType?: string;
  binarySource?: string;
  secrets?: string;
  tls?: string;
}

function rows(value: unknown): KeyValue[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object')
    .map((r) => ({ key: typeof r.key === 'string' ? r.key : '', value: typeof r.value === 'string' ? r.value : r.value === undefined || r.value === null ? '' : String(r.value) }));
}

function bodyOf(p: RequestNodeProperties): BodyConfig {
  const contentType = typeof p.contentType === 'string' ? p.contentType : '';
  switch (p.bodyMode ?? 'none') {
    case 'fields': {
      // An unknown encoding reaches the core, which names it in a clear INVALID_CONFIG.
      const encoding = (typeof p.bodyEncoding === 'string' && p.bodyEncoding !== '' ? p.bodyEncoding : 'json') as 'json';
      return { mode: 'fields', encoding, fields: rows(p.fields) };
    }
    case 'raw':
      return { mode: 'raw', raw: typeof p.rawBody === 'string' ? p.rawBody : '', contentType };
    case 'binary':
      return { mode: 'binary', source: typeof p.binarySource === 'string' && p.binarySource.trim() !== '' ? p.binarySource : '#payload', contentType };
    default:
      // Unknown modes reach the core, which names them in a clear INVALID_CONFIG.
      return { mode: (p.bodyMode ?? 'none') as 'none' };
  }
}

export function requestConfigOf(p: RequestNodeProperties): RequestConfig {
  return {
    url: typeof p.url === 'string' ? p.url : '',
    method: typeof p.method === 'string' && p.method !== '' ? p.method : 'GET',
    query: rows(p.query),
    headers: rows(p.headers),
    body: bodyOf(p),
  };
}
