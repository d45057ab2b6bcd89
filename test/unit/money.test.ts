import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatExact,
  formatMoney,
  formatRate,
  formatRounded,
  multiply,
  parseDecimal,
  parseMoney,
  parseRate,
  type Decimal,
} from '../../src/domain/money.js';

function decimal(text: string): Decimal {
  const parsed = parseDecimal(text, 30);
  assert.ok(parsed.ok, `${text} should parse`);
  return parsed.value;
}

describe('money formatting (spec section 5)', () => {
  const examples: [string, number, string][] = [
    ['1.005', 2, '1.01'],
    ['2.675', 2, '2.68'],
    ['-1.005', 2, '-1.01'],
    ['-0.001', 2, '0.00'],
    ['26', 4, '26.0000'],
    ['0.005', 2, '0.01'],
    ['-0.005', 2, '-0.01'],
    ['0.0049999', 2, '0.00'],
    ['1.5', 0, '2'],
    ['-1.5', 0, '-2'],
    ['-0.4', 0, '0'],
    ['123456789012.345678', 10, '123456789012.3456780000'],
    ['0', 2, '0.00'],
    ['-0', 2, '0.00'],
  ];
  for (const [input, digits, expected] of examples) {
    it(`rounds ${input} half away from zero to ${expected} at ${digits} places`, () => {
      assert.equal(formatRounded(decimal(input), digits), expected);
    });
  }

  it('gets right what toFixed gets wrong', () => {
    assert.equal((1.005).toFixed(2), '1.00'); // the float trap the spec warns about
    assert.equal(formatRounded(decimal('1.005'), 2), '1.01');
  });

  it('converts exactly: 26 at rate 0.7351 is 19.1126', () => {
    assert.equal(formatRounded(multiply(decimal('26'), decimal('0.7351')), 4), '19.1126');
    assert.equal(formatRounded(multiply(decimal('26'), decimal('0.7351')), 2), '19.11');
  });

  it('prints a plain decimal with at least one fractional digit', () => {
    assert.equal(formatExact(decimal('210')), '210.0');
    assert.equal(formatExact(decimal('10.50')), '10.5');
    assert.equal(formatMoney(-1n), '-0.000001');
    assert.equal(formatMoney(0n), '0.0');
  });

  it('stores rates without trailing zeros', () => {
    assert.equal(formatRate(decimal('1.000')), '1');
    assert.equal(formatRate(decimal('0.73510')), '0.7351');
  });
});

describe('money parsing', () => {
  it('reads amounts into exact millionths', () => {
    assert.deepEqual(parseMoney('12.5'), { ok: true, value: 12_500_000n });
    assert.deepEqual(parseMoney('-0.000001'), { ok: true, value: -1n });
    assert.deepEqual(parseMoney('+3'), { ok: true, value: 3_000_000n });
    assert.deepEqual(parseMoney('.5'), { ok: true, value: 500_000n });
    assert.deepEqual(parseMoney('7.'), { ok: true, value: 7_000_000n });
    assert.deepEqual(parseMoney('1.2300000'), { ok: true, value: 1_230_000n }, 'trailing zeros are not extra precision');
  });

  it('refuses more fractional digits than are stored, never rounding silently', () => {
    assert.deepEqual(parseMoney('1.0000001'), { ok: false, problem: 'too-many-fraction-digits' });
  });

  it('refuses what is not plainly a decimal', () => {
    for (const text of ['', '.', '-', '1e3', '1,000', ' 1', '1 ', '0x10', 'NaN', 'Infinity', '1.2.3', '١٢']) {
      assert.deepEqual(parseMoney(text), { ok: false, problem: 'not-a-decimal' }, JSON.stringify(text));
    }
  });

  it('refuses amounts outside what every store can hold', () => {
    assert.deepEqual(parseMoney('1000000000000'), { ok: false, problem: 'out-of-range' });
    assert.equal(parseMoney('999999999999.999999').ok, true);
  });

  it('accepts only positive rates with at most 12 significant fractional digits', () => {
    assert.equal(parseRate('0.7351').ok, true);
    assert.equal(parseRate('0.000000000001').ok, true);
    assert.deepEqual(parseRate('0.0000012345678'), { ok: true, value: { units: 12345678n, scale: 13 } });
    assert.equal(parseRate('0.000000000000000000000000000001').ok, true);
    assert.equal(parseRate('1.123456789012').ok, true);
    assert.deepEqual(parseRate('1.1234567890123'), { ok: false, problem: 'too-many-fraction-digits' });
    assert.deepEqual(parseRate('0.1234567890123'), { ok: false, problem: 'too-many-fraction-digits' });
    assert.deepEqual(parseRate('0.0000000000000000000000000000001'), { ok: false, problem: 'too-many-fraction-digits' });
    assert.deepEqual(parseRate('0'), { ok: false, problem: 'not-positive' });
    assert.deepEqual(parseRate('-1'), { ok: false, problem: 'not-positive' });
  });

  it('converts exactly with a tiny rate', () => {
    const rate = parseRate('0.0000012345678');
    assert.ok(rate.ok);
    assert.equal(formatRounded(multiply(decimal('1000000'), rate.value), 10), '1.2345678000');
  });
});
