/**
 * payment_create (old name create_payment), m4-payments.md section 2: a payment in any known
 * currency, kept in the ledger with its currency, amount as entered and rate. Tally's
 * `transaction_id` makes a retry answer the first document again.
 */
import { API_ERRORS } from '../../domain/api-errors.js';
import { PAYMENT_CREATE } from '../../domain/api-methods.js';
import { normalizeCurrencyCode } from '../../domain/currency.js';
import { commentProblem, isValidIdempotencyKey, type LedgerEntry } from '../../domain/ledger.js';
import { BALANCE_SCALE, formatRounded, moneyDecimal, parseMoney } from '../../domain/money.js';
import { hasTooManyFractionDigits, isPaymentAmountSyntax, paymentRate, toSystemAmount } from '../../domain/payments.js';
import { parseUserId } from '../../domain/user-ids.js';
import { errorReply, xmlReply, type ApiMethod } from '../api-method.js';
import { checkWriteAccess, refusalOrReusedHash } from '../write-access.js';
import { xmlDocument } from '../xml.js';

export const paymentCreate: ApiMethod = {
  descriptor: PAYMENT_CREATE,
  async handle({ method, params, client, requestId }, { config, store, guard }) {
    const { settings } = config;
    const access = await checkWriteAccess(settings, method, params, PAYMENT_CREATE.hash, store, guard);
    if (access.denied) return errorReply(access.denied);
    const { authorization } = access;
    // Every refusal from here on still spends the hash on this request.
    const refuse = async (error: (typeof API_ERRORS)[keyof typeof API_ERRORS]) => errorReply(await refusalOrReusedHash(error, authorization, store));

    if (!settings.paymentsEnabled) return refuse(API_ERRORS.paymentsDisabled);
    const userId = parseUserId(params.get('user_id') ?? '');
    const target = userId === undefined ? undefined : await store.findUser({ id: userId });
    if (target === undefined || target.role !== 'user' || target.status !== 'active') return refuse(API_ERRORS.paymentAccessDenied);

    const amountText = params.get('amount') ?? '';
    const entered = isPaymentAmountSyntax(amountText) && !hasTooManyFractionDigits(amountText, BALANCE_SCALE) ? parseMoney(amountText) : undefined;
    if (entered === undefined || !entered.ok || entered.value === 0n) return refuse(API_ERRORS.amountNotFound);
    const code = normalizeCurrencyCode(params.get('currency') ?? '');
    const currency = code === undefined ? undefined : config.currencies.byCode.get(code);
    if (currency === undefined) return refuse(API_ERRORS.paymentCurrencyNotFound);
    const rate = paymentRate(currency, params.get('exchange_rate'));
    const debit = params.get('payment_to_provider') === '1';
    const amount = debit ? -entered.value : entered.value;
    const systemAmount = toSystemAmount(amount, rate);
    if (systemAmount === 0n) return refuse(API_ERRORS.amountNotFound);
    const comment = params.get('comment') ?? '';
    if (commentProblem(comment) !== undefined) return refuse(API_ERRORS.commentInvalid);
    const transactionId = params.get('transaction_id') || undefined;
    if (transactionId !== undefined && !isValidIdempotencyKey(transactionId)) return refuse(API_ERRORS.duplicateTransactionId);

    const result = await store.applyBalanceChange({
      user: { id: target.id },
      amount: systemAmount,
      by: { source: 'api', name: params.get('u') ?? '', client, requestId },
      comment,
      payment: { currency: currency.code, amount, rate },
      ...(transactionId !== undefined && { idempotencyKey: transactionId }),
      ...(authorization !== undefined && { authorization }),
    });
    switch (result.kind) {
      case 'applied':
      case 'replayed':
        return xmlReply(paymentDocument(result.entry, settings.numberDigits), result.kind === 'applied' ? 'payment_created' : 'payment_replayed');
      case 'hash_reused':
        return errorReply(API_ERRORS.incorrectHash);
      case 'user_not_found':
        return errorReply(API_ERRORS.paymentAccessDenied);
      case 'out_of_range':
        return errorReply(API_ERRORS.amountNotFound);
      case 'duplicate_key':
        return errorReply(API_ERRORS.duplicateTransactionId);
    }
  },
};

/** The success document, rebuilt from the entry: a replay answers the same bytes. Tally keeps no taxes. */
function paymentDocument(entry: LedgerEntry, digits: number): string {
  const payment = entry.payment!;
  const amount = formatRounded(moneyDecimal(payment.amount), digits);
  return xmlDocument('page', [
    [
      'response',
      [
        ['status', 'ok'],
        [
          'payment',
          [
            ['payment_id', String(entry.id)],
            ['tax', formatRounded(moneyDecimal(0n), digits)],
            ['amount', amount],
            ['gross', amount],
          ],
          [['currency', payment.currency]],
        ],
      ],
    ],
  ]);
}
