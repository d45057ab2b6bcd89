/**
 * The optional request signature at the HTTP edge (README, "Security"): the headers read, the
 * HMAC and its window checked, and the nonce claimed in the store so no node accepts it twice.
 */
import type { IncomingMessage } from 'node:http';
import { API_ERRORS, type ApiError } from '../domain/api-errors.js';
import type { HttpMethod } from '../domain/access.js';
import type { Params } from '../domain/hash.js';
import type { Settings } from '../domain/settings.js';
import { checkSignature, SIGNATURE_HEADERS, type SignatureCheck } from '../domain/signature.js';
import type { Guard } from '../store/store.js';

const SIGNATURE_FAULTS: Record<Exclude<SignatureCheck, { ok: true }>['reason'], ApiError> = {
  missing: API_ERRORS.signatureRequired,
  malformed: API_ERRORS.signatureInvalid,
  expired: API_ERRORS.signatureExpired,
  mismatch: API_ERRORS.signatureInvalid,
};

/** The signature check (README, "Security"): a valid HMAC, in its window, with a fresh nonce. */
export async function checkRequestSignature(
  req: IncomingMessage,
  method: HttpMethod,
  path: string,
  params: Params,
  settings: Settings,
  store: Guard,
): Promise<ApiError | undefined> {
  const headers = {
    timestamp: singleHeader(req, SIGNATURE_HEADERS.timestamp),
    nonce: singleHeader(req, SIGNATURE_HEADERS.nonce),
    signature: singleHeader(req, SIGNATURE_HEADERS.signature),
  };
  const check = checkSignature(headers, { method, path, params }, settings.signatureKeys, Date.now());
  if (!check.ok) return check.reason === 'missing' && settings.signatureMode === 'optional' ? undefined : SIGNATURE_FAULTS[check.reason];
  return (await store.claimNonce(check.nonce, check.expiresAtMs)) ? undefined : API_ERRORS.replayedRequest;
}

function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
