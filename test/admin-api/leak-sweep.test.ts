/**
 * The leak sweep (spec admin-api.md sections 2 and 3: passwords and tokens are never logged or
 * returned again; a problem's `detail` never holds a secret; `uniquehash` only for admin and
 * owner). One realistic run through the API, with every log line kept: an owner signs in with a
 * password and adds an operator, a script's token is made as `tally operator token` does, the
 * keys are rotated, changed and read, money moves under Idempotency-Keys, a uniquehash is
 * rotated, a viewer reads, and a few requests fail with credentials in them. Then no log line,
 * no audit entry (through the API and in the store), no viewer's answer and no problem document
 * holds what it must not.
 */
import assert from 'node:assert/strict';
import { before, describe, test, after } from 'node:test';
import { adminHarness, adminRequest, memoryLogger, signIn, type AdminHarness } from './helpers.js';

const SEED_API_KEY = 'SweepApiKey-4Wq9Zr7Lp';
const SEED_SIGNING_KEY = 'SweepSigningKey-m3Kp8Wx2';
const PATCHED_SIGNING_KEY = 'SweepPatchedSigningKey-Qv5Ty1';
const CAROL_PASSWORD = 'carol-Sweep-Password-8842';
const BOT_PASSWORD = 'deploy-bot-Sweep-Password-1137';
const WRONG_PASSWORD = 'not-the-Sweep-Password-5521';
const SHORT_PASSWORD = 'Sh0rt-Pw9';
const LONG_PASSWORD = 'L0ng-Sweep-Pw-'.repeat(80); // over the sign-in's 1024 characters
const BAD_API_KEY = 'SweepBad\u0001ApiKey-Zq93';
const WRONG_TOKEN = 'tally_SweepWrongToken0123456789abcdefghijklmnop';
const FORGED_SESSION = `tallys_${'SweepForged'.padEnd(43, 'x')}`;

type Answer = Awaited<ReturnType<typeof adminRequest>>;
type Session = Awaited<ReturnType<typeof signIn>>;

/** The value of a session's cookie: what the browser keeps, and nobody else may see. */
const cookieValueOf = (session: Session): string => session.cookie.slice(session.cookie.indexOf('=') + 1);

/** Which of `secrets` the text holds, by name. */
function heldIn(text: string, secrets: Readonly<Record<string, string>>): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => name);
}

/** True when the JSON value has a `uniquehash` property anywhere. */
function hasUniquehashField(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasUniquehashField);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([name, inner]) => name === 'uniquehash' || hasUniquehashField(inner));
}

describe('a realistic run through the admin API leaks no credential', () => {
  let h: AdminHarness;
  const log = memoryLogger();
  const closers: (() => Promise<void>)[] = [];
  /** Every answer of the run, named by what was asked. */
  const answers: { what: string; answer: Answer }[] = [];
  /** The viewer's answers alone. */
  const viewerAnswers: { what: string; answer: Answer }[] = [];
  /** The problem documents of the failed requests, with the credentials each sent. */
  const problems: { what: string; answer: Answer; sent: string[] }[] = [];
  const passwords: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const keys: Record<string, string> = {};
  const uniquehashes: Record<string, string> = {};

  /** A request, kept; `expected` is its status. */
  async function call(what: string, expected: number, method: string, path: string, options: Parameters<typeof adminRequest>[3] = {}): Promise<Answer> {
    const answer = await adminRequest(h, method, path, options);
    assert.equal(answer.status, expected, `${what}: ${answer.text}`);
    answers.push({ what, answer });
    return answer;
  }

  const withSession = (session: Session, method: string): Record<string, string> => ({
    Cookie: session.cookie,
    ...(method !== 'GET' && { 'X-CSRF-Token': session.csrf }),
  });

  before(async () => {
    h = await adminHarness(
      { after: (fn: () => Promise<void>) => closers.push(fn) },
      { settings: { api_secret_key: SEED_API_KEY, signature_key: SEED_SIGNING_KEY }, users: [{ name: 'alice', balance: '5' }], logger: log.logger },
    );
    Object.assign(passwords, { owner1: 'owner1-password-long', admin1: 'admin1-password-long', viewer1: 'viewer1-password-long', carol: CAROL_PASSWORD, bot: BOT_PASSWORD });
    Object.assign(tokens, { owner: h.tokens.owner, admin: h.tokens.admin, viewer: h.tokens.viewer });
    Object.assign(keys, { seedApiKey: SEED_API_KEY, seedSigningKey: SEED_SIGNING_KEY, patchedSigningKey: PATCHED_SIGNING_KEY });
    uniquehashes['alice (first)'] = (await h.operator.user('alice')).uniquehash;

    // The owner signs in to the console and adds an operator with a password, who signs in too.
    const owner = await signIn(h, 'owner1', passwords['owner1']!);
    assert.equal(owner.answer.status, 201, owner.answer.text);
    answers.push({ what: 'owner signs in', answer: owner.answer });
    await call('the console reloads', 200, 'GET', '/admin/v1/session', { headers: withSession(owner, 'GET') });
    await call('owner adds carol', 201, 'POST', '/admin/v1/operators', {
      body: JSON.stringify({ username: 'carol', role: 'admin', password: CAROL_PASSWORD }),
      headers: withSession(owner, 'POST'),
    });
    const carol = await signIn(h, 'carol', CAROL_PASSWORD);
    assert.equal(carol.answer.status, 201, carol.answer.text);
    answers.push({ what: 'carol signs in', answer: carol.answer });

    // A script's token, made as `tally operator token` makes it.
    tokens['bot'] = await h.operator.operatorToken('deploy-bot', 'admin', BOT_PASSWORD);

    // The keys: api_secret_key rotated and read, signature_key read and changed, as the owner.
    await call('owner rotates api_secret_key', 200, 'POST', '/admin/v1/settings/secrets/api_secret_key/rotate', { headers: withSession(owner, 'POST') });
    const apiKey = await call('owner reads api_secret_key', 200, 'GET', '/admin/v1/settings/secrets/api_secret_key', { headers: withSession(owner, 'GET') });
    keys['rotatedApiKey'] = (apiKey.json as { value: string }).value;
    assert.notEqual(keys['rotatedApiKey'], SEED_API_KEY);
    const signingKey = await call('owner reads signature_key by token', 200, 'GET', '/admin/v1/settings/secrets/signature_key', { token: h.tokens.owner });
    assert.equal((signingKey.json as { value: string }).value, SEED_SIGNING_KEY);
    await call('owner sets signature_key', 200, 'PATCH', '/admin/v1/settings', { body: JSON.stringify({ signature_key: PATCHED_SIGNING_KEY }), headers: withSession(owner, 'PATCH') });

    // Money moves under Idempotency-Keys: a script's new user with a balance, replayed; carol's
    // from the console; and `tally balance add --key` on alice.
    const bob = await call('the script adds bob with a balance', 201, 'POST', '/admin/v1/users', {
      token: tokens['bot'],
      body: JSON.stringify({ username: 'bob', balance: '12.5' }),
      headers: { 'Idempotency-Key': 'sweep-deposit-0001' },
    });
    const replay = await call('the script retries', 200, 'POST', '/admin/v1/users', {
      token: tokens['bot'],
      body: JSON.stringify({ username: 'bob', balance: '12.5' }),
      headers: { 'Idempotency-Key': 'sweep-deposit-0001' },
    });
    assert.equal(replay.text, bob.text);
    uniquehashes['bob'] = (bob.json as { uniquehash: string }).uniquehash;
    const dave = await call('carol adds dave with a balance', 201, 'POST', '/admin/v1/users', {
      body: JSON.stringify({ username: 'dave', balance: '3' }),
      headers: { ...withSession(carol, 'POST'), 'Idempotency-Key': 'sweep-deposit-0002' },
    });
    uniquehashes['dave'] = (dave.json as { uniquehash: string }).uniquehash;
    assert.equal(await h.operator.addBalance('alice', '7.25', { key: 'sweep-deposit-0003', comment: 'top-up' }), 'applied');
    const listed = await call('carol finds alice', 200, 'GET', '/admin/v1/users?q=alice', { headers: withSession(carol, 'GET') });
    const aliceId = (listed.json as { data: { username: string; id: number }[] }).data.find((user) => user.username === 'alice')!.id;
    await call('carol adjusts alice', 201, 'POST', `/admin/v1/users/${aliceId}/adjustments`, {
      body: JSON.stringify({ amount: '-1.5', comment: 'refund' }),
      headers: { ...withSession(carol, 'POST'), 'Idempotency-Key': 'sweep-deposit-0004' },
    });

    // alice's uniquehash rotated through the API, then seen by an admin.
    const rotated = await call('carol rotates alice\'s token', 200, 'POST', `/admin/v1/users/${aliceId}/uniquehash`, { headers: withSession(carol, 'POST') });
    uniquehashes['alice (rotated)'] = (rotated.json as { uniquehash: string }).uniquehash;
    const users = await call('carol lists users', 200, 'GET', '/admin/v1/users', { headers: withSession(carol, 'GET') });
    const shown = (users.json as { data: { username: string; uniquehash: string; id: number }[] }).data;
    assert.equal(shown.find((user) => user.username === 'alice')?.uniquehash, uniquehashes['alice (rotated)']);

    // A viewer signs in and reads, by cookie and by token; support looks a user up by the
    // uniquehash a customer read out.
    const viewer = await signIn(h, 'viewer1', passwords['viewer1']!);
    assert.equal(viewer.answer.status, 201, viewer.answer.text);
    answers.push({ what: 'viewer signs in', answer: viewer.answer });
    const reads: [string, string][] = [
      ['users', '/admin/v1/users'],
      ['users by uniquehash', `/admin/v1/users?q=${encodeURIComponent(uniquehashes['alice (rotated)'])}`],
      ['user', `/admin/v1/users/${aliceId}`],
      ["user's ledger", `/admin/v1/users/${aliceId}/ledger`],
      ['ledger', '/admin/v1/ledger'],
      ['ledger as CSV', '/admin/v1/ledger'],
      ['settings', '/admin/v1/settings'],
      ['stats', '/admin/v1/stats'],
      ['session', '/admin/v1/session'],
    ];
    for (const [what, path] of reads) {
      const accept: Record<string, string> = what.endsWith('CSV') ? { Accept: 'text/csv' } : {};
      for (const [how, options] of [
        ['cookie', { headers: { ...withSession(viewer, 'GET'), ...accept } }],
        ['token', { token: h.tokens.viewer, headers: accept }],
      ] as const) {
        const answer = await call(`viewer reads ${what} by ${how}`, 200, 'GET', path, options);
        viewerAnswers.push({ what: `${what} by ${how}`, answer });
      }
    }
    const found = viewerAnswers.find((read) => read.what === 'users by uniquehash by token')!.answer.json as { data: { username: string }[] };
    assert.deepEqual(
      found.data.map((user) => user.username),
      ['alice'],
      'the viewer finds alice by her uniquehash',
    );

    // Requests that fail with credentials in them.
    const failing: [string, number, string, string, Parameters<typeof adminRequest>[3], string[]][] = [
      ['a wrong password', 401, 'POST', '/admin/v1/session', { body: JSON.stringify({ username: 'owner1', password: WRONG_PASSWORD }) }, [WRONG_PASSWORD]],
      ["an unknown operator's password", 401, 'POST', '/admin/v1/session', { body: JSON.stringify({ username: 'nobody', password: CAROL_PASSWORD }) }, [CAROL_PASSWORD]],
      ['a password over the limit', 422, 'POST', '/admin/v1/session', { body: JSON.stringify({ username: 'owner1', password: LONG_PASSWORD }) }, [LONG_PASSWORD]],
      ['a sign-in with an unknown field', 422, 'POST', '/admin/v1/session', { body: JSON.stringify({ username: 'owner1', password: passwords['owner1'], token: tokens['owner'] }) }, [passwords['owner1']!, tokens['owner']!]],
      ['an operator with a short password', 422, 'POST', '/admin/v1/operators', { body: JSON.stringify({ username: 'erin', role: 'viewer', password: SHORT_PASSWORD }), headers: withSession(owner, 'POST') }, [SHORT_PASSWORD]],
      ['an operator that exists, with a password', 409, 'POST', '/admin/v1/operators', { body: JSON.stringify({ username: 'carol', role: 'viewer', password: BOT_PASSWORD }), headers: withSession(owner, 'POST') }, [BOT_PASSWORD]],
      ['a key with a control character', 422, 'PATCH', '/admin/v1/settings', { body: JSON.stringify({ api_secret_key: BAD_API_KEY }), headers: withSession(owner, 'PATCH') }, [BAD_API_KEY]],
      ['a wrong token', 401, 'GET', '/admin/v1/users', { token: WRONG_TOKEN }, [WRONG_TOKEN]],
      ['a forged cookie', 401, 'GET', '/admin/v1/users', { headers: { Cookie: `tally_session=${FORGED_SESSION}` } }, [FORGED_SESSION]],
      ["another session's CSRF token", 403, 'POST', '/admin/v1/users', { body: JSON.stringify({ username: 'eve' }), headers: { Cookie: owner.cookie, 'X-CSRF-Token': carol.csrf } }, [cookieValueOf(owner), carol.csrf]],
      ["a viewer's cookie on a key", 403, 'GET', '/admin/v1/settings/secrets/api_secret_key', { headers: withSession(viewer, 'GET') }, [cookieValueOf(viewer)]],
      ["a viewer's token on a key", 403, 'GET', '/admin/v1/settings/secrets/signature_key', { token: h.tokens.viewer }, [h.tokens.viewer]],
    ];
    for (const [what, status, method, path, options, sent] of failing) problems.push({ what, answer: await call(what, status, method, path, options), sent });

    // Signing out: carol's session ends, and its cookie is refused.
    await call('carol signs out', 204, 'DELETE', '/admin/v1/session', { headers: withSession(carol, 'DELETE') });
    problems.push({ what: 'an ended session', answer: await call('an ended session', 401, 'GET', '/admin/v1/users', { headers: withSession(carol, 'GET') }), sent: [cookieValueOf(carol)] });

    for (const [name, session] of [['owner', owner], ['carol', carol], ['viewer', viewer]] as const) {
      tokens[`${name} session cookie`] = cookieValueOf(session);
      tokens[`${name} CSRF token`] = session.csrf;
    }
    Object.assign(passwords, { wrong: WRONG_PASSWORD, short: SHORT_PASSWORD, long: LONG_PASSWORD });
    Object.assign(tokens, { wrong: WRONG_TOKEN, forged: FORGED_SESSION });
    keys['bad'] = BAD_API_KEY;
    // A short value could turn up by chance: each is long enough to mean what it says.
    for (const [name, value] of Object.entries({ ...passwords, ...tokens, ...keys, ...uniquehashes })) assert.ok(value.length >= 8, `${name} is ${value.length} characters`);
    assert.equal(new Set(Object.values(tokens)).size, Object.keys(tokens).length, 'the tokens are all different');
  });
  after(async () => {
    for (const close of closers) await close();
  });

  test('the run was logged: a line for each request', () => {
    const requests = log.lines.map((line) => JSON.parse(line) as { msg?: string; path?: string }).filter((line) => line.msg === 'request');
    assert.ok(requests.length >= answers.length, `${requests.length} request lines for ${answers.length} requests`);
    assert.ok(requests.some((line) => line.path === '/admin/v1/settings/secrets/{name}'), 'the key reads are logged by their template');
  });

  test('no log line holds a password, a token, a session cookie, a CSRF token, a key or a uniquehash', () => {
    const secrets = { ...passwords, ...tokens, ...keys, ...uniquehashes };
    for (const line of log.lines) assert.deepEqual(heldIn(line, secrets), [], line);
  });

  test('no audit entry holds a password, a token, a cookie, a key or a uniquehash, through the API or in the store', async () => {
    const owner = await signIn(h, 'owner1', passwords['owner1']!);
    const listed = await adminRequest(h, 'GET', '/admin/v1/audit?limit=500', { headers: { Cookie: owner.cookie } });
    assert.equal(listed.status, 200, listed.text);
    const stored = await h.operator.audit(1000);
    const actions = stored.map((entry) => entry.action);
    // The run's changes are there, so the sweep looked at them.
    for (const action of ['operator.add', 'operator.token_add', 'settings.rotate_key', 'settings.set', 'user.add', 'balance.adjust', 'user.rotate_token']) {
      assert.ok(actions.includes(action as (typeof actions)[number]), `the audit holds ${action}: ${actions.join(', ')}`);
    }
    assert.equal((listed.json as { data: unknown[] }).data.length, stored.length);
    const secrets = { ...passwords, ...tokens, ...keys, ...uniquehashes, 'the sign-in cookie': cookieValueOf(owner), 'its CSRF token': owner.csrf };
    for (const entry of (listed.json as { data: unknown[] }).data) assert.deepEqual(heldIn(JSON.stringify(entry), secrets), [], JSON.stringify(entry));
    for (const entry of stored) assert.deepEqual(heldIn(JSON.stringify(entry), secrets), [], JSON.stringify(entry));
  });

  test("a viewer's answers hold no uniquehash and no key: users, a user, ledgers, settings, stats", () => {
    const secrets = { ...uniquehashes, ...keys };
    for (const { what, answer } of viewerAnswers) {
      assert.deepEqual(heldIn(answer.text, secrets), [], `${what}: ${answer.text}`);
      if (answer.json !== undefined) assert.equal(hasUniquehashField(answer.json), false, `${what}: ${answer.text}`);
      assert.doesNotMatch(answer.text, /uniquehash/, `${what}: ${answer.text}`);
    }
  });

  test('no answer holds a password or an API token, and only a sign-in sets its cookie', () => {
    const apiTokens = Object.fromEntries(Object.entries(tokens).filter(([name]) => !name.includes('session') && !name.includes('CSRF')));
    for (const { what, answer } of answers) {
      assert.deepEqual(heldIn(answer.text, { ...passwords, ...apiTokens }), [], `${what}: ${answer.text}`);
      for (const [name, value] of answer.headers) assert.deepEqual(heldIn(value, { ...passwords, ...apiTokens }), [], `${what}: header ${name}`);
      const cookies = Object.fromEntries(Object.entries(tokens).filter(([name]) => name.endsWith('session cookie')));
      assert.deepEqual(heldIn(answer.text, cookies), [], `${what}: the body holds a session cookie`);
      if (!what.endsWith('signs in')) assert.deepEqual(heldIn(answer.headers.get('set-cookie') ?? '', cookies), [], `${what}: Set-Cookie`);
    }
  });

  test('no problem document holds the credentials its request sent, nor any other', () => {
    assert.equal(problems.length, 13);
    const secrets = { ...passwords, ...tokens, ...keys, ...uniquehashes };
    for (const { what, answer, sent } of problems) {
      assert.equal(answer.headers.get('content-type'), 'application/problem+json; charset=utf-8', what);
      for (const value of sent) assert.ok(!answer.text.includes(value), `${what}: the problem holds what was sent: ${answer.text}`);
      assert.deepEqual(heldIn(answer.text, secrets), [], `${what}: ${answer.text}`);
    }
  });
});
