/** The console's own check of a balance adjustment before its confirmation step, and the exact balance it previews. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAmount, previewAdjustment } from '../../src/console/lib/adjustment.js';

describe('console: adjustment amounts', () => {
  it('takes a signed decimal with up to 6 fractional digits and sends its shortest form', () => {
    assert.deepEqual(checkAmount('5'), { ok: true, amount: '5' });
    assert.deepEqual(checkAmount(' +5.50 '), { ok: true, amount: '5.5' });
    assert.deepEqual(checkAmount('-3.333333'), { ok: true, amount: '-3.333333' });
    assert.deepEqual(checkAmount('0.000001'), { ok: true, amount: '0.000001' });
    assert.deepEqual(checkAmount('123456789012345.000000'), { ok: true, amount: '123456789012345' });
  });

  it('refuses an empty, zero, too precise or non-decimal amount, saying why', () => {
    for (const text of ['', '   ']) assert.match(reason(text), /Write the amount/);
    for (const text of ['0', '-0.000', '+0']) assert.equal(reason(text), 'The amount cannot be zero.');
    assert.deepEqual(checkAmount('-0.000', { zeroAllowed: true }), { ok: true, amount: '0' }, 'an opening balance may be zero');
    for (const text of ['1.0000001', '1e3', '1,5', '5.', '.5', 'abc', '--5', '0x10', 'Infinity', '1 000']) assert.match(reason(text), /at most 6 digits/, text);
  });

  it('previews the balance after exactly, without a binary float', () => {
    assert.deepEqual(previewAdjustment('26.5', '5'), { current: '26.5', amount: '5', after: '31.5' });
    assert.deepEqual(previewAdjustment('0.1', '0.2'), { current: '0.1', amount: '0.2', after: '0.3' });
    assert.deepEqual(previewAdjustment('-3.333333', '-0.000001'), { current: '-3.333333', amount: '-0.000001', after: '-3.333334' });
    assert.equal(previewAdjustment('9007199254740993.000001', '1')?.after, '9007199254740994.000001');
    assert.equal(previewAdjustment('not money', '1'), undefined);
  });
});

function reason(text: string): string {
  const check = checkAmount(text);
  assert.equal(check.ok, false, text);
  return check.ok ? '' : check.reason;
}
