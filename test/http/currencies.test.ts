/** Spec section 4: which currency a balance is answered in, and the conversion. */
import { after, before, describe, it } from 'node:test';
import { balanceXml, errorXml } from '../support/spec-oracle.js';
import type { SeedPlan } from '../support/seed.js';
import { assertAnswer, harnessFor, post, settle, sign, signed, startHarness, type Harness } from './helpers.js';

const BAD_HASH = errorXml('status', 'Incorrect hash');

const USD_PLAN: SeedPlan = {
  currencies: [
    { code: 'EUR', rate: '0.7351' },
    { code: 'GBP', rate: '0.5' },
    { code: 'JPY', rate: '110.5', active: false },
    { code: 'X1Y2', rate: '3' },
  ],
  users: [
    { name: 'alice', balance: '26', currency: 'EUR' },
    { name: 'bob', balance: '10' },
    { name: 'carol', balance: '-4', currency: 'JPY' },
  ],
};

describe('currencies and conversion (section 4), system currency USD', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(USD_PLAN);
  });
  after(async () => {
    await h.close();
  });

  it('answers in the system currency without a currency parameter, whatever the user currency', async () => {
    assertAnswer(await post(h, signed('alice')), balanceXml('26.00'));
  });

  it('converts to currency=EUR: 26 × 0.7351 = 19.1126 → 19.11', async () => {
    assertAnswer(await post(h, signed('alice', { currency: 'EUR' })), balanceXml('19.11'));
  });

  it('matches currency=CODE in any letter case, hashing the code as sent', async () => {
    for (const code of ['eur', 'Eur', 'eUr']) {
      assertAnswer(await post(h, signed('alice', { currency: code })), balanceXml('19.11'));
    }
    assertAnswer(await post(h, { username: 'alice', currency: 'eur', hash: sign('alice', 'EUR') }), BAD_HASH);
  });

  it('matches a code of letters and digits in any case', async () => {
    assertAnswer(await post(h, signed('bob', { currency: 'x1y2' })), balanceXml('30.00'));
  });

  it('answers currency=SYSTEM-CODE unconverted', async () => {
    assertAnswer(await post(h, signed('alice', { currency: 'USD' })), balanceXml('26.00'));
    assertAnswer(await post(h, signed('alice', { currency: 'usd' })), balanceXml('26.00'));
  });

  it('converts currency=USER in any letter case to the user currency, without a <currency> element', async () => {
    for (const code of ['USER', 'user', 'User', 'uSeR']) {
      assertAnswer(await post(h, signed('alice', { currency: code })), balanceXml('19.11'));
    }
  });

  it('answers currency=USER in the system currency for a user whose currency is the system one', async () => {
    assertAnswer(await post(h, signed('bob', { currency: 'USER' })), balanceXml('10.00'));
  });

  it('converts user_currency=1 to the user currency and adds <currency>', async () => {
    assertAnswer(await post(h, signed('alice', { user_currency: '1' })), balanceXml('19.11', 'EUR'));
    assertAnswer(await post(h, signed('bob', { user_currency: '1' })), balanceXml('10.00', 'USD'));
  });

  it('ignores currency for the conversion under user_currency=1, but still hashes it', async () => {
    assertAnswer(await post(h, signed('alice', { user_currency: '1', currency: 'GBP' })), balanceXml('19.11', 'EUR'));
    assertAnswer(await post(h, signed('bob', { user_currency: '1', currency: 'EUR' })), balanceXml('10.00', 'USD'));
    assertAnswer(await post(h, { username: 'alice', user_currency: '1', currency: 'GBP', hash: sign('alice') }), BAD_HASH);
  });

  it('ignores any user_currency other than 1', async () => {
    for (const value of ['0', '2', 'true', 'yes', ' 1', '01', '']) {
      assertAnswer(await post(h, signed('alice', { user_currency: value })), balanceXml('26.00'));
      assertAnswer(await post(h, signed('alice', { user_currency: value, currency: 'GBP' })), balanceXml('13.00'));
    }
  });

  it('falls back to the system currency, without error, for an unknown code (which is still hashed)', async () => {
    for (const code of ['XYZ', 'ABCDE', 'E', 'EURO99', 'E UR', '€']) {
      assertAnswer(await post(h, signed('alice', { currency: code })), balanceXml('26.00'));
    }
    assertAnswer(await post(h, { username: 'alice', currency: 'XYZ', hash: sign('alice') }), BAD_HASH);
  });

  it('falls back to the system currency for an empty currency, which the hash leaves out', async () => {
    assertAnswer(await post(h, { username: 'alice', currency: '', hash: sign('alice') }), balanceXml('26.00'));
  });

  it('still converts to an inactive currency: 26 × 110.5 = 2873.00', async () => {
    assertAnswer(await post(h, signed('alice', { currency: 'JPY' })), balanceXml('2873.00'));
    assertAnswer(await post(h, signed('carol', { user_currency: '1' })), balanceXml('-442.00', 'JPY'));
    assertAnswer(await post(h, signed('carol', { currency: 'user' })), balanceXml('-442.00'));
  });

  it('converts with a rate changed by the CLI on a running server', async (t) => {
    const h = await harnessFor(t, USD_PLAN);
    await h.operator.currency('GBP', { rate: '0.25' });
    await settle(() => post(h, signed('bob', { currency: 'GBP' })), balanceXml('2.50'));
  });

  it('converts to a user currency changed by the CLI', async (t) => {
    const h = await harnessFor(t, USD_PLAN);
    await h.operator.setUser('bob', { currency: 'EUR' });
    await settle(() => post(h, signed('bob', { user_currency: '1' })), balanceXml('7.35', 'EUR'));
  });
});

describe('a database whose system currency is BHD, at 4 digits', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      systemCurrency: 'BHD',
      settings: { number_digits: '4' },
      currencies: [{ code: 'USD', rate: '2.659574' }],
      users: [
        { name: 'dana', balance: '26' },
        { name: 'eve', balance: '26', currency: 'usd' },
      ],
    });
  });
  after(async () => {
    await h.close();
  });

  it('answers the example document of section 6 byte for byte', async () => {
    const answer = await post(h, signed('dana', { user_currency: '1' }));
    assertAnswer(
      answer,
      '<?xml version="1.0" encoding="UTF-8"?>\n<page>\n  <balance>26.0000</balance>\n  <currency>BHD</currency>\n</page>\n',
    );
  });

  it('converts from the system currency BHD: 26 × 2.659574 = 69.148924 → 69.1489', async () => {
    assertAnswer(await post(h, signed('dana', { currency: 'USD' })), balanceXml('69.1489'));
    assertAnswer(await post(h, signed('eve', { user_currency: '1' })), balanceXml('69.1489', 'USD'));
  });

  it('falls back to the system currency BHD for an unknown code', async () => {
    assertAnswer(await post(h, signed('eve', { currency: 'EUR' })), balanceXml('26.0000'));
  });
});
