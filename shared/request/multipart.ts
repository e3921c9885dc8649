import type { FileValue } from './types';

export type MultipartPart = { name: string; value: string } | { name: string; file: FileValue };

/** Quotes a name for a Content-Disposition parameter (RFC 7578: escape quotes and line breaks). */
function quoteParam(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function randomBoundary(random: () => number): string {
  let s = '';
  for (let i = 0; i < 24; i++) s += Math.floor(random() * 16).toString(16);
  return `----SendApiRequest${s}`;
}

/**
 * Encodes multipart/form-data into one Buffer. The boundary is checked against every part's bytes,
 * so a value cannot end a part early.
 */
export function encodeMultipart(parts: MultipartPart[], random: () => number = Math.random): { body: Buffer; contentType: string } {
  const contents = parts.map((p) => ('file' in p ? p.file.data : Buffer.from(p.value, 'utf8')));
  let boundary = randomBoundary(random);
  while (contents.some((c) => c.includes(boundary))) boundary = randomBoundary(random);
  const chunks: Buffer[] = [];
  parts.forEach((p, i) => {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoteParam(p.name)}"`;
    if ('file' in p) {
      head += `; filename="${quoteParam(p.file.fileName ?? 'file')}"\r\nContent-Type: ${p.file.mimeType ?? 'application/octet-stream'}`;
    }
    chunks.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'), contents[i], Buffer.from('\r\n', 'utf8'));
  });
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** True for a value that multipart sends as a file part. */
export function asFile(value: unknown): FileValue | undefined {
  if (Buffer.isBuffer(value)) return { data: value };
  if (value instanceof Uint8Array) return { data: Buffer.from(value) };
  if (value && typeof value === 'object' && Buffer.isBuffer((value as FileValue).data)) {
    const v = value as FileValue;
    return { data: v.data, fileName: v.fileName, mimeType: v.mimeType };
  }
  return undefined;
}
