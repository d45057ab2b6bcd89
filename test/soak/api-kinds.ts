/**
 * The honest clients' requests: balance reads, balance updates and their retries, requests the
 * README says must be refused, exchange rate updates and the operator's probes. Each checks the
 * answer its kind calls for, on top of what `call` checks for every answer.
 */
import type { OutgoingRequest } from '../support/raw-http.js';
import { convertRounded, formatMicros, parseRate, randomAmount, respelledAmount, scaledText, type Amount } from './money.js';
import { between, chance, pick, type Random } from './random.js';
import { INVARIANTS, type Acknowledgement, type UpdateState } from './record.js';
import {
  anyCase,
  call,
  encodeRandomly,
  expectation,
  isError,
  kolmisoftHash,
  newTransactionId,
  type Call,
  type Params,
  type Role,
  type SoakUser,
  type Traffic,
  type Worker,
} from './traffic.js';

const BALANCE_GET_PATHS = ['/billing/api/user_balance_get', '/billing/api/balance'] as const;
const UPDATE_PATHS = ['/billing/api/user_balance_update', '/billing/api/user_balance_change'] as const;
/** No user has this id. */
export const NO_SUCH_USER_ID = 999_999;
/** The rates exchange_rate_update sets, per currency (the first is the one `tally currency set` gave). */
export const RATE_CHOICES: Readonly<Record<string, readonly string[]>> = {
  EUR: ['0.7351', '0.74', '0.7', '0.81234567', '1.1'],
  GBP: ['0.79', '0.8', '0.7777', '0.9', '1.25'],
};

function honest(worker: Worker): Role {
  return { kind: 'honest', address: worker.honestAddress };
}

// ---------------------------------------------------------------------------------------------
// Reads

/** How a read names its currency, which currency the answer is then in, and whether the answer names it. */
interface CurrencyChoice {
  readonly params: Params;
  /** The value that goes into the hash (`currency` is hashed, `user_currency` is not). */
  readonly hashed: string | undefined;
  readonly code: (user: SoakUser) => string;
  readonly answerNamesIt: boolean;
}

function currencyChoice(random: Random, systemCurrency: string): CurrencyChoice {
  const system = (): string => systemCurrency;
  const own = (user: SoakUser): string => user.currency;
  const currency = (value: string, code: (user: SoakUser) => string): CurrencyChoice => ({ params: [['currency', value]], hashed: value, code, answerNamesIt: false });
  return pick(random, [
    { params: [], hashed: undefined, code: system, answerNamesIt: false },
    currency('EUR', () => 'EUR'),
    currency('eur', () => 'EUR'),
    currency('GBP', () => 'GBP'),
    currency('USER', own),
    // An unknown currency is not an error: the balance comes back in the system currency.
    currency('XYZ', system),
    { params: [['user_currency', '1']], hashed: undefined, code: own, answerNamesIt: true },
  ]);
}

/** user_balance_get for a random user, in a random currency and encoding. */
export async function read(traffic: Traffic, worker: Worker): Promise<void> {
  const { random } = worker;
  const user = pick(random, traffic.population.users);
  const username = anyCase(random, user.username);
  const currency = currencyChoice(random, traffic.population.systemCurrency);
  const params: Params = [['username', username], ...currency.params, ['hash', kolmisoftHash(traffic, [username, currency.hashed])]];
  const result = await call(traffic, worker, 'read', encodeRandomly(random, pick(random, BALANCE_GET_PATHS), params), honest(worker));
  const document = result.document;
  if (!result.exchange.ok) return;
  const what = `balance of ${user.username} (${params.map(([name, value]) => (name === 'hash' ? '' : `${name}=${value}`)).join(' ').trim()})`;
  if (document?.name !== 'balance') return expectation(traffic, result, false, 'a balance', what);
  const code = currency.code(user);
  const currencyShown = currency.answerNamesIt ? document.currency === code : document.currency === undefined;
  expectation(traffic, result, currencyShown, currency.answerNamesIt ? `<currency>${code}` : 'no <currency>', what);
  if (user.readOnly) checkExactBalance(traffic, result, user, code, document.balance, what);
}

/**
 * A user nobody updates has one possible balance per possible rate: the answer must be one of
 * them, to the cent (exact conversion, rounded half away from zero).
 */
function checkExactBalance(traffic: Traffic, result: Call, user: SoakUser, code: string, shown: string, what: string): void {
  const possible = possibleBalances(traffic, user, code);
  expectation(traffic, result, possible.includes(shown), `${possible.join(' or ')} (opening ${formatMicros(user.opening)} in ${code})`, what);
}

function possibleBalances(traffic: Traffic, user: SoakUser, code: string): string[] {
  const { population } = traffic;
  if (code === population.systemCurrency) return [convertRounded(user.opening, undefined, population.numberDigits)];
  const rates = population.possibleRates.get(code) ?? [];
  return [...new Set(rates.map((rate) => convertRounded(user.opening, rate, population.numberDigits)))];
}

/** user_simple_balance_get with the user's uniquehash token, in the path or as `id`. */
export async function simpleRead(traffic: Traffic, worker: Worker): Promise<void> {
  const { random } = worker;
  const user = pick(random, traffic.population.users);
  // USER means nothing here (no user context): an unknown code, so the system currency.
  const currency = pick(random, [undefined, 'EUR', 'GBP', 'USER']);
  const code = currency === undefined || currency === 'USER' ? traffic.population.systemCurrency : currency;
  const query = currency === undefined ? '' : `?currency=${currency}`;
  const outgoing = chance(random, 0.5)
    ? { method: 'GET' as const, target: `/billing/api/user_simple_balance_get/${user.uniquehash}${query}`, headers: {}, body: '' }
    : { method: 'POST' as const, target: `/billing/api/simple_balance?id=${user.uniquehash}${currency === undefined ? '' : `&currency=${currency}`}`, headers: {}, body: '' };
  const result = await call(traffic, worker, 'simple', outgoing, honest(worker));
  if (!result.exchange.ok) return;
  const what = `simple balance of ${user.username} in ${code}`;
  if (result.document?.name !== 'simple_balance') return expectation(traffic, result, false, 'a plain balance', what);
  if (!user.readOnly) return;
  const possible = possibleBalances(traffic, user, code);
  expectation(traffic, result, possible.includes(result.document.balance), possible.join(' or '), what);
}

// ---------------------------------------------------------------------------------------------
// Balance updates

interface UpdateRequest {
  readonly userIdText: string;
  readonly amountText: string;
  readonly key: string;
  readonly login?: string;
}

/** user_balance_update as a payment gateway sends it, in a random encoding and under either name. */
export function updateRequest(traffic: Traffic, random: Random, request: UpdateRequest, hash?: string): OutgoingRequest {
  const params: Params = [
    ['u', request.login ?? 'admin'],
    ['user_id', request.userIdText],
    ['balance', request.amountText],
    ['transaction_id', request.key],
    ['hash', hash ?? kolmisoftHash(traffic, [integerText(request.userIdText), request.amountText, request.key])],
  ];
  return encodeRandomly(random, pick(random, UPDATE_PATHS), params, ['user_id', 'balance']);
}

/** An amount of 1 to 3 units, in cents: what attackers try to move, and what hung-up clients send. */
export function smallAmount(random: Random): Amount {
  const cents = BigInt(between(random, 100, 300));
  return { text: scaledText(cents, 2, false), micros: cents * 10_000n };
}

/** Kolmisoft hashes user_id as the integer it reads: `007` as `7`. */
function integerText(text: string): string {
  return /^\d+$/.test(text) ? text.replace(/^0+(?=\d)/, '') : text;
}

/** The id as a client might write it: now and then with leading zeros. */
function userIdText(random: Random, id: number): string {
  return chance(random, 0.1) ? `00${id}` : String(id);
}

/** What an answer to an update says about it. */
function stateOf(result: Call): UpdateState {
  if (!result.exchange.ok) return result.exchange.refused ? 'unsent' : 'unknown';
  if (result.document?.name === 'updated') return 'acknowledged';
  if (result.document?.name === 'error' && result.exchange.answer.status === 200) return 'refused';
  return 'unknown'; // an undocumented answer promises nothing either way
}

/** A new update with a transaction_id of its own: it must be applied, once. */
export async function update(traffic: Traffic, worker: Worker): Promise<void> {
  const { random } = worker;
  const user = pick(random, traffic.population.writable);
  const amount = randomAmount(random);
  const key = newTransactionId(traffic, worker);
  const request = { userIdText: userIdText(random, user.id), amountText: amount.text, key };
  const result = await call(traffic, worker, 'update', updateRequest(traffic, random, request), honest(worker));
  const acknowledgement = checkUpdated(traffic, result, user, `update ${amount.text} of ${user.username} (${key})`);
  traffic.updates.add({ key, userId: user.id, amountText: amount.text, micros: amount.micros, state: stateOf(result) }, acknowledgement);
}

/**
 * Checks an answer is "User balance updated" for the right user; returns its bytes and balance
 * when it is one (even for the wrong user: what was acknowledged is judged against the ledger).
 */
function checkUpdated(traffic: Traffic, result: Call, user: SoakUser, what: string): Acknowledgement | undefined {
  if (!result.exchange.ok) return undefined;
  const document = result.document;
  if (document?.name !== 'updated') {
    expectation(traffic, result, false, '"User balance updated"', what);
    return undefined;
  }
  expectation(traffic, result, document.id === user.id && document.username === user.username, `user ${user.username} (id ${user.id})`, what);
  return { body: result.exchange.answer.body, balanceAfter: document.balance };
}

/**
 * A retry of an earlier update, written another way (leading zeros, trailing zeros, another
 * encoding, the old method name): an acknowledged one must be answered the very same bytes and
 * change nothing; one whose answer was lost is settled by this answer.
 */
export async function retry(traffic: Traffic, worker: Worker): Promise<void> {
  const { random } = worker;
  const { acknowledged, unsettled } = traffic.updates;
  const pool = unsettled.length > 0 && (acknowledged.length === 0 || chance(random, 0.3)) ? unsettled : acknowledged;
  if (pool.length === 0) return update(traffic, worker);
  const record = pick(random, pool);
  const user = traffic.population.users.find((candidate) => candidate.id === record.userId);
  if (user === undefined) throw new Error(`the soak test lost user ${record.userId}`);
  const amountText = chance(random, 0.3) ? respelledAmount(random, record.amountText) : record.amountText;
  const what = `retry of ${record.key} (${record.amountText} for ${user.username}, ${record.state} before)`;
  const request = { userIdText: userIdText(random, record.userId), amountText, key: record.key };
  const result = await call(traffic, worker, 'retry', updateRequest(traffic, random, request), honest(worker));
  if (!result.exchange.ok) {
    if (!result.exchange.refused) traffic.updates.mayHaveLanded(record);
    return;
  }
  const acknowledgement = checkUpdated(traffic, result, user, what);
  if (acknowledgement === undefined) return;
  const first = record.body;
  if (first === undefined) return traffic.updates.acknowledge(record, acknowledgement);
  if (acknowledgement.body.equals(first)) record.replays++;
  else traffic.record.violation(INVARIANTS.replaySame, `${what}: first ${JSON.stringify(first.toString())}, now ${JSON.stringify(acknowledgement.body.toString())}`);
}

/** An acknowledged transaction_id sent with another amount or for another user: refused, and nothing changes. */
export async function conflict(traffic: Traffic, worker: Worker): Promise<void> {
  const { random } = worker;
  const { acknowledged } = traffic.updates;
  if (acknowledged.length === 0) return update(traffic, worker);
  const record = pick(random, acknowledged);
  const otherUser = pick(random, traffic.population.writable);
  const sameUser = otherUser.id === record.userId || chance(random, 0.5);
  const amountText = sameUser ? otherAmount(record.micros) : record.amountText;
  const userId = sameUser ? record.userId : otherUser.id;
  const result = await call(traffic, worker, 'conflict', updateRequest(traffic, random, { userIdText: String(userId), amountText, key: record.key }), honest(worker));
  if (!result.exchange.ok) return;
  expectation(traffic, result, isError(result, 'Duplicate transaction_id'), '"Duplicate transaction_id"', `reuse of ${record.key} with ${amountText} for user ${userId}`);
}

function otherAmount(micros: bigint): string {
  const changed = micros + 10_000n;
  return changed === 0n ? '0.02' : formatMicros(changed);
}

/** Updates the README says are refused: each has a fresh transaction_id that must never land. */
export async function refusal(traffic: Traffic, worker: Worker): Promise<void> {
  const { random } = worker;
  const user = pick(random, traffic.population.writable);
  const key = newTransactionId(traffic, worker);
  const probe = pick(random, [
    { why: 'seven fractional digits', userId: String(user.id), amount: '1.0000001', key, expect: 'User balance not updated' },
    { why: 'not a decimal', userId: String(user.id), amount: '1e3', key, expect: 'User balance not updated' },
    { why: 'out of range', userId: String(user.id), amount: '1000000000000', key, expect: 'User balance not updated' },
    { why: 'an empty amount', userId: String(user.id), amount: '', key, expect: 'User balance not updated' },
    { why: 'a zero amount (an empty entry)', userId: String(user.id), amount: pick(random, ['0', '-0', '+0.00']), key, expect: 'User balance not updated' },
    { why: 'a transaction_id over 128 characters', userId: String(user.id), amount: '1', key: `${key}-${'x'.repeat(130)}`, expect: 'User balance not updated' },
    { why: 'a control character in the transaction_id', userId: String(user.id), amount: '1', key: `${key}\u0007`, expect: 'User balance not updated' },
    { why: 'no such user', userId: String(NO_SUCH_USER_ID), amount: '1', key, expect: 'User was not found' },
    { why: 'a user_id that is not a number', userId: 'abc', amount: '1', key, expect: 'User was not found' },
  ]);
  const result = await call(traffic, worker, 'refusal', updateRequest(traffic, random, { userIdText: probe.userId, amountText: probe.amount, key: probe.key }), honest(worker));
  const userId = /^\d+$/.test(probe.userId) ? Number(probe.userId) : NO_SUCH_USER_ID;
  // Invalid by design: whatever the answer (or none), it must never reach the ledger.
  traffic.updates.add({ key: probe.key, userId, amountText: probe.amount, micros: 0n, state: 'refused' });
  if (!result.exchange.ok) return;
  expectation(traffic, result, isError(result, probe.expect), `"${probe.expect}"`, `update with ${probe.why}`);
}

// ---------------------------------------------------------------------------------------------
// Exchange rates

/** exchange_rate_update: a valid rate now and then, and the refusals the README lists. */
export async function rate(traffic: Traffic, worker: Worker): Promise<void> {
  const { random } = worker;
  const code = pick(random, Object.keys(RATE_CHOICES));
  const roll = random();
  const probe =
    roll < 0.8
      ? { currency: chance(random, 0.2) ? code.toLowerCase() : code, rate: pick(random, RATE_CHOICES[code] ?? []), expect: 'rate_updated' }
      : roll < 0.9
        ? { currency: code, rate: pick(random, ['0', '-0.5', 'abc', '1.0000000000001']), expect: 'Exchange rate is invalid' }
        : { currency: pick(random, ['XYZ', traffic.population.systemCurrency]), rate: '1.5', expect: 'Currency was not found' };
  const counts = traffic.rateChanges.get(code) ?? { sent: 0, acknowledged: 0 };
  traffic.rateChanges.set(code, counts);
  if (probe.expect === 'rate_updated') {
    // Possible from the moment it is sent: a read may see it before the answer arrives.
    const rates = traffic.population.possibleRates.get(code) ?? [];
    if (!rates.some((known) => known.text === probe.rate)) rates.push(parseRate(probe.rate));
    traffic.population.possibleRates.set(code, rates);
    counts.sent++;
  }
  const params: Params = [
    ['u', 'admin'],
    ['currency', probe.currency],
    ['rate', probe.rate],
    ['hash', kolmisoftHash(traffic, [probe.currency, probe.rate])],
  ];
  const result = await call(traffic, worker, 'rate', encodeRandomly(random, '/billing/api/exchange_rate_update', params, ['rate']), honest(worker));
  if (!result.exchange.ok) return;
  const ok = probe.expect === 'rate_updated' ? result.document?.name === 'rate_updated' : isError(result, probe.expect);
  expectation(traffic, result, ok, probe.expect, `exchange_rate_update ${probe.currency} ${probe.rate}`);
  if (probe.expect === 'rate_updated' && ok) counts.acknowledged++;
}

// ---------------------------------------------------------------------------------------------
// The operator's probes

/** GET /healthz, /readyz or /metrics; /metrics also gives the server's RSS and its internal errors. */
export async function ops(traffic: Traffic, worker: Worker): Promise<void> {
  const path = pick(worker.random, ['/healthz', '/readyz', '/metrics']);
  const result = await call(traffic, worker, 'ops', { method: 'GET', target: path, headers: {}, body: '' }, { kind: 'operator' });
  if (!result.exchange.ok) return;
  const name = result.document?.name;
  if (path === '/readyz' && name === 'not_ready') traffic.record.warning('/readyz answered 503', `server #${result.life.number}`);
  const expected = path === '/healthz' ? 'healthz' : path === '/readyz' ? 'readyz' : 'metrics';
  expectation(traffic, result, name === expected || (path === '/readyz' && name === 'not_ready'), expected, `GET ${path}`);
  if (name === 'metrics') readMetrics(traffic, result);
}

function readMetrics(traffic: Traffic, result: Call): void {
  if (!result.exchange.ok) return;
  const text = result.exchange.answer.body.toString('utf8');
  const rss = /^process_resident_memory_bytes (\d+)$/m.exec(text)?.[1];
  if (rss !== undefined) result.life.metricsRssKb = Math.round(Number(rss) / 1024);
  const internalErrors = [...text.matchAll(/^tally_http_requests_total\{[^}]*outcome="internal_error"[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  if (internalErrors > 0 && !traffic.internalErrorsReported.has(result.life.number)) {
    traffic.internalErrorsReported.add(result.life.number);
    traffic.record.violation(INVARIANTS.no500, `server #${result.life.number}'s /metrics counts ${internalErrors} internal_error answers`);
  }
}
