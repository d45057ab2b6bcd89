/**
 * multipart/form-data bodies (RFC 7578), fields only.
 *
 * The body is already in memory and at most 64 KiB, so a plain pass over the buffer does the
 * job; a streaming parser would add events and state for nothing, and would decode field text
 * leniently where the spec wants invalid UTF-8 refused.
 */
import { isUtf8 } from 'node:buffer';

export type MultipartResult = 'ok' | 'malformed' | 'file';

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_BOUNDARY_LENGTH = 70; // RFC 2046

/**
 * Adds the fields of `body` to `into`. A part with a filename is a file, which this API
 * does not take: the caller answers 415.
 */
export function parseMultipart(body: Buffer, boundary: string | undefined, into: Map<string, string>): MultipartResult {
  if (boundary === undefined || boundary.length === 0 || boundary.length > MAX_BOUNDARY_LENGTH) return 'malformed';
  const dashBoundary = Buffer.from(`--${boundary}`, 'latin1');
  const delimiter = Buffer.concat([CRLF, dashBoundary]);

  // The first boundary may open the body or follow a preamble.
  let position: number;
  if (body.subarray(0, dashBoundary.length).equals(dashBoundary)) position = dashBoundary.length;
  else {
    const first = body.indexOf(delimiter);
    if (first === -1) return 'malformed';
    position = first + delimiter.length;
  }

  for (;;) {
    if (body[position] === 0x2d && body[position + 1] === 0x2d) return 'ok'; // "--": the close delimiter
    while (body[position] === 0x20 || body[position] === 0x09) position++; // transport padding
    if (body[position] !== 0x0d || body[position + 1] !== 0x0a) return 'malformed';
    position += 2;

    let contentStart: number;
    let headerText = '';
    if (body[position] === 0x0d && body[position + 1] === 0x0a) {
      contentStart = position + 2; // a part with no headers at all
    } else {
      const headerEnd = body.indexOf(HEADER_END, position);
      if (headerEnd === -1) return 'malformed';
      const headerBytes = body.subarray(position, headerEnd);
      if (!isUtf8(headerBytes)) return 'malformed';
      headerText = headerBytes.toString('utf8');
      contentStart = headerEnd + HEADER_END.length;
    }
    const contentEnd = body.indexOf(delimiter, contentStart);
    if (contentEnd === -1) return 'malformed';

    const part = readDisposition(headerText);
    if (part === 'malformed' || part === 'file') return part;
    const content = body.subarray(contentStart, contentEnd);
    if (!isUtf8(content)) return 'malformed';
    into.set(part.name, content.toString('utf8'));
    position = contentEnd + delimiter.length;
  }
}

const PARAMETER = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))/gy;

/** The field name from a part's Content-Disposition header, or why the part is unusable. */
function readDisposition(headerText: string): { name: string } | 'malformed' | 'file' {
  let disposition: string | undefined;
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) return 'malformed';
    if (line.slice(0, colon).trim().toLowerCase() === 'content-disposition') disposition = line.slice(colon + 1).trim();
  }
  if (disposition === undefined) return 'malformed';
  const semicolon = disposition.indexOf(';');
  const type = (semicolon === -1 ? disposition : disposition.slice(0, semicolon)).trim().toLowerCase();
  if (type !== 'form-data' || semicolon === -1) return 'malformed';

  let name: string | undefined;
  let consumed = semicolon;
  PARAMETER.lastIndex = semicolon;
  for (let match = PARAMETER.exec(disposition); match !== null; match = PARAMETER.exec(disposition)) {
    consumed = PARAMETER.lastIndex;
    const key = (match[1] ?? '').toLowerCase();
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '');
    if (key === 'filename' || key === 'filename*') return 'file';
    if (key === 'name') name = value;
  }
  if (!/^[\s;]*$/.test(disposition.slice(consumed))) return 'malformed';
  return name === undefined ? 'malformed' : { name };
}
