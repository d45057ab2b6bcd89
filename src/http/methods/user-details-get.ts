/**
 * user_details_get (old name user_details), m4-payments.md section 4: a user's balance and
 * names. An admin login reads anyone by `user_id` and/or `username`; any other user itself.
 */
import { API_ERRORS } from '../../domain/api-errors.js';
import { USER_DETAILS_GET } from '../../domain/api-methods.js';
import { formatRounded, moneyDecimal } from '../../domain/money.js';
import { rubyFloatText } from '../../domain/ruby-float.js';
import { parseUserId } from '../../domain/user-ids.js';
import { findByUsername, MAX_USERNAME_LENGTH } from '../../domain/usernames.js';
import type { BalanceReads, UserRecord } from '../../store/store.js';
import { errorReply, xmlReply, type ApiMethod } from '../api-method.js';
import { checkLoginAccess } from '../login-access.js';
import { xmlDocument } from '../xml.js';


export const userDetailsGet: ApiMethod<BalanceReads> = {
  descriptor: USER_DETAILS_GET,
  async handle({ method, params }, { config, store, guard }) {
    const { settings } = config;
    const access = await checkLoginAccess(settings, method, params, [USER_DETAILS_GET.hash], API_ERRORS.detailsAccessDenied, store, guard);
    if (access.denied) return errorReply(access.denied);
    const { login } = access;

    const user = login.role === 'admin' ? await targetOf(login, params.get('user_id'), params.get('username'), store) : login;
    if (user === undefined || user.status !== 'active') return errorReply(API_ERRORS.detailsUserNotFound);
    const system = config.currencies.system.code;
    return xmlReply(
      xmlDocument('page', [
        ['pagename', 'Personal details'],
        ['language', 'en'],
        ['userid', String(user.id)],
        [
          'details',
          [
            [
              'main_detail',
              [
                ['balance', `${formatRounded(moneyDecimal(user.balance), settings.numberDigits)} ${system}`],
                ['balance_number', rubyFloatText(user.balance)],
                ['balance_currency', system],
              ],
            ],
            [
              'other_details',
              [
                ['username', user.username],
                ['first_name', user.firstName],
                ['surname', user.lastName],
              ],
            ],
          ],
        ],
      ]),
      'user_details',
    );
  },
};

/** The user an admin asks for: by id, by name, both (the same user), or itself when neither is given. */
async function targetOf(login: UserRecord, idText: string | undefined, username: string | undefined, store: BalanceReads): Promise<UserRecord | undefined> {
  const id = idText ? parseUserId(idText) : undefined;
  const byId = idText ? (id === undefined ? undefined : await store.findUser({ id })) : null;
  const byName = username
    ? username.length <= MAX_USERNAME_LENGTH * 2
      ? await findByUsername(username, (key) => store.findUser({ usernameKey: key }))
      : undefined
    : null;
  if (byId === null && byName === null) return login;
  if (byId === null) return byName ?? undefined;
  if (byName === null) return byId;
  return byId !== undefined && byName !== undefined && byId.id === byName.id ? byId : undefined;
}
