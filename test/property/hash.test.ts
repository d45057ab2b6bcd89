/**
 * Property-based tests of the request hash (spec section 2): computeHash, hashMatches, the
 * recipes, integerText and checkHash, each against a SHA1 computed here with node:crypto's
 * createHash over the concatenation the spec describes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkHash } from '../../src/domain/access.js';
import { API_ERRORS } from '../../src/domain/api-errors.js';
import { HASH_RECIPES } from '../../src/domain/api-methods.js';
import { computeHash, hashMatches, integerText } from '../../src/domain/hash.js';
import { readSettings } from '../../src/domain/settings.js';
import { REFERENCE_RECIPES, referenceHash, referenceHashedValues, referenceIntegerText, sha1Hex } from '../support/spec-oracle.js';

const RUNS = { numRuns: 1000 };

/** Well-formed text of any code points (a lone surrogate has no UTF-8 form to hash). */
const text = (maxLength = 16): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ unit: 'binary', maxLength }), fc.string({ unit: 'grapheme', maxLength }), fc.string({ maxLength }));
const key = fc.oneof(fc.constant('secret'), text(40).filter((k) => k.length > 0));
const values = fc.array(text(), { maxLength: 4 });
/** A code point other than `not`. */
const otherCodePoint = (not: string): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('a', '0', 'A', ' ', 'é')).filter((c) => c !== not);

/** Replaces the code point at `index` (modulo the length) with another one. */
const withChangedCodePoint = (value: string): fc.Arbitrary<string> => {
  const points = [...value];
  return fc.nat(points.length - 1).chain((index) =>
    otherCodePoint(points[index]!).map((replacement) => [...points.slice(0, index), replacement, ...points.slice(index + 1)].join('')),
  );
};

const HEX = '0123456789abcdef';

describe('computeHash and hashMatches (spec section 2)', () => {
  it('computeHash is SHA1 hex of the concatenated values then the key', () => {
    fc.assert(
      fc.property(values, key, (hashed, secret) => {
        assert.equal(computeHash(hashed, secret), sha1Hex(hashed.join('') + secret));
      }),
      RUNS,
    );
  });

  it('a hash made by the recipe matches, in lower, upper or mixed case', () => {
    fc.assert(
      fc.property(values, key, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (hashed, secret, upper) => {
        const hash = sha1Hex(hashed.join('') + secret);
        assert.equal(hashMatches(hash, hashed, secret), true);
        assert.equal(hashMatches(hash.toUpperCase(), hashed, secret), true);
        const mixed = [...hash].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
        assert.equal(hashMatches(mixed, hashed, secret), true);
      }),
      RUNS,
    );
  });

  it('any single-character change of the hash makes it fail', () => {
    fc.assert(
      fc.property(values, key, fc.nat(39), fc.oneof(fc.constantFrom(...HEX, ...HEX.toUpperCase()), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), (hashed, secret, index, replacement) => {
        const hash = sha1Hex(hashed.join('') + secret);
        fc.pre(replacement.toLowerCase() !== hash[index]);
        const changed = hash.slice(0, index) + replacement + hash.slice(index + 1);
        assert.equal(hashMatches(changed, hashed, secret), false, changed);
      }),
      RUNS,
    );
  });

  it('adding, removing or surrounding a character of the hash makes it fail', () => {
    fc.assert(
      fc.property(values, key, fc.nat(40), fc.constantFrom(...HEX, ' ', '\n', '\t', '\0', 'x'), (hashed, secret, index, extra) => {
        const hash = sha1Hex(hashed.join('') + secret);
        assert.equal(hashMatches(hash.slice(0, index) + extra + hash.slice(index), hashed, secret), false);
        assert.equal(hashMatches(hash.slice(0, Math.min(index, 39)) + hash.slice(Math.min(index, 39) + 1), hashed, secret), false);
        assert.equal(hashMatches(hash + extra, hashed, secret), false);
        assert.equal(hashMatches(extra + hash, hashed, secret), false);
      }),
      RUNS,
    );
  });

  it('any single-character change of a hashed value makes it fail', () => {
    const nonEmpty = fc.array(text(), { minLength: 1, maxLength: 4 }).filter((list) => list.some((value) => value.length > 0));
    fc.assert(
      fc.property(
        nonEmpty.chain((list) => {
          const candidates = list.flatMap((value, i) => (value.length > 0 ? [i] : []));
          return fc.constantFrom(...candidates).chain((i) => withChangedCodePoint(list[i]!).map((changed) => [list, list.with(i, changed)] as const));
        }),
        key,
        ([original, changed], secret) => {
          const hash = sha1Hex(original.join('') + secret);
          assert.equal(hashMatches(hash, changed, secret), false, JSON.stringify(changed));
        },
      ),
      RUNS,
    );
  });

  it('any single-character change of the key makes it fail', () => {
    fc.assert(
      fc.property(values, key.chain((secret) => withChangedCodePoint(secret).map((changed) => [secret, changed] as const)), (hashed, [secret, changed]) => {
        const hash = sha1Hex(hashed.join('') + secret);
        assert.equal(hashMatches(hash, hashed, changed), false);
        assert.equal(hashMatches(hash, hashed, secret + 'x'), false);
        assert.equal(hashMatches(hash, hashed, secret.slice(1)), false);
      }),
      RUNS,
    );
  });

  it('junk hash values never throw and match only when they are the hash in some letter case', () => {
    const junk = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
      fc.string({ unit: fc.constantFrom(...HEX, ...'ABCDEFgG \n'), minLength: 38, maxLength: 42 }),
      fc.stringMatching(/^[0-9a-fA-F]{40}$/),
      // Full-width and Arabic-Indic digits look like hex to a careless \d.
      fc.string({ unit: fc.constantFrom('０', '１', '٣', 'ａ', 'a', '0'), minLength: 40, maxLength: 40 }),
      fc.constantFrom('', 'null', 'undefined', '0'.repeat(40), 'f'.repeat(40), '0x' + '0'.repeat(38)),
    );
    fc.assert(
      fc.property(values, key, junk, (hashed, secret, given) => {
        const expected = sha1Hex(hashed.join('') + secret);
        assert.equal(hashMatches(given, hashed, secret), given.toLowerCase() === expected, JSON.stringify(given));
      }),
      RUNS,
    );
    fc.assert(fc.property(values, key, (hashed, secret) => assert.equal(hashMatches(undefined, hashed, secret), false)), { numRuns: 100 });
  });
});

describe('the recipes (spec sections 2 and 10)', () => {
  const NAMES = ['username', 'currency', 'user_currency', 'hash', 'u', 'p', 'test', 'user_id', 'balance', 'transaction_id', 'rate', 'id'];
  const params = fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), text(6)), fc.oneof(text(), fc.constantFrom('', '007', '0', '00', '12', ' 7', '7 '))), { maxLength: 10 })
    .map((entries) => new Map(entries));

  it('every API name has the spec recipe: the hashed values, present and non-empty, in order', () => {
    assert.deepEqual([...HASH_RECIPES.keys()].sort(), Object.keys(REFERENCE_RECIPES).sort());
    fc.assert(
      fc.property(params, fc.constantFrom(...Object.keys(REFERENCE_RECIPES)), (map, method) => {
        assert.deepEqual(HASH_RECIPES.get(method)!.hashedValues(map), referenceHashedValues(method, map));
      }),
      RUNS,
    );
  });

  it('hash, user_currency, u, p and test never change what is hashed', () => {
    fc.assert(
      fc.property(params, fc.constantFrom(...Object.keys(REFERENCE_RECIPES)), fc.dictionary(fc.constantFrom('hash', 'user_currency', 'u', 'p', 'test'), text()), (map, method, extra) => {
        const recipe = HASH_RECIPES.get(method)!;
        const more = new Map([...map, ...Object.entries(extra)]);
        assert.deepEqual(recipe.hashedValues(more), recipe.hashedValues(map));
      }),
      RUNS,
    );
  });

  it('integerText writes a digit string as the integer it is, and leaves anything else alone', () => {
    const candidate = fc.oneof(fc.stringMatching(/^0{0,5}[0-9]{0,25}$/), text(), fc.constantFrom('-7', '+7', '7.0', '٧', '０7', ' 7'));
    fc.assert(
      fc.property(candidate, (value) => {
        assert.equal(integerText(value), referenceIntegerText(value));
      }),
      RUNS,
    );
  });
});

describe('checkHash (spec section 3, step 3)', () => {
  const settings = (overrides: Record<string, string>) =>
    readSettings(new Map(Object.entries({ allow_api: '1', disable_hash_checking: '0', api_secret_key: 'secret', ...overrides })));
  const requestParams = fc.record(
    {
      username: fc.oneof(text(), fc.constantFrom('alice', 'Jürgen', '')),
      currency: fc.oneof(text(6), fc.constantFrom('EUR', 'eur', 'USER', '')),
      user_currency: fc.constantFrom('1', '0', 'x'),
    },
    { requiredKeys: [] },
  );
  const hashChoice = fc.constantFrom('right', 'upper', 'absent', 'wrong', 'junk');

  it('accepts exactly the requests whose hash is the recipe hash, refuses the rest with Incorrect hash', () => {
    fc.assert(
      fc.property(requestParams, key, hashChoice, fc.constantFrom(...Object.keys(REFERENCE_RECIPES)), text(), (fields, secret, choice, method, junk) => {
        const map = new Map(Object.entries(fields));
        const right = referenceHash(method, map, secret);
        if (choice === 'right') map.set('hash', right);
        if (choice === 'upper') map.set('hash', right.toUpperCase());
        if (choice === 'wrong') map.set('hash', referenceHash(method, map, secret + '!'));
        if (choice === 'junk') map.set('hash', junk);
        const accepted = choice === 'right' || choice === 'upper';
        assert.equal(checkHash(settings({ api_secret_key: secret }), map, HASH_RECIPES.get(method)!), accepted ? undefined : API_ERRORS.incorrectHash);
      }),
      RUNS,
    );
  });

  it('answers API must have Secret Key for an empty key, and accepts anything with hash checking off', () => {
    fc.assert(
      fc.property(requestParams, hashChoice, text(), (fields, choice, junk) => {
        const map = new Map(Object.entries(fields));
        if (choice !== 'absent') map.set('hash', junk);
        const recipe = HASH_RECIPES.get('user_balance_get')!;
        assert.equal(checkHash(settings({ api_secret_key: '' }), map, recipe), API_ERRORS.secretKeyMissing);
        assert.equal(checkHash(settings({ disable_hash_checking: '1' }), map, recipe), undefined);
        assert.equal(checkHash(settings({ disable_hash_checking: '1', api_secret_key: '' }), map, recipe), undefined);
      }),
      RUNS,
    );
  });

  it('hashes user_id as an integer: leading zeros do not change the hash', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 10n ** 15n), fc.nat(4), fc.constantFrom('0', '-1.5', '10.50'), key, (id, zeros, amount, secret) => {
        const plain = new Map([['user_id', id.toString()], ['balance', amount]]);
        const padded = new Map([['user_id', '0'.repeat(zeros) + id.toString()], ['balance', amount]]);
        const hash = sha1Hex(id.toString() + amount + secret);
        plain.set('hash', hash);
        padded.set('hash', hash);
        const recipe = HASH_RECIPES.get('user_balance_update')!;
        assert.equal(checkHash(settings({ api_secret_key: secret }), plain, recipe), undefined);
        assert.equal(checkHash(settings({ api_secret_key: secret }), padded, recipe), undefined);
      }),
      RUNS,
    );
  });
});
