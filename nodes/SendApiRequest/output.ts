/**
 * Output items for one input item (SPEC §3): one per response (page), `{ statusCode, headers, body }`
 * or the body alone, a JSON-array body split into items on request, binary bodies into a binary
 * property. Every item is paired to its input.
 */
import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { NodeOptions } from '../../shared/options';
import { StreamedBody } from '../../shared/send/body-stream';
import { headerValue } from '../../shared/send/response';
import type { ApiResponse } from '../../shared/send/send';

/** Stores a binary body the n8n way (this.helpers.prepareBinaryData); a streamed one as it is read. */
export type BinaryWriter = (data: Buffer | StreamedBody, fileName: string | undefined, mimeType: string | undefined) => Promise<IBinaryData>;

function isPlainObject(v: unknown): v is IDataObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** The file name from Content-Disposition, else the last segment of the URL's path. */
export function responseFileName(response: ApiResponse): string | undefined {
  const disposition = headerValue(response.headers, 'content-disposition') ?? '';
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // a malformed escape: fall back to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  if (plain) return plain[1].trim();
  try {
    const last = new URL(response.url).pathname.split('/').pop();
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

function jsonFor(response: ApiResponse, body: unknown, options: NodeOptions): IDataObject {
  if (options.responseOutput === 'body') return isPlainObject(body) ? body : { data: body as IDataObject[keyof IDataObject] };
  return { statusCode: response.statusCode, headers: response.headers as IDataObject, body: body as IDataObject[keyof IDataObject] };
}

export async function outputItems(responses: ApiResponse[], options: NodeOptions, itemIndex: number, writeBinary: BinaryWriter): Promise<INodeExecutionData[]> {
  const out: INodeExecutionData[] = [];
  for (const response of responses) {
    if (Buffer.isBuffer(response.body) || response.body instanceof StreamedBody) {
      const mimeType = headerValue(response.headers, 'content-type');
      const binary = await writeBinary(response.body, responseFileName(response), mimeType);
      const json: IDataObject = options.responseOutput === 'body' ? {} : { statusCode: response.statusCode, headers: response.headers as IDataObject };
      out.push({ json, binary: { [options.binaryProperty]: binary }, pairedItem: { item: itemIndex } });
      continue;
    }
    const bodies = options.splitIntoItems && Array.isArray(response.body) ? response.body : [response.body];
    for (const body of bodies) out.push({ json: jsonFor(response, body, options), pairedItem: { item: itemIndex } });
  }
  return out;
}
