/**
 * What the node puts on messages: the response (SPEC §3) and, on failure, the Error handed to
 * done() so a Catch node receives it with the message kept.
 */
import hashSum from 'hash-sum';
import { isSendApiRequestError, type ApiResponse, type Redactor } from '../shared';
import type { NodeMessage } from './red-types';

/**
 * Marks response headers the way Node-RED's core http request node does, so that an `http response`
 * node further on ignores them unless the flow changed them (content-length, encoding of the upstream).
 */
export const REQUEST_NODE_MARK = 'x-node-red-request-node';

export function markedHeaders(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { ...headers };
  delete out[REQUEST_NODE_MARK];
  out[REQUEST_NODE_MARK] = hashSum(out);
  return out;
}

/** `redactor`: msg.responseUrl echoes the request URL, so secrets in it (an API key in the query) are masked (SPEC §2). */
export function applyResponse(msg: NodeMessage, response: ApiResponse, redactor: Redactor): NodeMessage {
  msg.payload = response.body;
  msg.statusCode = response.statusCode;
  msg.headers = markedHeaders(response.headers);
  msg.responseUrl = redactor.url(response.url);
  return msg;
}

/** The error for done(): code, field, statusCode and hint as properties; no cause (it may hold the raw request). */
export interface FlowError extends Error {
  code: string;
  field?: string;
  statusCode?: number;
  hint?: string;
}

export function flowError(err: unknown, redactor: Redactor): FlowError {
  if (isSendApiRequestError(err)) {
    const where = err.field ? ` (field: ${err.field})` : '';
    const hint = err.hint ? ` ${err.hint}` : '';
    const e = new Error(redactor.text(`${err.message}${where}${hint}`)) as FlowError;
    e.name = 'SendApiRequestError';
    e.code = err.code;
    if (err.field !== undefined) e.field = err.field;
    if (err.statusCode !== undefined) e.statusCode = err.statusCode;
    if (err.hint !== undefined) e.hint = redactor.text(err.hint);
    return e;
  }
  const message = err instanceof Error ? err.message : String(err);
  const e = new Error(redactor.text(`Send API Request failed unexpectedly: ${message}`)) as FlowError;
  e.name = 'SendApiRequestError';
  e.code = 'INTERNAL';
  return e;
}

/**
 * On an HTTP status error the response is known: the message carries its status and headers like an
 * output. Unlike a successful response, an error is something the node writes, so secrets a server
 * echoes in its headers (the request URL, the Authorization it got) are masked (SPEC §2).
 */
export function applyErrorResponse(msg: NodeMessage, err: unknown, redactor: Redactor): void {
  if (!isSendApiRequestError(err) || err.statusCode === undefined) return;
  msg.statusCode = err.statusCode;
  if (err.responseHeaders) msg.headers = markedHeaders(redactor.value(err.responseHeaders));
  if (err.request?.url) msg.responseUrl = err.request.url;
}
