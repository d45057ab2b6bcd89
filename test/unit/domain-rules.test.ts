import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildApiConfig } from '../../src/domain/api-config.js';
import { answerBalance } from '../../src/domain/balance.js';
import { checkNewCurrencyCode, normalizeCurrencyCode, type Currency } from '../../src/domain/currency.js';
import { applyCurrencyChange } from '../../src/domain/currency-change.js';
import { parseRate } from '../../src/domain/money.js';
import { normalizeSettingValue, readSettings } from '../../src/domain/settings.js';
import { MAX_USER_ID } from '../../src/domain/user-ids.js';
import { normalizeUsername, planUsernameRepairs, printableUsername, typedUsernameProblem, usernameKey, usernameProblem } from '../../src/domain/usernames.js';
import { fromSpreadsheetCell, toSpreadsheetCell } from '../../src/admin/users-csv.js';
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
    assert.throws(() => applyCurrencyChange(undefined, { code: 'GBP' }), /currency GBP is new: it needs a rate/);
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
  it('refuses a typed name that begins or ends with a space, and keeps an imported one', () => {
    for (const name of [' alice', 'alice ', '\u00a0alice', 'alice\u3000']) {
      assert.equal(typedUsernameProblem(name), 'a username cannot begin or end with a space', JSON.stringify(name));
      assert.equal(usernameProblem(name), undefined, JSON.stringify(name));
    }
    assert.equal(typedUsernameProblem('john smith'), undefined);
  });

  it('folds with Unicode lower case', () => {
    assert.equal(usernameKey('ÄLICE'), 'älice');
  });

  it('counts characters, not bytes, and refuses control characters', () => {
    assert.equal(usernameProblem('😀'.repeat(128)), undefined);
    assert.notEqual(usernameProblem('a'.repeat(129)), undefined);
    assert.notEqual(usernameProblem(''), undefined);
    assert.notEqual(usernameProblem('a\tb'), undefined);
  });

  const NFC = 'Jos\u00e9';
  const NFD = 'Jose\u0301';

  it('keeps a name in NFC and folds the NFC and NFD spellings, in any case, to one key', () => {
    assert.equal(normalizeUsername(NFD), NFC);
    assert.equal(normalizeUsername('alice'), 'alice');
    assert.equal(usernameKey(NFD), 'jos\u00e9');
    assert.equal(usernameKey(NFC), 'jos\u00e9');
    assert.equal(usernameKey('JOSE\u0301'), 'jos\u00e9');
    assert.equal(usernameKey('Alice'), 'alice');
  });

  it('gives a key in NFC even where lower case alone would not', () => {
    const key = usernameKey('\u0130\u0301');
    assert.equal(key, key.normalize('NFC'));
  });

  it('counts the characters of the NFC form: a decomposed name of 128 letters fits', () => {
    assert.equal(usernameProblem('e\u0301'.repeat(128)), undefined);
    assert.notEqual(usernameProblem('e\u0301'.repeat(129)), undefined);
  });

  for (const [character, kind] of [
    ['\u202e', 'U+202E (a bidirectional control)'],
    ['\u2066', 'U+2066 (a bidirectional control)'],
    ['\u200f', 'U+200F (a bidirectional control)'],
    ['\u200b', 'U+200B (a zero-width character)'],
    ['\u2060', 'U+2060 (a zero-width character)'],
    ['\ufeff', 'U+FEFF (a zero-width character)'],
    ['\u00ad', 'U+00AD (an invisible format character)'],
    ['\u0085', 'U+0085 (a control character)'],
    ['\u0000', 'U+0000 (a control character)'],
    ['\u2028', 'U+2028 (a line or paragraph separator)'],
    ['\ufffd', 'U+FFFD (the replacement character, which stands for an unreadable byte)'],
  ] as const) {
    it(`refuses ${kind.slice(0, 6)} naming it by code point, never raw`, () => {
      const problem = usernameProblem(`ab${character}c`);
      assert.equal(problem, `a username cannot contain ${kind}`);
      assert.ok(!problem.includes(character));
    });
  }

  it('writes the refused characters of an old name as code points for messages', () => {
    assert.equal(printableUsername('a\u202eb\u200bc'), 'a<U+202E>b<U+200B>c');
    assert.equal(printableUsername(NFD), NFD);
  });

  it('plans NFC repairs, leaving both users of a collision as they were', () => {
    const stale = [
      { id: 3, username: NFD, usernameKey: 'jose\u0301' },
      { id: 4, username: 'Zoe\u0308', usernameKey: 'zoe\u0308' },
      { id: 5, username: 'Ame\u0301lie', usernameKey: 'ame\u0301lie' },
      { id: 6, username: 'AME\u0301LIE', usernameKey: 'AME\u0301LIE' },
    ];
    const holder = { id: 2, username: NFC, usernameKey: 'jos\u00e9' };
    const plan = planUsernameRepairs(stale, new Map([['jos\u00e9', [holder]]]));
    assert.deepEqual(plan.renames, [{ id: 4, username: 'Zo\u00eb', usernameKey: 'zo\u00eb' }]);
    assert.deepEqual(
      plan.collisions.map((c) => [c.user.id, c.with.id]),
      [[3, 2], [5, 6], [6, 5]],
    );
  });
});

describe('user ids', () => {
  it('stop at the largest 32-bit signed integer, as Kolmisoft clients read user_id', () => {
    assert.equal(MAX_USER_ID, 2 ** 31 - 1);
  });
});

describe('usernames in a spreadsheet', () => {
  const cases: [string, string][] = [
    ["=cmd|'/C calc'!A0", "'=cmd|'/C calc'!A0"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ["'=x", "''=x"],
    ["'bob", "'bob"],
    ['bob', 'bob'],
    ['a=b', 'a=b'],
  ];
  for (const [username, cell] of cases) {
    it(`writes ${JSON.stringify(username)} as ${JSON.stringify(cell)} and reads it back unchanged`, () => {
      assert.equal(toSpreadsheetCell(username), cell);
      assert.equal(fromSpreadsheetCell(cell), username);
    });
  }
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
