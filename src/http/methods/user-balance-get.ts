/** user_balance_get (old name: balance), spec section 3, checks in the spec's order. */
import { checkApiEnabled, checkHash } from '../../domain/access.js';
import { API_ERRORS } from '../../domain/api-errors.js';
import { answerBalance, type BalanceAnswer } from '../../domain/balance.js';
import { USER_BALANCE_GET } from '../../domain/api-methods.js';
import { findByUsername, MAX_USERNAME_LENGTH } from '../../domain/usernames.js';
import type { BalanceReads } from '../../store/store.js';
import { errorReply, xmlReply, type ApiMethod } from '../api-method.js';
import { xmlDocument, type XmlElement } from '../xml.js';

export const userBalanceGet: ApiMethod<BalanceReads> = {
  descriptor: USER_BALANCE_GET,
  async handle({ method, params }, { config, store, guard }) {
    const { settings } = config;
    let denied = checkApiEnabled(settings, method);
    if (denied === undefined) {
      const checked = guard(() => checkHash(settings, params, USER_BALANCE_GET.hash));
      // The hot path: a hash check that answered at once is not awaited.
      denied = checked instanceof Promise ? await checked : checked;
    }
    if (denied) return errorReply(denied);
    if (!settings.balanceGetEnabled) return errorReply(API_ERRORS.featureDisabled);

    const username = params.get('username');
    // A name longer than any stored one (two UTF-16 units per character at most) cannot match.
    const user = username && username.length <= MAX_USERNAME_LENGTH * 2 ? await findByUsername(username, (key) => store.findBalanceView(key)) : undefined;
    if (user === undefined) return errorReply(API_ERRORS.userNotFound);

    return xmlReply(balanceDocument(answerBalance(user, params, config.currencies, settings.numberDigits)), 'balance');
  },
};

function balanceDocument(answer: BalanceAnswer): string {
  const children: XmlElement[] = [['balance', answer.balance]];
  if (answer.currency !== undefined) children.push(['currency', answer.currency]);
  return xmlDocument('page', children);
}
