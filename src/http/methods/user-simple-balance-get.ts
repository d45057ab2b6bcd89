/**
 * user_simple_balance_get (old name simple_balance), spec section 10: for devices and
 * softphones. The user's uniquehash in the URL is the credential: no hash, GET always allowed,
 * and a plain-text answer.
 */
import { API_ERRORS, type ApiError } from '../../domain/api-errors.js';
import { convert, requestedCurrency } from '../../domain/balance.js';
import { textReply, type ApiMethod, type Reply } from '../api-method.js';

// Longer than any token Tally or Kolmisoft issues: not worth a lookup.
const MAX_TOKEN_LENGTH = 64;

export const userSimpleBalanceGet: ApiMethod = {
  names: ['user_simple_balance_get', 'simple_balance'],
  takesPathArgument: true,
  async handle({ params, pathArgument }, { config, store }) {
    const { settings } = config;
    if (!settings.allowApi) return plainError(API_ERRORS.apiDisabled);
    if (!settings.balanceGetEnabled) return plainError(API_ERRORS.featureDisabled);

    const token = pathArgument || params.get('id') || '';
    const user = token !== '' && token.length <= MAX_TOKEN_LENGTH ? await store.findBalanceViewByUniquehash(token) : undefined;
    // The token is the credential: an unknown one is a failed authentication.
    if (user === undefined) return { ...plainError(API_ERRORS.userNotFound), authFailed: true };

    // USER is not special here: no user context is passed, so it is an unknown code.
    const currency = requestedCurrency(params.get('currency'), undefined, config.currencies);
    return textReply(convert(user.balance, currency, settings.numberDigits), 'balance');
  },
};

function plainError(error: ApiError): Reply {
  return textReply(error.text, error.key);
}
