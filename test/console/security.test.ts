/**
 * The console's Security page in a real browser: client addresses the throttle blocked (by real
 * failed Kolmisoft requests), listed for every role and unblocked by an admin, after which the
 * Kolmisoft API answers that address again; and, for owners only, the operators: add, change a
 * role (which the operator's open session carries at once), make a token that works as a bearer
 * token and revoke it, remove, and the last owner's refusal in the API's words.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { adminRequest } from '../admin-api/helpers.js';
import { balanceFrom, WRONG_HASH } from '../http/hardening-helpers.js';
import { assertAnswer } from '../http/helpers.js';
import { balanceXml, errorXml } from '../support/spec-oracle.js';
import { assertAccessible, consoleSuite, notices } from './browser.js';

const BLOCKED = '198.51.100.7';
const COUNTED = '198.51.100.8';
const PASSWORD = 'Console-Operator-Pass-1';

/** Fails when the page scrolls sideways (a table must scroll inside its .table-wrap). */
async function assertNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const widths = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as [number, number];
  assert.ok(widths[0] <= widths[1], `${what}: the page is ${widths[0]} px wide in a ${widths[1]} px window`);
}

async function openSecurity(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Client addresses' }).waitFor();
  await page.locator('section[aria-labelledby="clients-title"] [role="status"]').filter({ hasText: 'Loading' }).waitFor({ state: 'detached' });
}

describe('console: blocked client addresses', () => {
  // Three failures block an address; the proxy at 127.0.0.1 names the client, so the blocked
  // address is not the browser's own (the admin API shares the throttle).
  const suite = consoleSuite({ users: [{ name: 'alice', balance: '26' }], settings: { auth_failure_limit: '3', auth_failure_cooldown: '600', trusted_proxies: '127.0.0.1' } });

  test('with no failure counted, the list says so', async () => {
    const h = suite();
    const page = await h.page('viewer');
    await openSecurity(page, h.at('/security'));
    await page.getByText('No client address is blocked, and none has failed authentications counted.').waitFor();
    await assertAccessible(page, 'security page, nothing blocked');
  });

  test('a viewer sees the blocked address, until when and its failures, but no Unblock, and no Operators section', async () => {
    const h = suite();
    for (let i = 0; i < 3; i++) assertAnswer(await balanceFrom(h.url, BLOCKED, WRONG_HASH), errorXml('status', 'Incorrect hash'));
    assert.equal((await balanceFrom(h.url, BLOCKED)).status, 429, 'blocked, even with the right hash');
    assertAnswer(await balanceFrom(h.url, COUNTED, WRONG_HASH), errorXml('status', 'Incorrect hash'));

    const page = await h.page('viewer');
    await openSecurity(page, h.at('/security'));
    const blocked = page.getByRole('row').filter({ hasText: BLOCKED });
    await blocked.waitFor();
    const cells = await blocked.getByRole('cell').allInnerTexts();
    assert.equal(cells[0], BLOCKED);
    assert.match(cells[1] ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(cells[2], '3');
    assert.deepEqual(await page.getByRole('row').filter({ hasText: COUNTED }).getByRole('cell').allInnerTexts(), [COUNTED, 'not blocked', '1']);
    assert.equal(await page.getByRole('button', { name: /Unblock/ }).count(), 0, 'a viewer is not offered Unblock');
    assert.equal(await page.getByRole('heading', { name: 'Operators' }).count(), 0);
    await assertAccessible(page, 'security page as a viewer');
    // The server refuses it anyway.
    assert.equal((await adminRequest(h, 'DELETE', `/admin/v1/throttle/${BLOCKED}`, { token: h.tokens.viewer })).status, 403);
  });

  test('an admin unblocks the address: the list is read again, and the Kolmisoft API answers that address', async () => {
    const h = suite();
    const page = await h.page('admin', { width: 390, height: 844 });
    await openSecurity(page, h.at('/security'));
    assert.equal(await page.getByRole('heading', { name: 'Operators' }).count(), 0, 'an admin sees no Operators section');
    await assertNoSidewaysScroll(page, 'security page at 390 px');
    await assertAccessible(page, 'security page as an admin, at 390 px');
    await page.getByRole('button', { name: `Unblock ${BLOCKED}` }).click();
    await page.getByRole('status').filter({ hasText: `Unblocked ${BLOCKED}: its 3 failed attempts are forgotten.` }).waitFor();
    await page.getByRole('row').filter({ hasText: BLOCKED }).waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: COUNTED }).waitFor();
    await assertAccessible(page, 'security page after an unblock');
    assertAnswer(await balanceFrom(h.url, BLOCKED), balanceXml('26.00'));
    const [audit] = await h.operator.audit(1);
    assert.deepEqual([audit?.action, audit?.actor, audit?.target], ['throttle.unblock', 'admin1', `client:${BLOCKED}`]);
  });
});

describe('console: operators', () => {
  const suite = consoleSuite();

  /** The card of one operator, by its name. */
  const card = (page: Page, username: string) => page.getByRole('article', { name: new RegExp(`^${username}( \\(you\\))?$`) });

  async function openOperators(page: Page, url: string): Promise<void> {
    await openSecurity(page, url);
    await card(page, 'owner1').waitFor();
  }

  /** Confirms the open dialog with its button `name`. */
  async function confirm(page: Page, title: string, name: string): Promise<void> {
    const dialog = page.getByRole('dialog', { name: title });
    await dialog.waitFor();
    await assertAccessible(page, `the dialog "${title}"`);
    await dialog.getByRole('button', { name, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  test('an owner sees every operator with its role, creation time and tokens, at 1280 and 390 px', async () => {
    const h = suite();
    for (const width of [1280, 390]) {
      const page = await h.page('owner', { width, height: 900 });
      await openOperators(page, h.at('/security'));
      assert.deepEqual(await page.getByRole('article').locator('h3').allInnerTexts(), ['admin1', 'owner1 (you)', 'viewer1']);
      const viewer = card(page, 'viewer1');
      assert.match(await viewer.locator('dl.facts').innerText(), /Role\s+viewer\s+Created\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
      const tokenRow = viewer.getByRole('row').filter({ hasText: 'token-1' });
      assert.match(await tokenRow.innerText(), /token-1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
      await page.getByText('At least 12 characters.').waitFor();
      await assertNoSidewaysScroll(page, `operators at ${width} px`);
      await assertAccessible(page, `operators at ${width} px`);
    }
  });

  test('an owner adds an operator: a short password is refused with the API\'s words, a good one is added and listed', async () => {
    const h = suite();
    const page = await h.page('owner');
    await openOperators(page, h.at('/security'));
    const form = page.getByRole('form', { name: 'Add operator' });
    await form.getByLabel('Username').fill('ops');
    await form.getByLabel('Role', { exact: true }).selectOption('admin');
    await form.getByLabel('Password').fill('too-short');
    await form.getByRole('button', { name: 'Add operator' }).click();
    await page.getByRole('alert').filter({ hasText: 'a password has at least 12 characters' }).waitFor();
    assert.equal(await form.getByLabel('Password').inputValue(), '', 'the password is not kept in the page');
    await assertAccessible(page, 'add operator refused');
    await form.getByLabel('Password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Add operator' }).click();
    await page.getByRole('status').filter({ hasText: 'Added operator ops (admin).' }).waitFor();
    await card(page, 'ops').waitFor();
    assert.match(await card(page, 'ops').locator('dl.facts').innerText(), /Role\s+admin/);
    assert.equal(await form.getByLabel('Username').inputValue(), '');
    await assertAccessible(page, 'operator added');
    const session = await adminRequest(h, 'POST', '/admin/v1/session', { body: JSON.stringify({ username: 'ops', password: PASSWORD }) });
    assert.equal(session.status, 201, 'the new operator signs in');
  });

  test("an owner changes admin1's role: admin1's open session is a viewer at its next request", async () => {
    const h = suite();
    const admin = await h.page('admin');
    await openSecurity(admin, h.at('/security'));
    const page = await h.page('owner');
    await openOperators(page, h.at('/security'));
    const adminCard = card(page, 'admin1');
    assert.equal(await adminCard.getByRole('button', { name: /^Change role/ }).isDisabled(), true, 'nothing to save yet');
    await adminCard.getByLabel('New role').selectOption('viewer');
    await adminCard.getByRole('button', { name: /^Change role/ }).click();
    await page.getByRole('status').filter({ hasText: 'admin1 is now viewer.' }).waitFor();
    // The list is read again after the answer: the card follows.
    await adminCard.locator('dl.facts dd').filter({ hasText: /^viewer$/ }).waitFor();
    await assertAccessible(page, 'role changed');

    // admin1's session, opened before the change and not signed in again.
    assert.deepEqual(await admin.evaluate("fetch('/admin/v1/session').then((answer) => answer.json()).then((body) => body.operator)"), { username: 'admin1', role: 'viewer' });
    await admin.reload();
    await admin.getByRole('heading', { name: 'Client addresses' }).waitFor();
    assert.doesNotMatch(await admin.getByRole('navigation', { name: 'Main' }).innerText(), /Import/);
    assert.match(await admin.locator('.who').innerText(), /admin1\s+viewer/);
    const refused = await h.as.admin.POST('/admin/v1/users', { body: { username: 'refused' } });
    assert.equal(refused.response.status, 403, 'its token is a viewer too');

    await adminCard.getByLabel('New role').selectOption('admin');
    await adminCard.getByRole('button', { name: /^Change role/ }).click();
    await page.getByRole('status').filter({ hasText: 'admin1 is now admin.' }).waitFor();
    await adminCard.locator('dl.facts dd').filter({ hasText: /^admin$/ }).waitFor();
    const [audit] = await h.operator.audit(1);
    assert.deepEqual([audit?.action, audit?.actor, audit?.target, audit?.detail], ['operator.role', 'owner1', 'operator:admin1', 'role viewer to admin']);
  });

  test('an owner makes a token, shown once, that works as a bearer token; revoked, it stops working', async () => {
    const h = suite();
    const page = await h.page('owner');
    await openOperators(page, h.at('/security'));
    const viewer = card(page, 'viewer1');
    await viewer.getByLabel('Label (optional)').fill('ci-bot');
    await viewer.getByRole('button', { name: /^New token/ }).click();
    const shown = viewer.locator('code.token-once');
    await shown.waitFor();
    const token = (await shown.innerText()).trim();
    assert.match(token, /^tally_[A-Za-z0-9_-]{43}$/);
    await viewer.getByText('It will not be shown again').waitFor();
    await viewer.getByRole('row').filter({ hasText: 'ci-bot' }).waitFor();
    await assertAccessible(page, 'a new token shown');
    const asToken = await adminRequest(h, 'GET', '/admin/v1/session', { token });
    assert.deepEqual(asToken.json, { operator: { username: 'viewer1', role: 'viewer' }, csrf_token: null });
    await viewer.getByRole('button', { name: 'Done' }).click();
    assert.equal(await shown.count(), 0, 'dismissed, the token is gone from the page');
    assert.equal((await page.content()).includes(token), false);

    // Without a label: token-N, the first free N.
    await viewer.getByRole('button', { name: /^New token/ }).click();
    await viewer.locator('code.token-once').waitFor();
    await viewer.getByText('New token "token-2" for viewer1.').waitFor();

    await viewer.getByRole('button', { name: 'Revoke ci-bot' }).click();
    await confirm(page, 'Revoke the token "ci-bot"?', 'Revoke');
    await page.getByRole('status').filter({ hasText: 'Revoked the token "ci-bot" of viewer1' }).waitFor();
    await viewer.getByRole('row').filter({ hasText: 'ci-bot' }).waitFor({ state: 'detached' });
    await assertAccessible(page, 'a token revoked');
    assert.equal((await adminRequest(h, 'GET', '/admin/v1/session', { token })).status, 401, 'the revoked token is refused');
    assert.equal((await adminRequest(h, 'GET', '/admin/v1/session', { token: h.tokens.viewer })).status, 200, 'its other tokens still work');
  });

  test("an owner removes an operator after confirming; the last owner's removal and demotion are refused in the API's words", async () => {
    const h = suite();
    const page = await h.page('owner');
    await openOperators(page, h.at('/security'));
    await card(page, 'ops').getByRole('button', { name: 'Remove ops' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove ops?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await card(page, 'ops').count(), 1, 'cancelled, nothing removed');
    await card(page, 'ops').getByRole('button', { name: 'Remove ops' }).click();
    await confirm(page, 'Remove ops?', 'Remove');
    await page.getByRole('status').filter({ hasText: 'Removed operator ops, with their tokens and sessions.' }).waitFor();
    await card(page, 'ops').waitFor({ state: 'detached' });

    const lastOwner = 'owner1 is the last owner: make another operator an owner first; nothing changed';
    await card(page, 'owner1').getByRole('button', { name: 'Remove owner1' }).click();
    await confirm(page, 'Remove owner1?', 'Remove');
    await page.getByRole('alert').filter({ hasText: lastOwner }).waitFor();
    await assertAccessible(page, 'the last owner kept');

    // Demoting oneself asks first; as the last owner it is refused too.
    await card(page, 'owner1').getByLabel('New role').selectOption('admin');
    await card(page, 'owner1').getByRole('button', { name: /^Change role/ }).click();
    await confirm(page, 'Make yourself admin?', 'Make me admin');
    await page.getByRole('alert').filter({ hasText: lastOwner }).waitFor();
    assert.match(await card(page, 'owner1').locator('dl.facts').innerText(), /Role\s+owner/);
    assert.deepEqual((await h.as.owner.GET('/admin/v1/operators')).data?.data.map((operator) => [operator.username, operator.role]), [
      ['admin1', 'admin'],
      ['owner1', 'owner'],
      ['viewer1', 'viewer'],
    ]);
  });

  test('with another owner, an owner steps down after confirming: the Operators section and Audit are gone at once', async () => {
    const h = suite();
    const page = await h.page('owner');
    await openOperators(page, h.at('/security'));
    await card(page, 'viewer1').getByLabel('New role').selectOption('owner');
    await card(page, 'viewer1').getByRole('button', { name: /^Change role/ }).click();
    await page.getByRole('status').filter({ hasText: 'viewer1 is now owner.' }).waitFor();
    await card(page, 'owner1').getByLabel('New role').selectOption('admin');
    await card(page, 'owner1').getByRole('button', { name: /^Change role/ }).click();
    await confirm(page, 'Make yourself admin?', 'Make me admin');
    await page.getByRole('status').filter({ hasText: 'You are now admin' }).waitFor();
    await page.getByRole('heading', { name: 'Operators' }).waitFor({ state: 'detached' });
    assert.doesNotMatch(await page.getByRole('navigation', { name: 'Main' }).innerText(), /Audit/);
    assert.ok((await notices(page)).some((text) => text.startsWith('You are now admin')));
    await assertAccessible(page, 'after stepping down');
  });
});
