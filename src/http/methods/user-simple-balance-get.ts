/**
 * user_simple_balance_get (old name simple_balance), spec section 10: for devices and
 * softphones. The user's uniquehash in the URL is the credential: no hash, GET always allowed,
 * and a plain-text answer.
 */
import { API_ERRORS, type ApiError } from '../../domain/api-errors.js';
import { convert, requestedCurrency } from '../../domain/balance.js';
import type { BalanceView } from '../../domain/balance.js';
import { USER_SIMPLE_BALANCE_GET } from '../../domain/api-methods.js';
import type { BalanceReads } from '../../store/store.js';
import { errorReply, textReply, type ApiMethod, type ApiReply } from '../api-method.js';

// Longer than any token Tally or Kolmisoft issues: not worth a lookup.
const MAX_TOKEN_LENGTH = 64;

export const userSimpleBalanceGet: ApiMethod<BalanceReads> = {
  descriptor: USER_SIMPLE_BALANCE_GET,
  async handle({ params, pathArgument }, { config, store, guard }) {
    const { settings } = config;
    if (!settings.allowApi) return plainError(API_ERRORS.apiDisabled);
    if (!settings.balanceGetEnabled) return plainError(API_ERRORS.featureDisabled);

    const token = pathArgument || params.get('id') || '';
    let user: BalanceView | undefined;
    // The token is the credential: looking one up is an authentication check, an unknown one a failure.
    const denied = await guard(async () => {
      user = token !== '' && token.length <= MAX_TOKEN_LENGTH ? await store.findBalanceViewByUniquehash(token) : undefined;
      return user === undefined ? UNKNOWN_TOKEN : undefined;
    });
    if (denied === UNKNOWN_TOKEN) return { ...plainError(API_ERRORS.userNotFound), authFailed: true };
    // Too many failed attempts: the 429 document every blocked client gets.
    if (denied !== undefined) return errorReply(denied);
    const found = user!; // the check passed, so the lookup found the token's user

    // USER is not special here: no user context is passed, so it is an unknown code.
    const currency = requestedCurrency(params.get('currency'), undefined, config.currencies);
    return textReply(convert(found.balance, currency, settings.numberDigits), 'balance');
  },
};

/** `User was not found`, counted as a failed authentication. */
const UNKNOWN_TOKEN: ApiError = Object.freeze({ ...API_ERRORS.userNotFound, authFailure: true });

function plainError(error: ApiError): ApiReply {
  return textReply(error.text, error.key);
}
