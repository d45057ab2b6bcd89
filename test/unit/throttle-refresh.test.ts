/**
 * What a node's refresh does with the blocks it holds: an address unblocked in the database
 * (`tally throttle unblock`) is answered again after the next refresh, while a block learned
 * during the refresh's read, or one only this node could count, stays. The store is a stand-in:
 * only its answers matter here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { API_ERRORS } from '../../src/domain/api-errors.js';
import { readSettings } from '../../src/domain/settings.js';
import { Throttle } from '../../src/http/throttle.js';
import type { AuthFailureCount, Store } from '../../src/store/store.js';

const settings = readSettings(new Map([['auth_failure_limit', '2'], ['auth_failure_cooldown', '60']]));
const ADDRESS = '192.0.2.7';

/** A store whose throttle answers the test sets: the blocks it lists, what a recorded failure returns. */
function fakeStore() {
  const fake = {
    blocks: new Map<string, number>(),
    /** When set, blockedClients waits for it before answering. */
    gate: undefined as Promise<void> | undefined,
    failing: false,
    async blockedClients(): Promise<ReadonlyMap<string, number>> {
      const answer = new Map(fake.blocks);
      await fake.gate;
      return answer;
    },
    async recordAuthFailure(address: string, _rule: unknown, nowMs: number): Promise<AuthFailureCount> {
      if (fake.failing) throw new Error('database not writable');
      const until = nowMs + 60_000;
      fake.blocks.set(address, until);
      return { failures: 2, windowStartMs: nowMs, blockedUntilMs: until };
    },
  };
  return fake;
}

function throttleOn(fake: ReturnType<typeof fakeStore>): Throttle {
  return new Throttle(fake as unknown as Store, pino({ level: 'silent' }));
}

/** What a check of the address answers now: 429 while it is blocked, else the check's own answer. */
async function answer(throttle: Throttle): Promise<string> {
  const result = await throttle.check(ADDRESS, settings, () => undefined);
  return result === API_ERRORS.tooManyFailedAttempts ? 'blocked' : 'answered';
}

describe('the throttle refresh', () => {
  it('answers an address again once the database no longer blocks it', async () => {
    const fake = fakeStore();
    const throttle = throttleOn(fake);
    await throttle.recordFailure(ADDRESS, settings, Date.now(), false);
    assert.equal(await answer(throttle), 'blocked');
    await throttle.refresh();
    assert.equal(await answer(throttle), 'blocked', 'still blocked while the database says so');
    fake.blocks.clear(); // tally throttle unblock
    await throttle.refresh();
    assert.equal(await answer(throttle), 'answered');
    assert.equal(throttle.blockedCount(), 0);
  });

  it('keeps a block learned while the refresh was reading, until the next refresh finds it gone', async () => {
    const fake = fakeStore();
    const throttle = throttleOn(fake);
    let open!: () => void;
    fake.gate = new Promise((resolve) => (open = resolve));
    const refreshing = throttle.refresh(); // reads the database before the block below is recorded
    await throttle.recordFailure(ADDRESS, settings, Date.now(), false);
    open();
    await refreshing;
    assert.equal(await answer(throttle), 'blocked', 'the read predates the block');
    fake.gate = undefined;
    fake.blocks.clear();
    await throttle.refresh();
    assert.equal(await answer(throttle), 'answered');
  });

  it('keeps a block that only this node counted, because the database could not', async () => {
    const fake = fakeStore();
    fake.failing = true;
    const throttle = throttleOn(fake);
    for (let i = 0; i < 2; i++) await throttle.recordFailure(ADDRESS, settings, Date.now(), false).catch(() => undefined);
    assert.equal(await answer(throttle), 'blocked');
    await throttle.refresh();
    assert.equal(await answer(throttle), 'blocked');
  });
});
