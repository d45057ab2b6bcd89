/** The console's pure parts: its page table, exact decimals, formatting for people, and chart geometry. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stepChart } from '../../src/console/lib/chart.js';
import { addDecimals, compareDecimals, fromMicros, toMicros } from '../../src/console/lib/decimal.js';
import { currencyDigits, dayBound, formatCount, formatMoney, formatTime } from '../../src/console/lib/format.js';
import { consolePath, matchConsolePath } from '../../src/console/lib/routes.js';

test('the page table names each address, and nothing else', () => {
  assert.deepEqual(matchConsolePath('/'), { page: 'home', params: {} });
  assert.deepEqual(matchConsolePath('/users/42'), { page: 'user', params: { id: '42' } });
  assert.deepEqual(matchConsolePath('/currencies/EUR'), { page: 'currency', params: { code: 'EUR' } });
  for (const path of ['/users/', '/users/4x', '/users/1/ledger', '/admin/v1/users', '/billing/api/user_balance_get', '//users', '/Users']) assert.equal(matchConsolePath(path), undefined, path);
  assert.equal(consolePath('/ledger', { from: '2026-12-01', to: '', source: undefined, user_id: '7' }), '/ledger?from=2026-12-01&user_id=7');
  assert.equal(consolePath('/users'), '/users');
});

test('decimals are exact: parsed to millionths and written back shortest', () => {
  assert.equal(toMicros('26.5'), 26_500_000n);
  assert.equal(toMicros('-3.333333'), -3_333_333n);
  assert.equal(toMicros('+1'), 1_000_000n);
  for (const bad of ['', '1.2345678', '1e3', '0x10', '1.', '.5', 'NaN', '1,5']) assert.equal(toMicros(bad), undefined, bad);
  assert.equal(fromMicros(-3_333_333n), '-3.333333');
  assert.equal(fromMicros(0n), '0');
  assert.equal(addDecimals('0.1', '0.2'), '0.3');
  assert.equal(addDecimals('999999999999.999999', '0.000001'), '1000000000000');
  assert.equal(addDecimals('1', 'x'), undefined);
  assert.equal(compareDecimals('-0.5', '0'), -1);
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (micros) => toMicros(fromMicros(micros)) === micros),
  );
});

test('money is written for people and never rounded away', () => {
  assert.equal(formatMoney('1234.5', 'USD'), '1,234.50 USD');
  assert.equal(formatMoney('-3.333333', 'USD'), '−3.333333 USD');
  assert.equal(formatMoney('5', 'JPY'), '5 JPY');
  assert.equal(formatMoney('5', 'BHD'), '5.000 BHD');
  assert.equal(formatMoney('5', 'USD', { signed: true }), '+5.00 USD');
  assert.equal(formatMoney('1000000'), '1,000,000.00');
  assert.equal(formatMoney('not money', 'USD'), 'not money');
  assert.equal(currencyDigits('XYZ1'), 2);
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatTime('2026-12-01T18:20:44.123Z', 'UTC'), '2026-12-01 18:20:44');
  assert.equal(dayBound('2026-12-01', false, 'UTC'), '2026-12-01T00:00:00.000Z');
  assert.equal(dayBound('2026-12-31', true, 'UTC'), '2027-01-01T00:00:00.000Z');
  assert.equal(dayBound('1 Dec'), undefined);
});

test('a step chart spans its values exactly, highest at the top', () => {
  const chart = stepChart(
    [
      { time: 0, value: '10' },
      { time: 50, value: '-5.5' },
      { time: 100, value: '30.000001' },
    ],
    100,
    50,
  )!;
  assert.equal(chart.min, '-5.5');
  assert.equal(chart.max, '30.000001');
  assert.equal(chart.path, 'M0,28.2H50V50H100V0H100');
  assert.equal(stepChart([], 100, 50), undefined);
  // One value: a flat line in the middle, drawn to `until`.
  assert.equal(stepChart([{ time: 5, value: '1' }], 100, 50, 10)!.path, 'M0,25H100');
});

test('a rate chart keeps all twelve fractional digits: changes past the millionth are drawn apart', () => {
  const chart = stepChart(
    [
      { time: 0, value: '0.735100000001' },
      { time: 50, value: '0.735100000003' },
      { time: 100, value: '0.7351000000015' },
    ],
    100,
    40,
  )!;
  assert.equal(chart.min, '0.735100000001');
  assert.equal(chart.max, '0.735100000003');
  assert.deepEqual(chart.marks.map((mark) => mark.y), [40, 0, 30]);
});
