/**
 * Brute-force throttling: failed authentications are counted per client address in the store
 * (so every node of a deployment shares the count); an address past the limit is answered
 * 429 until its cooldown ends. Each node keeps the blocked addresses in memory, learns its own
 * blocks at once and the other nodes' blocks at the next poll, so a blocked request costs no
 * database work.
 *
 * A burst must not outrun the count: a check is counted against its address before it runs,
 * while the failures already recorded are still being written. An address may have at most
 * `auth_failure_limit` checks that can still fail, counted failures included, at any moment on
 * a node (one at a time once a block has ended, since the next failure blocks again): a check
 * beyond that waits for one of the running ones to end, or is answered 429 once enough have
 * failed.
 */
import { API_ERRORS, type ApiError } from '../domain/api-errors.js';
import type { Settings } from '../domain/settings.js';
import type { Logger } from '../logging.js';
import type { Guard } from '../store/store.js';

/** Failures are counted in fixed windows of one minute. */
export const FAILURE_WINDOW_MS = 60_000;

/** One authentication check's outcome: an error, with `authFailure` for a failed one. */
export type CheckResult = ApiError | undefined;

/** What a node knows of an address that has failed lately or is being checked now. */
interface AddressState {
  /** Failures in the window that opened at `windowStart`, as the store last counted them. */
  failures: number;
  windowStart: number;
  /** Failed checks whose count the store has not confirmed yet. */
  unrecorded: number;
  /** Checks running now (waiting for the database) that may still fail. */
  running: number;
  /** Checks waiting for a running one to end. */
  waiting: (() => void)[];
}

export class Throttle {
  private blocked = new Map<string, number>();
  private readonly states = new Map<string, AddressState>();
  /** Blocks only this node holds, because the store could not count the failures behind them. */
  private readonly localBlocks = new Set<string>();
  /** The refresh in which each block the store holds was learned (see refresh). */
  private learnedIn = new Map<string, number>();
  private refreshes = 0;

  constructor(
    private readonly store: Guard,
    private readonly logger: Logger,
  ) {}

  /** When the address's block ends (ms since the epoch), or undefined when it is not blocked. */
  blockedUntil(address: string, nowMs: number): number | undefined {
    const until = this.blocked.get(address);
    if (until === undefined) return undefined;
    if (until > nowMs) return until;
    this.blocked.delete(address);
    return undefined;
  }

  /** How many addresses are blocked now, for the metrics. */
  blockedCount(nowMs = Date.now()): number {
    let count = 0;
    for (const until of this.blocked.values()) if (until > nowMs) count++;
    return count;
  }

  /**
   * Runs one authentication check of `address`, counted before it runs: answers
   * `tooManyFailedAttempts` instead when the address is blocked or has as many failures (counted
   * or being counted) as the limit allows. A failed check is held against the address at once;
   * the caller then records it with `recordFailure` before answering.
   */
  check(address: string, settings: Settings, run: () => CheckResult | Promise<CheckResult>): CheckResult | Promise<CheckResult> {
    const limit = settings.authFailureLimit;
    if (limit === 0) return run();
    const state = this.states.get(address);
    // An address with failures or checks in flight: it may have to wait its turn.
    if (state !== undefined) return this.checkInTurn(address, state, limit, run);
    // The common case, a client with no recent failure: nothing to wait for, and a check that
    // answers at once is answered without a promise.
    if (this.blocked.size > 0 && this.blockedUntil(address, Date.now()) !== undefined) return API_ERRORS.tooManyFailedAttempts;
    const result = run();
    if (result instanceof Promise) return this.settle(address, this.stateOf(address), result);
    if (result?.authFailure) this.stateOf(address).unrecorded++;
    return result;
  }

  private async checkInTurn(address: string, state: AddressState, limit: number, run: () => CheckResult | Promise<CheckResult>): Promise<CheckResult> {
    for (;;) {
      if (this.blockedUntil(address, Date.now()) !== undefined) return API_ERRORS.tooManyFailedAttempts;
      const counted = this.failuresNow(state) + state.unrecorded;
      // Past a block that has ended, within its window, the next failure blocks again: one check at a time.
      const room = counted < limit ? limit - counted : state.unrecorded === 0 ? 1 : 0;
      if (state.running < room) break;
      if (state.running === 0) return API_ERRORS.tooManyFailedAttempts; // enough failures for a block
      // Every slot is held by a check still running: whichever way it ends decides this one.
      await new Promise<void>((resolve) => state.waiting.push(resolve));
      state = this.stateOf(address); // the same one, unless it was forgotten meanwhile
    }
    const result = run();
    if (result instanceof Promise) return this.settle(address, state, result);
    if (result?.authFailure) state.unrecorded++;
    return result;
  }

  private async settle(address: string, state: AddressState, pending: Promise<CheckResult>): Promise<CheckResult> {
    state.running++;
    try {
      const result = await pending;
      if (result?.authFailure) state.unrecorded++;
      return result;
    } finally {
      state.running--;
      this.wake(address, state);
    }
  }

  /**
   * Counts a failed authentication in the store; the server waits for it before answering, so
   * every node learns of the failure before the client can send its next guess.
   */
  async recordFailure(address: string, settings: Settings, nowMs: number, countedByCheck: boolean): Promise<void> {
    if (settings.authFailureLimit === 0) return;
    const state = this.stateOf(address);
    let counted = false;
    try {
      const count = await this.store.recordAuthFailure(
        address,
        { limit: settings.authFailureLimit, windowMs: FAILURE_WINDOW_MS, cooldownMs: settings.authFailureCooldownSeconds * 1000 },
        nowMs,
      );
      if (count.windowStartMs > state.windowStart) {
        state.windowStart = count.windowStartMs;
        state.failures = count.failures;
      } else if (count.windowStartMs === state.windowStart) {
        state.failures = Math.max(state.failures, count.failures);
      }
      counted = true;
      const until = count.blockedUntilMs;
      if (until !== undefined && (this.blocked.get(address) ?? 0) < until) {
        this.blocked.set(address, until);
        this.learnedIn.set(address, this.refreshes);
        this.localBlocks.delete(address);
        this.logger.warn({ client: address, until: new Date(until).toISOString() }, 'client throttled after repeated failed authentication');
      }
    } finally {
      if (!counted) this.countHere(address, state, settings, nowMs);
      // Only a failure `check` held against the address is waiting to be recorded (a reused
      // hash is found by the store, after the check).
      if (countedByCheck && state.unrecorded > 0) state.unrecorded--;
      this.wake(address, state);
    }
  }

  /**
   * A failure the store could not count (it refuses writes while they cannot last) still counts
   * on this node, and blocks here at the limit: an attacker must not get free guesses by filling
   * the disk.
   */
  private countHere(address: string, state: AddressState, settings: Settings, nowMs: number): void {
    if (nowMs - state.windowStart >= FAILURE_WINDOW_MS) Object.assign(state, { windowStart: nowMs, failures: 0 });
    state.failures++;
    if (state.failures < settings.authFailureLimit) return;
    const until = nowMs + settings.authFailureCooldownSeconds * 1000;
    if ((this.blocked.get(address) ?? 0) >= until) return;
    this.blocked.set(address, until);
    this.localBlocks.add(address);
    this.logger.warn({ client: address, until: new Date(until).toISOString() }, 'client throttled on this node (the store could not count its failures)');
  }

  /**
   * Takes in the blocks every node has recorded, and forgets addresses with nothing left to count.
   * A block the store held and holds no more was lifted (`tally throttle unblock`): it is dropped
   * here too, with the failures counted before it, unless it was learned while this read ran
   * (the read may predate it) or only this node could count it.
   */
  async refresh(nowMs = Date.now()): Promise<void> {
    const refresh = ++this.refreshes;
    const shared = await this.store.blockedClients(nowMs);
    const merged = new Map(shared);
    const learnedIn = new Map<string, number>([...shared.keys()].map((address) => [address, refresh]));
    for (const [address, until] of this.blocked) {
      if (until <= nowMs || (merged.get(address) ?? 0) >= until) continue;
      const learned = this.learnedIn.get(address);
      const lifted = !shared.has(address) && !this.localBlocks.has(address) && learned !== undefined && learned < refresh;
      if (lifted) {
        const state = this.states.get(address);
        if (state !== undefined) state.failures = 0;
        continue;
      }
      merged.set(address, until);
      if (learned !== undefined && !shared.has(address)) learnedIn.set(address, learned);
    }
    this.blocked = merged;
    this.learnedIn = learnedIn;
    for (const address of this.localBlocks) if (!merged.has(address)) this.localBlocks.delete(address);
    for (const [address, state] of this.states) this.forgetIfIdle(address, state, nowMs);
  }

  private stateOf(address: string): AddressState {
    let state = this.states.get(address);
    if (state === undefined) {
      state = { failures: 0, windowStart: 0, unrecorded: 0, running: 0, waiting: [] };
      this.states.set(address, state);
    }
    return state;
  }

  private failuresNow(state: AddressState): number {
    return Date.now() - state.windowStart < FAILURE_WINDOW_MS ? state.failures : 0;
  }

  /** Lets the waiting checks look again (each decides for itself), and drops an idle address. */
  private wake(address: string, state: AddressState): void {
    const waiting = state.waiting;
    if (waiting.length === 0) {
      this.forgetIfIdle(address, state, Date.now());
      return;
    }
    // Kept while the woken checks run: they count on this very state.
    state.waiting = [];
    for (const resume of waiting) resume();
  }

  private forgetIfIdle(address: string, state: AddressState, nowMs: number): void {
    const idle = state.running === 0 && state.unrecorded === 0 && state.waiting.length === 0;
    if (idle && nowMs - state.windowStart >= FAILURE_WINDOW_MS && this.states.get(address) === state) this.states.delete(address);
  }
}
