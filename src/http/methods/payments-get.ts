/**
 * payments_get (old name payments_list), m4-payments.md section 3: the payments payment_create
 * made, oldest first; an admin login sees everyone's, any other user only its own.
 */
import { API_ERRORS } from '../../domain/api-errors.js';
import { PAYMENTS_GET, PAYMENTS_GET_WIKI_HASH } from '../../domain/api-methods.js';
import { normalizeCurrencyCode } from '../../domain/currency.js';
import type { Params } from '../../domain/hash.js';
import { localDateTime, todayBounds } from '../../domain/local-time.js';
import { BALANCE_SCALE, formatRounded, moneyDecimal, parseDecimal, type Decimal } from '../../domain/money.js';
import { parseUserId } from '../../domain/user-ids.js';
import { usernameKey } from '../../domain/usernames.js';
import type { CurrencyBook } from '../../domain/balance.js';
import type { BalanceReads, PaymentListing, PaymentQuery, UserRecord } from '../../store/store.js';
import { errorReply, xmlReply, type ApiMethod } from '../api-method.js';
import { checkLoginAccess } from '../login-access.js';
import { xmlDocument, type XmlElement } from '../xml.js';

const DIGITS = /^\d{1,15}$/;
const SIGNED_DECIMAL = /^-?\d+(\.\d+)?$/;

export const paymentsGet: ApiMethod<BalanceReads> = {
  descriptor: PAYMENTS_GET,
  async handle({ method, params }, { config, store, guard }) {
    const { settings } = config;
    const access = await checkLoginAccess(settings, method, params, [PAYMENTS_GET.hash, PAYMENTS_GET_WIKI_HASH], API_ERRORS.badLogin, store, guard);
    if (access.denied) return errorReply(access.denied);

    const listed = await store.listPayments(paymentQuery(params, access.login, config.currencies, Date.now()));
    const shown = listed.filter(namePrefixFilter(params));
    if (shown.length === 0) return errorReply(API_ERRORS.paymentsNotFound);
    const digits = settings.numberDigits;
    return xmlReply(xmlDocument('page', [['pagename', 'Payments List'], ['payments', shown.map((p) => paymentElement(p, digits))]], { standalone: true }), 'payments');
  },
};

/** The store's query from the filters that are well-formed; a malformed one is ignored, as Kolmisoft does. */
function paymentQuery(params: Params, login: UserRecord, currencies: CurrencyBook, nowMs: number): PaymentQuery {
  const today = todayBounds(nowMs);
  const seconds = (name: string, fallback: number): number => {
    const text = params.get(name) ?? '';
    return DIGITS.test(text) ? Number(text) : fallback;
  };
  const from = seconds('from_s', today.from);
  const till = seconds('till_s', today.till);
  const userIdText = params.get('user_id_s') ?? '';
  // Any other login sees only its own payments, whatever the filters say.
  const userId = login.role !== 'admin' ? login.id : parseUserId(userIdText);
  const code = normalizeCurrencyCode(params.get('currency_s') ?? '');
  const currency = code !== undefined && currencies.byCode.has(code) ? code : undefined;
  const min = amountBound(params.get('amount_min_s'), 'up');
  const max = amountBound(params.get('amount_max_s'), 'down');
  return {
    fromMs: from * 1000,
    // A payment at second S is listed up to till_s inclusive: before the next second begins.
    toMs: (till + 1) * 1000,
    ...(userId !== undefined && { userId }),
    ...(currency !== undefined && { currency }),
    ...(min !== undefined && { minAmount: min }),
    ...(max !== undefined && { maxAmount: max }),
  };
}

/**
 * A bound in millionths that keeps the same payments as the exact bound: amounts are whole
 * millionths, so a finer lower bound rounds up and a finer upper bound down.
 */
function amountBound(text: string | undefined, direction: 'up' | 'down'): bigint | undefined {
  if (text === undefined || !SIGNED_DECIMAL.test(text) || text.length > 40) return undefined;
  const parsed = parseDecimal(text, 40);
  if (!parsed.ok) return undefined;
  return toMillionths(parsed.value, direction);
}

function toMillionths({ units, scale }: Decimal, direction: 'up' | 'down'): bigint {
  if (scale <= BALANCE_SCALE) return units * 10n ** BigInt(BALANCE_SCALE - scale);
  const divisor = 10n ** BigInt(scale - BALANCE_SCALE);
  // bigint division truncates toward zero: floor and ceiling from it.
  const truncated = units / divisor;
  const exact = truncated * divisor === units;
  if (exact) return truncated;
  if (direction === 'up') return units > 0n ? truncated + 1n : truncated;
  return units < 0n ? truncated - 1n : truncated;
}

/** username_s, first_name_s, last_name_s: literal prefixes in any letter case. */
function namePrefixFilter(params: Params): (payment: PaymentListing) => boolean {
  const prefixes: [string, (p: PaymentListing) => string][] = [];
  const username = params.get('username_s');
  if (username) prefixes.push([usernameKey(username), (p) => usernameKey(p.username)]);
  const first = params.get('first_name_s');
  if (first) prefixes.push([first.toLowerCase(), (p) => p.firstName.toLowerCase()]);
  const last = params.get('last_name_s');
  if (last) prefixes.push([last.toLowerCase(), (p) => p.lastName.toLowerCase()]);
  return (payment) => prefixes.every(([prefix, field]) => field(payment).startsWith(prefix));
}

/** One payment: balances and amounts in the system currency, as Kolmisoft shows them. */
function paymentElement(payment: PaymentListing, digits: number): XmlElement {
  const money = (micros: bigint): string => formatRounded(moneyDecimal(micros), digits);
  const named = payment.firstName !== '' || payment.lastName !== '';
  const amount = money(payment.amount);
  return [
    'payment',
    [
      ['user', named ? `${payment.firstName} ${payment.lastName}` : payment.username],
      ['date', localDateTime(payment.createdAt)],
      ['user_balance_before_payment', money(payment.balanceAfter - payment.amount)],
      ['user_balance_after_payment', money(payment.balanceAfter)],
      ['amount', amount],
      ['amount_with_tax', amount],
      ['comment', payment.comment],
      ['currency', payment.payment.currency],
    ],
  ];
}
