/** The rule of balance.low: once per downward crossing, re-armed only strictly above. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossThreshold, effectiveThreshold } from '../../src/domain/balance-alerts.js';
import { eventMoney } from '../../src/domain/events.js';

const T = 5_000_000n;

describe('crossThreshold', () => {
  it('fires when a change takes the balance from at or above the threshold to strictly below, and disarms', () => {
    assert.deepEqual(crossThreshold({ before: 6_000_000n, after: 4_000_000n, threshold: T, armed: true }), { fires: true, armed: false });
    assert.deepEqual(crossThreshold({ before: T, after: T - 1n, threshold: T, armed: true }), { fires: true, armed: false });
  });

  it('does not fire for a change that ends at the threshold itself, nor for one that starts below it', () => {
    assert.deepEqual(crossThreshold({ before: 6_000_000n, after: T, threshold: T, armed: true }), { fires: false, armed: true });
    assert.deepEqual(crossThreshold({ before: 4_000_000n, after: 3_000_000n, threshold: T, armed: true }), { fires: false, armed: true });
  });

  it('stays disarmed at the threshold and re-arms only strictly above it', () => {
    assert.deepEqual(crossThreshold({ before: 4_000_000n, after: T, threshold: T, armed: false }), { fires: false, armed: false });
    assert.deepEqual(crossThreshold({ before: T, after: 4_000_000n, threshold: T, armed: false }), { fires: false, armed: false });
    assert.deepEqual(crossThreshold({ before: 4_000_000n, after: T + 1n, threshold: T, armed: false }), { fires: false, armed: true });
  });

  it('changes nothing without a threshold', () => {
    assert.deepEqual(crossThreshold({ before: 6n, after: -6n, threshold: undefined, armed: false }), { fires: false, armed: false });
    assert.deepEqual(crossThreshold({ before: 6n, after: -6n, threshold: undefined, armed: true }), { fires: false, armed: true });
  });

  it("takes the user's own threshold over the global one, zero included", () => {
    assert.equal(effectiveThreshold(0n, T), 0n);
    assert.equal(effectiveThreshold(null, T), T);
    assert.equal(effectiveThreshold(undefined, undefined), undefined);
  });
});

describe('eventMoney', () => {
  it('writes six fractional digits, as PostgreSQL writes NUMERIC(19,6)', () => {
    assert.equal(eventMoney(12_500_000n), '12.500000');
    assert.equal(eventMoney(-1n), '-0.000001');
    assert.equal(eventMoney(0n), '0.000000');
  });
});
