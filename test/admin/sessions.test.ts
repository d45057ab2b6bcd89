/** The admin layer's console sessions: opened with a password, ended by age, idleness, a new password or removal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as operators from '../../src/admin/operators.js';
import { checkSession, endSession, openSession, purgeEndedSessions, SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from '../../src/admin/sessions.js';
import { csrfTokenMatches, csrfTokenOf, tokenDigest } from '../../src/domain/credentials.js';
import { BACKENDS, backendOptions, freshDb } from '../store/backends.js';
import { ACTOR } from './admin-helpers.js';

const PASSWORD = 'correct horse battery';
const MINUTE = 60_000;

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    async function withOperator(t: Parameters<typeof freshDb>[0]) {
      const db = await freshDb(t, backend);
      await operators.addOperator(db.store, { username: 'Alice', role: 'admin', password: PASSWORD }, ACTOR);
      // After the operator's password was set, whatever the clock's resolution.
      const now = Date.now() + 1000;
      return { ...db, now };
    }

    it('opens a session for the right name and password only, keeping just the digest of its token', async (t) => {
      const { store, now, sql } = await withOperator(t);
      assert.equal(await openSession(store, 'alice', 'wrong password!!', now), undefined);
      assert.equal(await openSession(store, 'nobody', PASSWORD, now), undefined);
      const opened = (await openSession(store, 'ALICE', PASSWORD, now))!;
      assert.deepEqual([opened.operator.username, opened.operator.role], ['Alice', 'admin']);
      assert.match(opened.sessionToken, /^tallys_[A-Za-z0-9_-]{43}$/);
      assert.equal(opened.csrfToken, csrfTokenOf(opened.sessionToken));
      assert.notEqual(opened.csrfToken, opened.sessionToken);
      assert.equal(csrfTokenMatches(opened.sessionToken, opened.csrfToken), true);
      assert.equal(csrfTokenMatches(opened.sessionToken, opened.csrfToken.slice(1)), false);
      assert.equal(csrfTokenMatches(opened.sessionToken, csrfTokenOf('tallys_' + 'A'.repeat(43))), false, "another session's token");
      const stored = (await sql('SELECT digest FROM operator_sessions')) as { digest: string }[];
      assert.deepEqual(stored.map((row) => row.digest), [tokenDigest(opened.sessionToken)]);
      const checked = await checkSession(store, opened.sessionToken, now + 1);
      assert.deepEqual([checked?.operator.username, checked?.csrfToken], ['Alice', opened.csrfToken]);
      assert.equal(await checkSession(store, 'tallys_' + 'A'.repeat(43), now), undefined);
      assert.equal(await checkSession(store, 'garbage', now), undefined);
      assert.notEqual((await openSession(store, 'alice', PASSWORD, now))!.sessionToken, opened.sessionToken);
    });

    it('ends a session 12 hours after it opened, however busy it was', async (t) => {
      const { store, now } = await withOperator(t);
      const { sessionToken } = (await openSession(store, 'alice', PASSWORD, now))!;
      let at = now;
      while (at + 20 * MINUTE < now + SESSION_MAX_AGE_MS) {
        at += 20 * MINUTE;
        assert.ok(await checkSession(store, sessionToken, at), `alive at ${(at - now) / MINUTE} minutes`);
      }
      assert.ok(await checkSession(store, sessionToken, now + SESSION_MAX_AGE_MS - 1));
      assert.equal(await checkSession(store, sessionToken, now + SESSION_MAX_AGE_MS), undefined);
      assert.equal(await store.findSession(tokenDigest(sessionToken)), undefined, 'an ended session is deleted');
    });

    it('ends a session after 30 minutes without a request, and writes its last request at most once a minute', async (t) => {
      const { store, now } = await withOperator(t);
      const { sessionToken } = (await openSession(store, 'alice', PASSWORD, now))!;
      const digest = tokenDigest(sessionToken);
      assert.ok(await checkSession(store, sessionToken, now + 30_000));
      assert.equal((await store.findSession(digest))?.lastSeenAt, new Date(now).toISOString(), 'not written within the minute');
      assert.ok(await checkSession(store, sessionToken, now + MINUTE));
      assert.equal((await store.findSession(digest))?.lastSeenAt, new Date(now + MINUTE).toISOString());
      assert.ok(await checkSession(store, sessionToken, now + MINUTE + SESSION_IDLE_MS - 1));
      const other = (await openSession(store, 'alice', PASSWORD, now))!;
      assert.equal(await checkSession(store, other.sessionToken, now + SESSION_IDLE_MS), undefined, 'idle for 30 minutes');
      const lastSeen = now + MINUTE + SESSION_IDLE_MS - 1;
      assert.equal((await store.findSession(digest))?.lastSeenAt, new Date(lastSeen).toISOString());
      assert.equal(await checkSession(store, sessionToken, lastSeen + SESSION_IDLE_MS), undefined);
    });

    it('ends every session of an operator whose password changes, and lets a new one open', async (t) => {
      const { store, now } = await withOperator(t);
      const first = (await openSession(store, 'alice', PASSWORD, now))!;
      const second = (await openSession(store, 'alice', PASSWORD, now))!;
      await operators.changePassword(store, 'alice', 'another long password', ACTOR);
      assert.equal(await checkSession(store, first.sessionToken, now + 1), undefined);
      assert.equal(await checkSession(store, second.sessionToken, now + 1), undefined);
      assert.equal(await openSession(store, 'alice', PASSWORD, now + 2), undefined);
      const fresh = (await openSession(store, 'alice', 'another long password', Date.now() + 2000))!;
      assert.ok(await checkSession(store, fresh.sessionToken, Date.now() + 2001));
    });

    it('refuses a session opened before the last password change, even one the change did not delete', async (t) => {
      const { store } = await withOperator(t);
      const alice = (await store.findOperator('alice'))!;
      const { sessionToken } = (await openSession(store, 'alice', PASSWORD, Date.parse(alice.passwordChangedAt) - 1))!;
      assert.equal(await checkSession(store, sessionToken, Date.parse(alice.passwordChangedAt) + 1), undefined);
    });

    it('ends every session of an operator that is removed', async (t) => {
      const { store } = await withOperator(t);
      await operators.addOperator(store, { username: 'owner', role: 'owner', password: PASSWORD }, ACTOR);
      // After the second operator's password was set: hashing it may take more than a second on a loaded machine.
      const now = Date.now() + 1000;
      const alice = (await openSession(store, 'alice', PASSWORD, now))!;
      const owner = (await openSession(store, 'owner', PASSWORD, now))!;
      await operators.removeOperator(store, 'alice', ACTOR);
      assert.equal(await checkSession(store, alice.sessionToken, now + 1), undefined);
      assert.ok(await checkSession(store, owner.sessionToken, now + 1));
    });

    it('gives an open session the role its operator has now, at its next check', async (t) => {
      const { store } = await withOperator(t);
      await operators.addOperator(store, { username: 'owner', role: 'owner', password: PASSWORD }, ACTOR);
      // After the second operator's password was set: hashing it may take more than a second on a loaded machine.
      const now = Date.now() + 1000;
      const alice = (await openSession(store, 'alice', PASSWORD, now))!;
      await operators.changeOperatorRole(store, 'alice', 'viewer', ACTOR);
      assert.equal((await checkSession(store, alice.sessionToken, now + 1))?.operator.role, 'viewer');
      await operators.changeOperatorRole(store, 'alice', 'owner', ACTOR);
      assert.equal((await checkSession(store, alice.sessionToken, now + 2))?.operator.role, 'owner');
    });

    it('ends a session on request, and purges ended ones', async (t) => {
      const { store, now } = await withOperator(t);
      const ended = (await openSession(store, 'alice', PASSWORD, now))!;
      const old = (await openSession(store, 'alice', PASSWORD, now))!;
      await endSession(store, ended.sessionToken);
      await endSession(store, 'not a token');
      assert.equal(await checkSession(store, ended.sessionToken, now + 1), undefined);
      const kept = (await openSession(store, 'alice', PASSWORD, now + SESSION_IDLE_MS))!;
      await purgeEndedSessions(store, now + SESSION_IDLE_MS + 1);
      assert.equal(await store.findSession(tokenDigest(old.sessionToken)), undefined);
      assert.ok(await store.findSession(tokenDigest(kept.sessionToken)));
    });
  });
}
