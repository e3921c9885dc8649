/**
 * Errors the n8n way: NodeOperationError for a configuration the author must fix, NodeApiError for
 * what the API or the network did; an error item for continueOnFail. Everything is masked first.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type INode, type JsonObject } from 'n8n-workflow';
import { SendApiRequestError, type ErrorCode } from '../../shared/errors';
import type { Redactor } from '../../shared/redact';

/** Codes an author fixes in the node's settings, before anything is sent. */
const CONFIG_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UNKNOWN_VARIABLE', 'INVALID_URL', 'INVALID_HEADER', 'INVALID_JSON', 'INVALID_CONFIG', 'INVALID_BODY']);

/** Any error as a masked SendApiRequestError, so every error has a code and a message worth reading. */
export function asSendError(err: unknown, redactor: Redactor): SendApiRequestError {
  if (err instanceof SendApiRequestError) {
    return new SendApiRequestError(err.code, redactor.text(err.message), {
      field: err.field,
      hint: err.hint === undefined ? undefined : redactor.text(err.hint),
      statusCode: err.statusCode,
      statusMessage: err.statusMessage,
      responseExcerpt: err.responseExcerpt === undefined ? undefined : redactor.text(err.responseExcerpt),
      request: err.request && { ...err.request, url: redactor.url(err.request.url), headers: redactor.headers(err.request.headers) },
      attempts: err.attempts,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new SendApiRequestError('INVALID_CONFIG', redactor.text(message), { hint: 'Check the node\'s settings.' });
}

/** The JSON of an error item (continueOnFail): `{ error: { code, message, field, statusCode, … } }`. */
export function errorItemJson(err: SendApiRequestError): IDataObject {
  return { error: err.toJSON() as IDataObject };
}

function description(err: SendApiRequestError): string {
  const lines: string[] = [];
  if (err.hint) lines.push(err.hint);
  lines.push(`Code: ${err.code}${err.field ? `, field: ${err.field}` : ''}`);
  if (err.request) lines.push(`Request: ${err.request.method} ${err.request.url}`);
  if (err.responseExcerpt) lines.push(`Response: ${err.responseExcerpt}`);
  return lines.join('\n');
}

/** The error thrown out of execute() for item `itemIndex` (already masked). */
export function nodeError(node: INode, err: SendApiRequestError, itemIndex: number): NodeApiError | NodeOperationError {
  const context = { code: err.code, field: err.field ?? null, statusCode: err.statusCode ?? null };
  if (CONFIG_CODES.has(err.code)) {
    const e = new NodeOperationError(node, err.message, { itemIndex, description: description(err) });
    Object.assign(e.context, context);
    return e;
  }
  const e = new NodeApiError(node, err.toJSON() as JsonObject, {
    message: err.message,
    description: description(err),
    httpCode: err.statusCode === undefined ? undefined : String(err.statusCode),
    itemIndex,
  });
  Object.assign(e.context, context);
  return e;
}
