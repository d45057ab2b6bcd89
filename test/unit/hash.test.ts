import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HASH_RECIPES, USER_BALANCE_GET } from '../../src/domain/api-methods.js';
import { computeHash, hashMatches } from '../../src/domain/hash.js';

const USER_BALANCE_GET_RECIPE = USER_BALANCE_GET.hash;

const params = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('the request hash (spec section 2)', () => {
  it('reproduces the seed page vector for username=user_admin', () => {
    const values = USER_BALANCE_GET_RECIPE.hashedValues(params({ username: 'user_admin' }));
    assert.equal(computeHash(values, 'secret'), '79e75e75f9cd6821e7b661250a45294b4579f262');
  });

  it('hashes username then currency, and nothing else', () => {
    const values = USER_BALANCE_GET_RECIPE.hashedValues(
      params({ currency: 'EUR', username: 'user_admin', user_currency: '1', hash: 'x', u: 'admin', p: 'pw', test: '1' }),
    );
    assert.deepEqual(values, ['user_admin', 'EUR']);
    assert.equal(computeHash(values, 'secret'), 'c3b91f83efe914fe0a9c86155b45dd757082126d');
  });

  it('leaves out empty values', () => {
    assert.deepEqual(USER_BALANCE_GET_RECIPE.hashedValues(params({ username: 'a', currency: '' })), ['a']);
  });

  it('matches the console recipe echo -n "VALUESSECRET" | sha1sum for non-ASCII text', () => {
    // printf 'jürgenEURsecret' | sha1sum: the values are hashed as UTF-8
    assert.equal(computeHash(['jürgen', 'EUR'], 'secret'), '4bce6ed1695b97d1017dbaa981042159d2cd3e2a');
  });

  it('accepts either letter case and refuses anything but 40 hex digits', () => {
    const values = ['user_admin'];
    assert.equal(hashMatches('79e75e75f9cd6821e7b661250a45294b4579f262', values, 'secret'), true);
    assert.equal(hashMatches('79E75E75F9CD6821E7B661250A45294B4579F262', values, 'secret'), true);
    assert.equal(hashMatches(undefined, values, 'secret'), false);
    assert.equal(hashMatches('', values, 'secret'), false);
    assert.equal(hashMatches('79e75e75f9cd6821e7b661250a45294b4579f26', values, 'secret'), false);
    assert.equal(hashMatches('79e75e75f9cd6821e7b661250a45294b4579f2620', values, 'secret'), false);
    assert.equal(hashMatches(' 79e75e75f9cd6821e7b661250a45294b4579f262', values, 'secret'), false);
    assert.equal(hashMatches('79e75e75f9cd6821e7b661250a45294b4579f26g', values, 'secret'), false);
    assert.equal(hashMatches('79e75e75f9cd6821e7b661250a45294b4579f262', values, 'other!'), false);
  });

  it('refuses a hash spelled with characters whose low byte is a hex digit (Buffer would decode U+0130 as 0)', () => {
    const values = ['user_admin'];
    const real = '79e75e75f9cd6821e7b661250a45294b4579f262';
    assert.equal(Buffer.from([...real].map((c) => String.fromCharCode(0x100 + c.charCodeAt(0))).join(''), 'hex').toString('hex'), real, 'the trap is real');
    for (const respelled of [
      [...real].map((c) => String.fromCharCode(0x100 + c.charCodeAt(0))).join(''),
      '\u0130' + real.slice(1).replace(/^9/, '9'),
      real.slice(0, 39) + String.fromCharCode(0xff00 + real.charCodeAt(39)),
    ]) {
      assert.equal(hashMatches(respelled, values, 'secret'), false, JSON.stringify(respelled));
    }
  });

  it('knows the recipe under the old name balance', () => {
    assert.equal(HASH_RECIPES.get('balance'), USER_BALANCE_GET_RECIPE);
  });
});
