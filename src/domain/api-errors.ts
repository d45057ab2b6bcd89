/**
 * The closed catalogue of API error answers. Every error text of the spec lives here and
 * nowhere else; the HTTP layer renders them, tests look them up by key.
 */

export interface ApiError {
  /** Stable name, also the `outcome` in request logs. */
  readonly key: string;
  /**
   * The elements around `<error>`, outermost first: Kolmisoft answers some errors in
   * `<status>`, some in `<page>`, exchange_rate_update in `<page><status>`, and
   * user_details_get and payments_get some with `<error>` as the root (none).
   */
  readonly envelope: readonly [] | readonly ['status'] | readonly ['page'] | readonly ['page', 'status'];
  /** Declared `standalone="yes"`, as Kolmisoft's payments_get answers. */
  readonly standalone: boolean;
  readonly text: string;
  /** API-level errors are HTTP 200 (clients read the body); transport faults are honest. */
  readonly httpStatus: number;
  /** A failed authentication: counted against the client address by the throttle. */
  readonly authFailure: boolean;
}

type Envelope = 'status' | 'page' | 'page/status' | 'none' | 'none/standalone';

function apiError(key: string, envelope: Envelope, text: string, httpStatus = 200, authFailure = false): ApiError {
  const elements =
    envelope === 'page/status' ? (['page', 'status'] as const) : envelope === 'none' || envelope === 'none/standalone' ? ([] as const) : ([envelope] as const);
  return Object.freeze({ key, envelope: elements, text, httpStatus, authFailure, standalone: envelope === 'none/standalone' });
}

export const API_ERRORS = Object.freeze({
  // Transport faults (spec section 1), checked before anything else.
  noSuchApi: apiError('no_such_api', 'status', 'There is no such API', 404),
  methodNotAllowed: apiError('method_not_allowed', 'status', 'Method not allowed', 405),
  malformedRequest: apiError('malformed_request', 'status', 'Malformed request', 400),
  bodyTooLarge: apiError('body_too_large', 'status', 'Request too large', 413),
  headersTooLarge: apiError('headers_too_large', 'status', 'Request too large', 431),
  unsupportedContentType: apiError('unsupported_content_type', 'status', 'Unsupported content type', 415),
  requestTimeout: apiError('request_timeout', 'status', 'Request timeout', 408),
  tooManyParameters: apiError('too_many_parameters', 'status', 'Too many parameters', 400),
  parameterTooLong: apiError('parameter_too_long', 'status', 'Parameter too long', 400),
  // Tally's hardening (README, "Security"): throttling and the optional request signature.
  tooManyFailedAttempts: apiError('too_many_failed_attempts', 'status', 'Too many failed attempts', 429),
  signatureRequired: apiError('signature_required', 'status', 'Signature required', 401, true),
  signatureInvalid: apiError('signature_invalid', 'status', 'Invalid signature', 401, true),
  signatureExpired: apiError('signature_expired', 'status', 'Signature expired', 401, true),
  replayedRequest: apiError('replayed_request', 'status', 'Replayed request', 401, true),
  // Access checks (spec section 3, steps 1-3).
  apiDisabled: apiError('api_disabled', 'status', 'API Requests are disabled'),
  getDisabled: apiError('get_disabled', 'status', 'GET Requests are disabled'),
  secretKeyMissing: apiError('secret_key_missing', 'status', 'API must have Secret Key'),
  incorrectHash: apiError('incorrect_hash', 'status', 'Incorrect hash', 200, true),
  // Method answers (spec section 3, steps 4-5).
  featureDisabled: apiError('feature_disabled', 'page', 'Feature disabled'),
  userNotFound: apiError('user_not_found', 'page', 'User was not found'),
  // The write methods (spec section 10).
  badLogin: apiError('bad_login', 'status', 'Bad login', 200, true),
  balanceNotUpdated: apiError('balance_not_updated', 'page', 'User balance not updated'),
  duplicateTransactionId: apiError('duplicate_transaction_id', 'page', 'Duplicate transaction_id'),
  currencyNotFound: apiError('currency_not_found', 'page/status', 'Currency was not found'),
  exchangeRateInvalid: apiError('exchange_rate_invalid', 'page/status', 'Exchange rate is invalid'),
  // payment_create (m4-payments.md section 2), its own answers inside <page>.
  paymentsDisabled: apiError('payments_disabled', 'page', 'Payments are not allowed from API'),
  paymentAccessDenied: apiError('payment_access_denied', 'page', 'Access Denied'),
  amountNotFound: apiError('amount_not_found', 'page', 'Amount was not found'),
  paymentCurrencyNotFound: apiError('payment_currency_not_found', 'page', 'Currency was not found'),
  // Tally's: a comment the ledger cannot keep (over 500 characters, or a control character).
  commentInvalid: apiError('comment_invalid', 'page', 'Comment is not valid'),
  // payments_get (section 3): the whole answer when nothing is listed.
  paymentsNotFound: apiError('payments_not_found', 'none/standalone', 'Payments were not found'),
  // user_details_get (section 4): bare <error> documents, an unknown login counted as a failed authentication.
  detailsAccessDenied: apiError('details_access_denied', 'none', 'Access Denied', 200, true),
  detailsUserNotFound: apiError('details_user_not_found', 'none', 'User was not found'),
  // Not Kolmisoft's: a fault of ours (a database that cannot be reached, a bug), never a stack trace.
  internalError: apiError('internal_error', 'status', 'Internal error', 500),
});

export type ApiErrorKey = keyof typeof API_ERRORS;
