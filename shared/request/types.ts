export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof METHODS)[number];

export interface KeyValue {
  key: string;
  value: string;
}

export type BodyConfig =
  | { mode: 'none' }
  | { mode: 'fields'; encoding?: 'json' | 'form' | 'multipart'; fields: KeyValue[] }
  | { mode: 'raw'; raw: string; contentType?: string }
  | { mode: 'binary'; source: string; contentType?: string };

/** The form as the user filled it in; strings are `#` templates, except `contentType`. */
export interface RequestConfig {
  url: string;
  method: string;
  query?: KeyValue[];
  headers?: KeyValue[];
  body?: BodyConfig;
}

/** A multipart body already encoded; kept as one Buffer so any transport can send it. */
export type RequestBody = string | Buffer;

export interface PreparedRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: RequestBody;
  /** Header names whose value used a secret: masked in echoes, dropped on cross-origin redirects. */
  sensitiveHeaders: string[];
}

/** A file for a multipart part: what the n8n adapter makes of a binary property. */
export interface FileValue {
  data: Buffer;
  fileName?: string;
  mimeType?: string;
}
