/** The meaning of a user search's query, the same for every store. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { userIdOfQuery, usernamePrefixRange } from '../../src/domain/user-search.js';
import { MAX_USER_ID } from '../../src/domain/user-ids.js';

describe('user search queries', () => {
  it('folds the query and bounds the range just above every key that starts with it', () => {
    assert.deepEqual(usernamePrefixRange('AnN'), { from: 'ann', to: 'ano' });
    assert.deepEqual(usernamePrefixRange('ÄR'), { from: 'är', to: 'äs' });
    assert.deepEqual(usernamePrefixRange('a\u{10FFFF}'), { from: 'a\u{10FFFF}', to: 'b' });
    assert.deepEqual(usernamePrefixRange('\u{D7FF}'), { from: '\u{D7FF}', to: '\u{E000}' }, 'no surrogate as a bound');
    assert.deepEqual(usernamePrefixRange('\u{10FFFF}'), { from: '\u{10FFFF}', to: undefined });
  });

  it('keeps every key with the prefix inside the range and every other key outside, in code point order', () => {
    const { from, to } = usernamePrefixRange('zo');
    const inside = (key: string) => key >= from && to !== undefined && key < to;
    for (const key of ['zo', 'zoë', 'zo\u{10FFFF}x', 'zoo']) assert.ok(inside(key), key);
    for (const key of ['z', 'zn\u{10FFFF}', 'zp', 'zoe'.slice(0, 1)]) assert.ok(!inside(key), key);
  });

  it('reads an id from digits up to the largest user id only', () => {
    assert.equal(userIdOfQuery('0'), 0);
    assert.equal(userIdOfQuery('007'), 7);
    assert.equal(userIdOfQuery(String(MAX_USER_ID)), MAX_USER_ID);
    assert.equal(userIdOfQuery(String(MAX_USER_ID + 1)), undefined);
    for (const text of ['', '-1', '1.0', '12a', ' 1', '12345678901']) assert.equal(userIdOfQuery(text), undefined, text);
  });
});
