/** The API's parameters (spec section 1): the query string and the body merged, within limits. */
import { API_ERRORS, type ApiError } from '../domain/api-errors.js';
import type { Params } from '../domain/hash.js';
import { parseBodyInto } from './body/request-body.js';
import { parseUrlEncoded } from './body/url-encoded.js';

/** More distinct parameters than this, or a name or value longer than the next, is refused. */
export const MAX_PARAMETERS = 100;
export const MAX_PARAMETER_LENGTH = 4096;

/**
 * Adds the query's parameters (`target` from `queryStart`, -1 for none) and then the body's to
 * `into`, the body winning. Returns the transport fault to answer instead, if any.
 */
export function readParamsInto(
  target: string,
  queryStart: number,
  body: Buffer,
  contentType: string | undefined,
  into: Map<string, string>,
): ApiError | undefined {
  if (queryStart !== -1 && !parseUrlEncoded(target.slice(queryStart + 1), into)) return API_ERRORS.malformedRequest;
  return parseBodyInto(body, contentType, into) ?? parameterLimitFault(into);
}

function parameterLimitFault(params: Params): ApiError | undefined {
  if (params.size > MAX_PARAMETERS) return API_ERRORS.tooManyParameters;
  for (const [name, value] of params) {
    if (name.length > MAX_PARAMETER_LENGTH || value.length > MAX_PARAMETER_LENGTH) return API_ERRORS.parameterTooLong;
  }
  return undefined;
}
