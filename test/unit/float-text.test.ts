/** A DOUBLE's text as money and rates: exact, rounded half away from zero, exponent forms included. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floatBalance, floatRate, parseFloatText } from '../../src/domain/float-text.js';
import { formatExact, formatRate } from '../../src/domain/money.js';

function balance(text: string): [string, string] {
  const result = floatBalance(text);
  assert.ok(result.ok, `refused ${text}`);
  return [formatExact({ units: result.micros, scale: 6 }), formatExact(result.difference)];
}

describe('float text', () => {
  it('reads plain and exponent forms exactly', () => {
    assert.deepEqual(parseFloatText('10.0840336134454'), { units: 100840336134454n, scale: 13 });
    assert.deepEqual(parseFloatText('1e-20'), { units: 1n, scale: 20 });
    assert.deepEqual(parseFloatText('1.2345678901234568e17'), { units: 123456789012345680n, scale: 0 });
    assert.deepEqual(parseFloatText('-2.5E-7'), { units: -25n, scale: 8 });
    for (const bad of ['', '.', 'abc', '1e', '1e-9999', 'inf', 'NaN', '1,5']) assert.equal(parseFloatText(bad), undefined, bad);
  });

  it('rounds balances half away from zero to 6 digits and says by how much', () => {
    assert.deepEqual(balance('10.0840336134454'), ['10.084034', '0.0000003865546']);
    assert.deepEqual(balance('0.0000005'), ['0.000001', '0.0000005']);
    assert.deepEqual(balance('-0.0000005'), ['-0.000001', '0.0000005']);
    assert.deepEqual(balance('0.00000049'), ['0.0', '0.00000049']);
    assert.deepEqual(balance('1e-20'), ['0.0', '0.00000000000000000001']);
    assert.deepEqual(balance('12.5'), ['12.5', '0.0']);
    assert.deepEqual(balance('1.5e5'), ['150000.0', '0.0']);
    assert.deepEqual(floatBalance('1e300'), { ok: false, problem: 'out-of-range' });
  });

  it('keeps a rate Tally can hold and rounds a longer one to 12 significant fractional digits', () => {
    const rate = (text: string) => {
      const result = floatRate(text);
      assert.ok(result.ok, `refused ${text}`);
      return [formatRate(result.rate), result.rounded];
    };
    assert.deepEqual(rate('0.7351'), ['0.7351', false]);
    assert.deepEqual(rate('0.9174311926605504'), ['0.917431192661', true]);
    assert.deepEqual(rate('0.0000012345678912345'), ['0.00000123456789123', true]);
    assert.deepEqual(rate('1'), ['1', false]);
    assert.deepEqual(floatRate('0'), { ok: false, problem: 'not-positive' });
    assert.deepEqual(floatRate('-1'), { ok: false, problem: 'not-positive' });
  });
});
