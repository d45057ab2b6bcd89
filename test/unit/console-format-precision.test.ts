/** formatMoney keeps every digit the admin API sends, also past the 6 of a stored balance. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMoney } from '../../src/console/lib/format.js';

test('a balance converted at a rate keeps its 7th fractional digit, its sign and its currency', () => {
  assert.equal(formatMoney('-1.6666665', 'EUR'), '−1.6666665 EUR');
  assert.equal(formatMoney('1234567.000000012', 'USD', { signed: true }), '+1,234,567.000000012 USD');
  assert.equal(formatMoney('-0.0000000', 'USD', { signed: true }), '0.00 USD', 'zero has no sign');
  assert.equal(formatMoney('+5', 'USD'), '5.00 USD');
  assert.equal(formatMoney('5', 'USD', { signed: true }), '+5.00 USD');
  assert.equal(formatMoney('-3.333333', 'USD'), '−3.333333 USD');
  assert.equal(formatMoney('1e3', 'USD'), '1e3', 'not a decimal: shown as it came');
});
