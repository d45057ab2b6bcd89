/** Turns a request body into parameters by its content type (spec section 1). */
import { isUtf8 } from 'node:buffer';
import { API_ERRORS, type ApiError } from '../../domain/api-errors.js';
import { parseJsonObject } from './json-object.js';
import { parseMultipart } from './multipart.js';
import { parseUrlEncoded } from './url-encoded.js';

/** The largest body accepted: anything over 64 KiB is answered 413. */
export const MAX_BODY_BYTES = 64 * 1024;

const BOUNDARY_PARAMETER = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^\s;]+))/i;

/**
 * Adds the body's parameters to `into` (over those of the query string). Returns the
 * transport fault to answer instead, if any. An empty body is fine with any content type.
 */
export function parseBodyInto(body: Buffer, contentType: string | undefined, into: Map<string, string>): ApiError | undefined {
  if (body.length === 0) return undefined;
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  switch (mediaType) {
    case 'application/x-www-form-urlencoded':
      return isUtf8(body) && parseUrlEncoded(body.toString('utf8'), into) ? undefined : API_ERRORS.malformedRequest;
    case 'application/json':
      return isUtf8(body) && parseJsonObject(body.toString('utf8'), into) ? undefined : API_ERRORS.malformedRequest;
    case 'multipart/form-data': {
      const match = BOUNDARY_PARAMETER.exec(contentType ?? '');
      const outcome = parseMultipart(body, match?.[1] ?? match?.[2], into);
      if (outcome === 'ok') return undefined;
      return outcome === 'file' ? API_ERRORS.unsupportedContentType : API_ERRORS.malformedRequest;
    }
    default:
      return API_ERRORS.unsupportedContentType;
  }
}
