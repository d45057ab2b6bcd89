import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildApiConfig } from '../../src/domain/api-config.js';
import { answerBalance } from '../../src/domain/balance.js';
import { checkNewCurrencyCode, normalizeCurrencyCode, type Currency } from '../../src/domain/currency.js';
import { applyCurrencyChange } from '../../src/domain/currency-change.js';
import { parseRate } from '../../src/domain/money.js';
import { normalizeSettingValue, readSettings } from '../../src/domain/settings.js';
import { usernameKey, usernameProblem } from '../../src/domain/usernames.js';
import { errorDocument, xmlDocument } from '../../src/http/xml.js';
import { API_ERRORS } from '../../src/domain/api-errors.js';

function currency(code: string, rate: string, isSystem = false, active = true): Currency {
  const parsed = parseRate(rate);
  assert.ok(parsed.ok);
  return { code, name: code, rate: parsed.value, active, isSystem };
}

const config = buildApiConfig(new Map(), [currency('USD', '1', true), currency('EUR', '0.7351'), currency('BHD', '0.377', false, false)], 1);
const alice = { id: 3, username: 'alice', currency: 'EUR', balance: 26_000_000n };
const answer = (params: Record<string, string>, digits = 2) =>
  answerBalance(alice, new Map(Object.entries(params)), config.currencies, digits);

describe('currency conversion (spec section 4)', () => {
  it('answers in the system currency by default', () => {
    assert.deepEqual(answer({}), { balance: '26.00' });
  });

  it('converts to a code given in any letter case', () => {
    assert.deepEqual(answer({ currency: 'eUr' }, 4), { balance: '19.1126' });
  });

  it("converts to the user's currency for USER, without naming it", () => {
    assert.deepEqual(answer({ currency: 'user' }, 4), { balance: '19.1126' });
  });

  it("converts to the user's currency and names it for user_currency=1, ignoring currency", () => {
    assert.deepEqual(answer({ user_currency: '1', currency: 'BHD' }, 4), { balance: '19.1126', currency: 'EUR' });
  });

  it('ignores other values of user_currency', () => {
    assert.deepEqual(answer({ user_currency: 'true', currency: 'BHD' }, 3), { balance: '9.802' });
  });

  it('still converts to an inactive currency', () => {
    assert.deepEqual(answer({ currency: 'BHD' }, 3), { balance: '9.802' });
  });

  it('falls back to the system currency for an unknown, empty or non-code currency', () => {
    for (const code of ['XYZ', '', 'EURO1X', 'e€r', 'ß'.repeat(3)]) assert.deepEqual(answer({ currency: code }), { balance: '26.00' }, code);
  });
});

describe('currency rules', () => {
  it('upper-cases codes of 3 to 5 letters or digits, reserving USER', () => {
    assert.equal(normalizeCurrencyCode('eur'), 'EUR');
    assert.equal(normalizeCurrencyCode('EU'), undefined);
    assert.equal(normalizeCurrencyCode('EURO12'), undefined);
    assert.deepEqual(checkNewCurrencyCode('User'), { ok: false, reason: 'USER is reserved and cannot be a currency code' });
  });

  it("keeps the system currency's rate at 1", () => {
    const usd = currency('USD', '1', true);
    assert.throws(() => applyCurrencyChange(usd, { code: 'USD', rate: currency('X', '2').rate }), /always 1/);
    assert.equal(applyCurrencyChange(usd, { code: 'USD', rate: currency('X', '1.000').rate, name: 'Dollar' }).name, 'Dollar');
  });

  it('needs a rate for a new currency', () => {
    assert.throws(() => applyCurrencyChange(undefined, { code: 'GBP' }), /--rate/);
  });
});

describe('settings (spec section 7)', () => {
  it('accepts every spelling of a boolean and stores 1 or 0', () => {
    for (const word of ['1', 'true', 'ON', 'Yes']) assert.deepEqual(normalizeSettingValue('allow_api', word), { ok: true, stored: '1' });
    for (const word of ['0', 'False', 'off', 'NO']) assert.deepEqual(normalizeSettingValue('allow_api', word), { ok: true, stored: '0' });
    assert.equal(normalizeSettingValue('allow_api', 'maybe').ok, false);
  });

  it('takes an empty key or one of at least 6 characters', () => {
    assert.equal(normalizeSettingValue('api_secret_key', '').ok, true);
    assert.equal(normalizeSettingValue('api_secret_key', '12345').ok, false);
    assert.equal(normalizeSettingValue('api_secret_key', 'secret').ok, true);
  });

  it('takes number_digits from 0 to 10', () => {
    assert.deepEqual(normalizeSettingValue('number_digits', '07'), { ok: true, stored: '7' });
    assert.equal(normalizeSettingValue('number_digits', '11').ok, false);
    assert.equal(normalizeSettingValue('number_digits', '-1').ok, false);
    assert.equal(normalizeSettingValue('number_digits', '2.5').ok, false);
  });

  it('reads missing values the safe way: API off, hash checked', () => {
    const settings = readSettings(new Map());
    assert.equal(settings.allowApi, false);
    assert.equal(settings.disableHashChecking, false);
    assert.equal(settings.numberDigits, 2);
  });
});

describe('usernames (spec section 8)', () => {
  it('folds with Unicode lower case', () => {
    assert.equal(usernameKey('ÄLICE'), 'älice');
  });

  it('counts characters, not bytes, and refuses control characters', () => {
    assert.equal(usernameProblem('😀'.repeat(128)), undefined);
    assert.notEqual(usernameProblem('a'.repeat(129)), undefined);
    assert.notEqual(usernameProblem(''), undefined);
    assert.notEqual(usernameProblem('a\tb'), undefined);
  });
});

describe('the XML writer (spec section 6)', () => {
  it('writes the declaration, two-space indents, LF line ends and a final LF', () => {
    assert.equal(
      xmlDocument('page', [['balance', '26.0000'], ['currency', 'BHD']]),
      '<?xml version="1.0" encoding="UTF-8"?>\n<page>\n  <balance>26.0000</balance>\n  <currency>BHD</currency>\n</page>\n',
    );
  });

  it('nests elements and escapes text', () => {
    assert.equal(
      xmlDocument('page', [['page', [['user', [['username', `a&b<c>"d'`]]]]]]),
      '<?xml version="1.0" encoding="UTF-8"?>\n<page>\n  <page>\n    <user>\n      <username>a&amp;b&lt;c&gt;&quot;d&apos;</username>\n    </user>\n  </page>\n</page>\n',
    );
  });

  it('renders error documents under their root', () => {
    assert.equal(errorDocument(API_ERRORS.userNotFound), '<?xml version="1.0" encoding="UTF-8"?>\n<page>\n  <error>User was not found</error>\n</page>\n');
  });
});
