/**
 * user_balance_update (old name user_balance_change), spec section 10: adds a signed amount
 * to a user's balance. Beyond Kolmisoft, an optional `transaction_id` makes a retry safe.
 */
import { API_ERRORS } from '../../domain/api-errors.js';
import { USER_BALANCE_UPDATE } from '../../domain/api-methods.js';
import { isValidIdempotencyKey, type LedgerEntry } from '../../domain/ledger.js';
import { formatMoney, parseMoney } from '../../domain/money.js';
import { parseUserId } from '../../domain/user-ids.js';
import { checkWriteAccess, refusalOrReusedHash } from '../write-access.js';
import { errorReply, xmlReply, type ApiMethod } from '../api-method.js';
import { xmlDocument } from '../xml.js';


export const userBalanceUpdate: ApiMethod = {
  descriptor: USER_BALANCE_UPDATE,
  async handle({ method, params, client, requestId }, { config, store, guard }) {
    const { settings } = config;
    const access = await checkWriteAccess(settings, method, params, USER_BALANCE_UPDATE.hash, store, guard);
    if (access.denied) return errorReply(access.denied);
    const { authorization } = access;

    const userId = parseUserId(params.get('user_id') ?? '');
    if (userId === undefined) return errorReply(await refusalOrReusedHash(API_ERRORS.userNotFound, authorization, store));
    const amount = parseMoney(params.get('balance') ?? '');
    const transactionId = params.get('transaction_id') || undefined;
    // A zero amount would be an empty entry: it is refused like any amount that cannot be applied.
    if (!amount.ok || amount.value === 0n || (transactionId !== undefined && !isValidIdempotencyKey(transactionId))) {
      const exists = (await store.findUser({ id: userId })) !== undefined;
      return errorReply(await refusalOrReusedHash(exists ? API_ERRORS.balanceNotUpdated : API_ERRORS.userNotFound, authorization, store));
    }

    const result = await store.applyBalanceChange({
      user: { id: userId },
      amount: amount.value,
      by: { source: 'api', name: params.get('u') ?? '', client, requestId },
      comment: `user_balance_update by ${params.get('u')}`,
      ...(transactionId !== undefined && { idempotencyKey: transactionId }),
      ...(authorization !== undefined && { authorization }),
    });
    switch (result.kind) {
      case 'applied':
      case 'replayed':
        return xmlReply(updatedDocument(result.username, result.entry), result.kind === 'applied' ? 'balance_updated' : 'balance_update_replayed');
      case 'hash_reused':
        return errorReply(API_ERRORS.incorrectHash);
      case 'user_not_found':
        return errorReply(API_ERRORS.userNotFound);
      case 'out_of_range':
        return errorReply(API_ERRORS.balanceNotUpdated);
      case 'duplicate_key':
        return errorReply(API_ERRORS.duplicateTransactionId);
    }
  },
};

/** The success document; a replay rebuilds it from the first entry, so it is the same bytes. */
function updatedDocument(username: string, entry: LedgerEntry): string {
  return xmlDocument('page', [
    [
      'page',
      [
        ['status', 'User balance updated'],
        [
          'user',
          [
            ['username', username],
            ['id', String(entry.userId)],
            ['balance', formatMoney(entry.balanceAfter)],
          ],
        ],
      ],
    ],
  ]);
}
