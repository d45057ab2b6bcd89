/** Spec section 10: user_simple_balance_get (old name simple_balance), plain text authorised by the uniquehash. */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { errorXml, TEXT_TYPE } from '../support/spec-oracle.js';
import type { SeedPlan } from '../support/seed.js';
import { post, send, settle, signed, startHarness, type Answer, type Harness } from './helpers.js';

const PATHS = ['/billing/api/user_simple_balance_get', '/billing/api/simple_balance'] as const;

/** Asserts a plain-text answer: HTTP 200, text/plain, the exact body (no trailing newline). */
function assertText(answer: Answer, body: string): void {
  assert.equal(answer.body, body);
  assert.equal(answer.status, 200);
  assert.equal(answer.type, TEXT_TYPE);
}

/** GET stays refused and the key is set: neither matters to this method. */
const CAROL: SeedPlan = {
  currencies: [{ code: 'EUR', rate: '0.5' }],
  users: [{ name: 'carol', balance: '123.456', currency: 'EUR' }],
};

interface Carol {
  readonly h: Harness;
  byPath(path: string, query?: string): Promise<Answer>;
  byId(path: string, query?: string): Promise<Answer>;
}

/** A server on a database holding carol (and `settings`), and requests with her token. */
async function carolServer(settings: Record<string, string> = {}): Promise<Carol> {
  const h = await startHarness({ ...CAROL, settings });
  const token = (await h.operator.user('carol')).uniquehash;
  assert.match(token, /^\S+$/);
  return {
    h,
    byPath: (path, query = '') => send(`${h.url}${path}/${token}${query}`),
    byId: (path, query = '') => send(`${h.url}${path}?id=${token}${query}`),
  };
}

/** A server of one test's own, closed when the test ends. */
async function carolFor(t: TestContext, settings: Record<string, string> = {}): Promise<Carol> {
  const carol = await carolServer(settings);
  t.after(() => carol.h.close());
  return carol;
}

/** Polls until the answer is `body` (after a settings change), then asserts it. */
async function settleText(request: () => Promise<Answer>, body: string): Promise<void> {
  const deadline = Date.now() + 2000;
  let last = await request();
  while (last.body !== body && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    last = await request();
  }
  assertText(last, body);
}

describe('user_simple_balance_get (section 10)', () => {
  describe('with the default settings', () => {
    let carol: Carol;
    let h: Harness;
    const byPath = (path: string, query = ''): Promise<Answer> => carol.byPath(path, query);
    const byId = (path: string, query = ''): Promise<Answer> => carol.byId(path, query);
    before(async () => {
      carol = await carolServer();
      h = carol.h;
    });
    after(() => h.close());

    it('answers the formatted balance as plain text without a trailing newline, by GET with the token in the path', async () => {
      for (const path of PATHS) assertText(await byPath(path), '123.46');
    });

    it('answers the same with the token in ?id=, by GET while allow_get_api is off and without any hash', async () => {
      for (const path of PATHS) assertText(await byId(path), '123.46');
    });

    it('answers a POST too, with the token in the path or in a form field', async () => {
      const token = (await h.operator.user('carol')).uniquehash;
      assertText(await send(`${h.url}${PATHS[0]}/${token}`, { method: 'POST' }), '123.46');
      const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `id=${token}` };
      assertText(await send(`${h.url}${PATHS[0]}`, form), '123.46');
    });

    it('converts with currency=CODE, in any letter case, and leaves USER and unknown codes in the system currency', async () => {
      assertText(await byPath(PATHS[0], '?currency=EUR'), '61.73');
      assertText(await byId(PATHS[1], '&currency=eur'), '61.73');
      assertText(await byPath(PATHS[0], '?currency=USER'), '123.46');
      assertText(await byPath(PATHS[0], '?currency=XYZ'), '123.46');
    });

    it('answers User was not found for an unknown, missing or empty token', async () => {
      for (const path of PATHS) {
        assertText(await send(`${h.url}${path}/nosuchtoken0000`), 'User was not found');
        assertText(await send(`${h.url}${path}`), 'User was not found');
        assertText(await send(`${h.url}${path}?id=`), 'User was not found');
      }
    });

    it('answers User was not found for a token with a NUL character in it', async () => {
      const token = (await h.operator.user('carol')).uniquehash;
      assertText(await send(`${h.url}${PATHS[0]}/${token}%00`), 'User was not found');
      assertText(await send(`${h.url}${PATHS[0]}?id=${token}%00`), 'User was not found');
    });

    it('does not take the username as the credential', async () => {
      assertText(await send(`${h.url}${PATHS[0]}/carol`), 'User was not found');
      assertText(await send(`${h.url}${PATHS[0]}?username=carol`), 'User was not found');
    });
  });

  it('follows number_digits', async (t) => {
    const { h, byPath } = await carolFor(t);
    await h.operator.set('number_digits', '4');
    await settleText(() => byPath(PATHS[0]), '123.4560');
    await h.operator.set('number_digits', '2');
    await settleText(() => byPath(PATHS[0]), '123.46');
  });

  it('answers Feature disabled while balance_get_enabled is off', async (t) => {
    const { h, byPath, byId } = await carolFor(t);
    await h.operator.set('balance_get_enabled', 'off');
    await settleText(() => byPath(PATHS[0]), 'Feature disabled');
    for (const path of PATHS) assertText(await byId(path), 'Feature disabled');
    await h.operator.set('balance_get_enabled', 'on');
    await settleText(() => byPath(PATHS[0]), '123.46');
  });

  it('still needs allow_api: while it is off the balance is not shown', async (t) => {
    const { h, byPath, byId } = await carolFor(t);
    await h.operator.set('allow_api', 'off');
    let last: Answer | undefined;
    const deadline = Date.now() + 2000;
    do {
      last = await byPath(PATHS[0]);
      if (last.body.includes('API Requests are disabled')) break;
      await new Promise((r) => setTimeout(r, 25));
    } while (Date.now() < deadline);
    assert.match(last.body, /API Requests are disabled/);
    for (const path of PATHS) {
      for (const answer of [await byPath(path), await byId(path)]) {
        assert.doesNotMatch(answer.body, /123/);
        assert.match(answer.body, /API Requests are disabled/);
      }
    }
    await h.operator.set('allow_api', 'on');
    await settleText(() => byPath(PATHS[0]), '123.46');
  });

  it('ignores the hash settings: an empty secret key changes nothing', async (t) => {
    const { h, byPath, byId } = await carolFor(t);
    await h.operator.set('api_secret_key', '');
    await settle(() => post(h, signed('carol')), errorXml('status', 'API must have Secret Key'));
    assertText(await byPath(PATHS[0]), '123.46');
    assertText(await byId(PATHS[1]), '123.46');
  });
});
