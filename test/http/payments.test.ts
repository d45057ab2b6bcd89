/**
 * m4-payments.md: payment_create, payments_get and user_details_get against a real server, every
 * document and error as exact bytes. Times are shown in the server's time zone: this process's
 * TZ, set here to one with a half-hour offset so that a UTC slip shows.
 */
process.env.TZ = 'Asia/Kolkata';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DECLARATION, errorXml } from '../support/spec-oracle.js';
import type { SeedPlan } from '../support/seed.js';
import { assertAnswer, get, harnessFor, post, settle, sign, type Harness } from './helpers.js';

const CREATE = '/billing/api/payment_create';
const LIST = '/billing/api/payments_get';
const DETAILS = '/billing/api/user_details_get';
const STANDALONE = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const BAD_LOGIN = errorXml('status', 'Bad login');
const BAD_HASH = errorXml('status', 'Incorrect hash');
const GET_DISABLED = errorXml('status', 'GET Requests are disabled');
const DISABLED = errorXml('page', 'Payments are not allowed from API');
const ACCESS_DENIED = errorXml('page', 'Access Denied');
const NO_AMOUNT = errorXml('page', 'Amount was not found');
const NO_CURRENCY = errorXml('page', 'Currency was not found');
const DUPLICATE = errorXml('page', 'Duplicate transaction_id');
const NO_PAYMENTS = `${STANDALONE}<error>Payments were not found</error>\n`;
const DETAILS_DENIED = `${DECLARATION}<error>Access Denied</error>\n`;
const DETAILS_NOT_FOUND = `${DECLARATION}<error>User was not found</error>\n`;

// ada (1), bob (2), carl (3, no names), boss (4, an admin login), gone (5, closed later).
const PLAN: SeedPlan = {
  settings: { payments_enabled: 'on' },
  currencies: [
    { code: 'EUR', rate: '0.8' },
    { code: 'JPY', rate: '10', active: false },
  ],
  users: [
    { name: 'ada', firstName: 'Ada', lastName: 'Lovelace', balance: '26' },
    { name: 'bob', firstName: 'Bob', currency: 'EUR' },
    { name: 'carl' },
    { name: 'boss', role: 'admin' },
    { name: 'gone' },
  ],
};

const HASHED = ['user_id', 'description', 'p_currency', 'paymenttype', 'tax_in_amount', 'amount', 'transaction', 'payer_email', 'fee', 'currency', 'transaction_id'];

/** A payment_create request signed by the spec's order, independently of the server. */
function payment(fields: Record<string, string>, u = 'admin'): Record<string, string> {
  // user_id is hashed as the integer it is: 007 as 7.
  const hashed = HASHED.map((name) => (name === 'user_id' ? (fields[name] ?? '').replace(/^0+(?=\d)/, '') : (fields[name] ?? '')));
  return { u, ...fields, hash: sign(...hashed) };
}

function paymentXml(id: number, amount: string, currency: string): string {
  return (
    `${DECLARATION}<page>\n  <response>\n    <status>ok</status>\n    <payment currency="${currency}">\n` +
    `      <payment_id>${id}</payment_id>\n      <tax>0.00</tax>\n      <amount>${amount}</amount>\n      <gross>${amount}</gross>\n` +
    '    </payment>\n  </response>\n</page>\n'
  );
}

/** The id of the newest ledger entry of a user: the payment's id. */
async function lastEntryId(h: Harness, name: string): Promise<number> {
  return (await h.operator.history(name))[0]!.id;
}

async function balanceOf(h: Harness, name: string): Promise<string> {
  return (await h.operator.user(name)).balance;
}

/** A time as the server shows it: UTC + 5:30 (Asia/Kolkata has no daylight saving time). */
function kolkata(iso: string): string {
  return new Date(Date.parse(iso) + 5.5 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

describe('payment_create', () => {
  it('makes a payment in the currency given: the amount over the rate in the ledger, the document in the payment currency', async (t) => {
    const h = await harnessFor(t, PLAN);
    const answer = await post(h, payment({ user_id: '1', amount: '10', currency: 'eur', comment: 'card top-up' }), CREATE);
    assertAnswer(answer, paymentXml(await lastEntryId(h, 'ada'), '10.00', 'EUR'));
    assert.equal(await balanceOf(h, 'ada'), '38.5');
    const [entry] = await h.operator.history('ada');
    assert.deepEqual([entry?.amount, entry?.balanceAfter, entry?.source, entry?.comment], ['12.5', '38.5', 'api', 'card top-up']);
    await h.operator.assertVerified();
  });

  it('takes exchange_rate for this payment, payment_to_provider=1 as a debit, the system currency at rate 1, and the old name', async (t) => {
    const h = await harnessFor(t, PLAN);
    assertAnswer(await post(h, payment({ user_id: '3', amount: '10', currency: 'EUR', exchange_rate: '0.5' }), CREATE), paymentXml(await lastEntryId(h, 'carl'), '10.00', 'EUR'));
    assert.equal(await balanceOf(h, 'carl'), '20.0');
    const debit = payment({ user_id: '3', amount: '2.555', currency: 'usd', payment_to_provider: '1', amount_in_tax: '99' });
    assertAnswer(await post(h, debit, CREATE), paymentXml(await lastEntryId(h, 'carl'), '-2.56', 'USD'));
    assert.equal(await balanceOf(h, 'carl'), '17.445');
    // An inactive currency is allowed; its rate converts: 1 JPY at 10 is 0.1 USD. Old name, user_id as 007.
    assertAnswer(await post(h, payment({ user_id: '003', amount: '1', currency: 'JPY' }), '/billing/api/create_payment'), paymentXml(await lastEntryId(h, 'carl'), '1.00', 'JPY'));
    assert.equal(await balanceOf(h, 'carl'), '17.545');
    // A third of a unit, rounded half away from zero once: 1 EUR at 3 is 0.333333 USD.
    assertAnswer(await post(h, payment({ user_id: '3', amount: '1', currency: 'EUR', exchange_rate: '3' }), CREATE), paymentXml(await lastEntryId(h, 'carl'), '1.00', 'EUR'));
    assert.equal(await balanceOf(h, 'carl'), '17.878333');
    await h.operator.assertVerified();
  });

  it('answers every refusal in the spec order, changing nothing', async (t) => {
    const h = await harnessFor(t, { ...PLAN, settings: {} });
    const good = { user_id: '1', amount: '10', currency: 'EUR' };
    assertAnswer(await post(h, payment(good, 'nobody'), CREATE), BAD_LOGIN);
    assertAnswer(await post(h, payment(good, 'ada'), CREATE), BAD_LOGIN);
    assertAnswer(await post(h, { ...payment(good), hash: sign('1', '10') }, CREATE), BAD_HASH);
    assertAnswer(await get(h, payment(good), CREATE), GET_DISABLED);
    assertAnswer(await post(h, payment(good), CREATE), DISABLED);
    await h.operator.set('payments_enabled', 'on');
    await settle(() => post(h, payment({ ...good, user_id: '99' }), CREATE), ACCESS_DENIED);
    for (const userId of ['0', '4', 'x', '']) assertAnswer(await post(h, payment({ ...good, user_id: userId }), CREATE), ACCESS_DENIED);
    // ('0' is left out: user_id=1&amount=0 hashes as user_id=&amount=10 did above, and the hash is that request's.)
    for (const amount of ['', '-5', '+5', '1e3', '1.', '.5', '1.0000001', '00', '0.000', '1,5']) {
      assertAnswer(await post(h, payment({ ...good, amount }), CREATE), NO_AMOUNT);
    }
    // Zero once converted: 0.000001 JPY at 10 is 0.0000001 USD.
    assertAnswer(await post(h, payment({ ...good, amount: '0.000001', currency: 'JPY' }), CREATE), NO_AMOUNT);
    for (const currency of ['', 'XYZ', 'USER', 'user']) assertAnswer(await post(h, payment({ ...good, currency }), CREATE), NO_CURRENCY);
    const missing = payment({ user_id: '1', amount: '10' });
    assertAnswer(await post(h, missing, CREATE), NO_CURRENCY);
    assert.equal(await balanceOf(h, 'ada'), '26.0');
  });

  it('a closed user is Access Denied', async (t) => {
    const h = await harnessFor(t, PLAN);
    await h.operator.closeUser('gone');
    assertAnswer(await post(h, payment({ user_id: '5', amount: '1', currency: 'USD' }), CREATE), ACCESS_DENIED);
  });

  it('a replayed transaction_id answers the first document byte for byte, even after the rate moved; another change under it is a duplicate', async (t) => {
    const h = await harnessFor(t, PLAN);
    const first = await post(h, payment({ user_id: '1', amount: '10', currency: 'EUR', transaction_id: 'pay-1' }), CREATE);
    assertAnswer(first, paymentXml(await lastEntryId(h, 'ada'), '10.00', 'EUR'));
    await h.operator.currency('EUR', { rate: '0.5' });
    for (let i = 0; i < 2; i++) assertAnswer(await post(h, payment({ user_id: '1', amount: '10.000', currency: 'eur', transaction_id: 'pay-1' }), CREATE), first.body);
    assert.equal(await balanceOf(h, 'ada'), '38.5');
    const others: Record<string, string>[] = [
      { user_id: '3', amount: '10', currency: 'EUR' },
      { user_id: '1', amount: '11', currency: 'EUR' },
      { user_id: '1', amount: '10', currency: 'USD' },
      { user_id: '1', amount: '10', currency: 'EUR', payment_to_provider: '1' },
    ];
    for (const other of others) {
      assertAnswer(await post(h, payment({ ...other, transaction_id: 'pay-1' }), CREATE), DUPLICATE);
    }
    // One namespace with user_balance_update: its key is no payment's.
    await h.operator.addBalance('carl', '5', { key: 'cli-7' });
    assertAnswer(await post(h, payment({ user_id: '3', amount: '5', currency: 'USD', transaction_id: 'cli-7' }), CREATE), DUPLICATE);
    assert.equal(await balanceOf(h, 'ada'), '38.5');
    assert.equal(await balanceOf(h, 'carl'), '5.0');
  });
});

function listXml(payments: readonly string[][]): string {
  const names = ['user', 'date', 'user_balance_before_payment', 'user_balance_after_payment', 'amount', 'amount_with_tax', 'comment', 'currency'];
  const items = payments.map((values) => `    <payment>\n${values.map((value, i) => `      <${names[i]}>${value}</${names[i]}>\n`).join('')}    </payment>\n`);
  return `${STANDALONE}<page>\n  <pagename>Payments List</pagename>\n  <payments>\n${items.join('')}  </payments>\n</page>\n`;
}

describe('payments_get', () => {
  it('lists the payments of today, oldest first, amounts and balances in the system currency, names as Kolmisoft shows them', async (t) => {
    const h = await harnessFor(t, PLAN);
    assertAnswer(await post(h, { u: 'admin', hash: sign() }, LIST), NO_PAYMENTS);
    await post(h, payment({ user_id: '1', amount: '10', currency: 'EUR', comment: 'card & co' }), CREATE);
    await post(h, payment({ user_id: '2', amount: '3', currency: 'USD' }), CREATE);
    await post(h, payment({ user_id: '3', amount: '1', currency: 'USD', payment_to_provider: '1' }), CREATE);
    // Not a payment: never listed.
    await h.operator.addBalance('ada', '1');
    const time = async (name: string, index = 0) => kolkata((await h.operator.entries(name))[index]!.createdAt);
    const ada = ['Ada Lovelace', await time('ada', 1), '26.00', '38.50', '12.50', '12.50', 'card &amp; co', 'EUR'];
    // First name, a space, last name: untrimmed.
    const bob = ['Bob ', await time('bob'), '0.00', '3.00', '3.00', '3.00', '', 'USD'];
    const carl = ['carl', await time('carl'), '0.00', '-1.00', '-1.00', '-1.00', '', 'USD'];
    const all = await post(h, { u: 'admin', hash: sign() }, LIST);
    assertAnswer(all, listXml([ada, bob, carl]));
    assert.match(all.body, /<comment><\/comment>/);
    // The wiki's form of the hash, and the old name.
    assertAnswer(await post(h, { u: 'boss', user_id_s: '2', hash: sign('2') }, '/billing/api/payments_list'), listXml([bob]));
    // Filters, each ignored when malformed.
    assertAnswer(await post(h, { u: 'admin', currency_s: 'eur', hash: sign() }, LIST), listXml([ada]));
    assertAnswer(await post(h, { u: 'admin', currency_s: 'XYZ', user_id_s: 'x', hash: sign() }, LIST), listXml([ada, bob, carl]));
    assertAnswer(await post(h, { u: 'admin', amount_min_s: '3', amount_max_s: '12.5', hash: sign() }, LIST), listXml([ada, bob]));
    assertAnswer(await post(h, { u: 'admin', amount_max_s: '-0.5', amount_min_s: 'lots', hash: sign() }, LIST), listXml([carl]));
    assertAnswer(await post(h, { u: 'admin', first_name_s: 'bO', hash: sign() }, LIST), listXml([bob]));
    assertAnswer(await post(h, { u: 'admin', last_name_s: 'love', username_s: 'AD', hash: sign() }, LIST), listXml([ada]));
    assertAnswer(await post(h, { u: 'admin', username_s: 'zz', hash: sign() }, LIST), NO_PAYMENTS);
    const now = Math.floor(Date.now() / 1000);
    assertAnswer(await post(h, { u: 'admin', from_s: String(now + 3600), hash: sign() }, LIST), NO_PAYMENTS);
    assertAnswer(await post(h, { u: 'admin', from_s: String(now - 3600), till_s: String(now + 60), hash: sign() }, LIST), listXml([ada, bob, carl]));
    assertAnswer(await post(h, { u: 'admin', till_s: String(now - 3600), hash: sign() }, LIST), NO_PAYMENTS);
    // Any other user sees its own payments alone, whatever the filters say.
    assertAnswer(await post(h, { u: 'BOB', user_id_s: '1', hash: sign('1') }, LIST), listXml([bob]));
  });

  it('refuses an unknown or closed login, a wrong hash, and GET while it is off', async (t) => {
    const h = await harnessFor(t, PLAN);
    await h.operator.closeUser('gone');
    assertAnswer(await post(h, { u: 'nobody', hash: sign() }, LIST), BAD_LOGIN);
    assertAnswer(await post(h, { u: 'gone', hash: sign() }, LIST), BAD_LOGIN);
    assertAnswer(await post(h, { hash: sign() }, LIST), BAD_LOGIN);
    assertAnswer(await post(h, { u: 'admin', hash: sign('x') }, LIST), BAD_HASH);
    assertAnswer(await post(h, { u: 'admin', user_id_s: '1', hash: sign('2') }, LIST), BAD_HASH);
    assertAnswer(await get(h, { u: 'admin', hash: sign() }, LIST), GET_DISABLED);
  });
});

function detailsXml(id: number, balance: string, number: string, username: string, first: string, last: string, currency = 'USD'): string {
  return (
    `${DECLARATION}<page>\n  <pagename>Personal details</pagename>\n  <language>en</language>\n  <userid>${id}</userid>\n  <details>\n` +
    `    <main_detail>\n      <balance>${balance} ${currency}</balance>\n      <balance_number>${number}</balance_number>\n      <balance_currency>${currency}</balance_currency>\n    </main_detail>\n` +
    `    <other_details>\n      <username>${username}</username>\n      <first_name>${first}</first_name>\n      <surname>${last}</surname>\n    </other_details>\n` +
    '  </details>\n</page>\n'
  );
}

describe('user_details_get', () => {
  it('an admin reads anyone by user_id, username or both, itself by neither; any other user reads itself', async (t) => {
    const h = await harnessFor(t, PLAN);
    const ada = detailsXml(1, '26.00', '26.0', 'ada', 'Ada', 'Lovelace');
    assertAnswer(await post(h, { u: 'admin', user_id: '1', hash: sign('1') }, DETAILS), ada);
    assertAnswer(await post(h, { u: 'admin', username: 'ADA', hash: sign('ADA') }, DETAILS), ada);
    assertAnswer(await post(h, { u: 'boss', user_id: '1', username: 'ada', p: 'ignored', hash: sign('1', 'ada') }, '/billing/api/user_details'), ada);
    assertAnswer(await post(h, { u: 'admin', hash: sign() }, DETAILS), detailsXml(0, '0.00', '0.0', 'admin', '', ''));
    assertAnswer(await post(h, { u: 'bob', user_id: '1', hash: sign('1') }, DETAILS), detailsXml(2, '0.00', '0.0', 'bob', 'Bob', ''));
    assertAnswer(await post(h, { u: 'admin', user_id: '1', username: 'bob', hash: sign('1', 'bob') }, DETAILS), DETAILS_NOT_FOUND);
    assertAnswer(await post(h, { u: 'admin', user_id: '99', hash: sign('99') }, DETAILS), DETAILS_NOT_FOUND);
    await h.operator.closeUser('gone');
    assertAnswer(await post(h, { u: 'admin', username: 'gone', hash: sign('gone') }, DETAILS), DETAILS_NOT_FOUND);
  });

  it('balance_number is the balance as Ruby prints a float', async (t) => {
    const h = await harnessFor(t, PLAN);
    const cases: [string, string, string][] = [
      ['0.05', '0.05', '0.05'],
      ['-3.333333', '-3.33', '-3.333333'],
      ['0.00001', '0.00', '1.0e-05'],
      ['0.0001', '0.00', '0.0001'],
      ['123456789012.5', '123456789012.50', '123456789012.5'],
    ];
    for (const [balance, shown, number] of cases) {
      await h.operator.setUser('carl', { balance });
      assertAnswer(await post(h, { u: 'carl', hash: sign() }, DETAILS), detailsXml(3, shown, number, 'carl', '', ''));
    }
  });

  it('answers an unknown or closed login with a bare Access Denied, a wrong hash with Incorrect hash', async (t) => {
    const h = await harnessFor(t, PLAN);
    await h.operator.closeUser('gone');
    assertAnswer(await post(h, { u: 'nobody', hash: sign() }, DETAILS), DETAILS_DENIED);
    assertAnswer(await post(h, { u: 'gone', hash: sign() }, DETAILS), DETAILS_DENIED);
    assertAnswer(await post(h, { u: 'ada', user_id: '1', hash: sign() }, DETAILS), BAD_HASH);
    assertAnswer(await get(h, { u: 'ada', hash: sign() }, DETAILS), GET_DISABLED);
  });
});
