/** The console's reading of a user's ledger: the day range of its date filter and the chart's points. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balancePoints, dayRange } from '../../src/console/lib/balance-history.js';

describe('console: balance history', () => {
  it('turns inclusive days into the API bounds: from the first midnight to the midnight after the last day', () => {
    assert.deepEqual(dayRange('2026-03-01', '2026-03-31', 'UTC'), { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
    assert.deepEqual(dayRange('2026-03-01', '2026-03-01', 'UTC'), { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' });
    assert.deepEqual(dayRange('', '2026-12-31', 'UTC'), { to: '2027-01-01T00:00:00.000Z' });
    assert.deepEqual(dayRange('2026-02-28', '', 'UTC'), { from: '2026-02-28T00:00:00.000Z' });
    assert.deepEqual(dayRange('', '', 'UTC'), {});
  });

  it('leaves out a day that is not one, and says when the range is backwards', () => {
    assert.deepEqual(dayRange('yesterday', '', 'UTC'), {});
    const backwards = dayRange('2026-03-02', '2026-03-01', 'UTC');
    assert.equal(backwards.problem, 'The last day (2026-03-01) is before the first (2026-03-02).');
  });

  it('draws the balances oldest first from entries listed newest first, keeping each value exact', () => {
    const entries = [
      { created_at: '2026-03-03T10:00:00.000Z', balance_after: '31.5' },
      { created_at: '2026-03-02T10:00:00.000Z', balance_after: '-3.333333' },
      { created_at: 'not a time', balance_after: '1' },
      { created_at: '2026-03-01T10:00:00.000Z', balance_after: '26.5' },
    ];
    assert.deepEqual(balancePoints(entries), [
      { time: Date.parse('2026-03-01T10:00:00.000Z'), value: '26.5' },
      { time: Date.parse('2026-03-02T10:00:00.000Z'), value: '-3.333333' },
      { time: Date.parse('2026-03-03T10:00:00.000Z'), value: '31.5' },
    ]);
    assert.deepEqual(balancePoints([]), []);
  });
});
