/**
 * The console's Users and User pages in a real browser: search by prefix, id and uniquehash, the
 * status filter, keyset paging, the address kept over a reload and the back button, a new user
 * and a refused duplicate; a user's page with its balance adjusted through the confirmation step
 * (seen by the Kolmisoft API, moved once by a double click or a retry after a lost answer), a new
 * token, rename, another currency, close and reopen, the ledger's day filter, paging and chart;
 * what a viewer is not offered, accessibility, and a phone's width.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { addDecimals } from '../../src/console/lib/decimal.js';
import { balanceXml, errorXml } from '../support/spec-oracle.js';
import { post, settle, signed } from '../http/helpers.js';
import { assertAccessible, consoleSuite } from './browser.js';

const SOME = [{ name: 'alice', balance: '26.50' }, { name: 'alina', balance: '1000' }, { name: 'bob', balance: '-3.333333', currency: 'EUR' }];
// Ids 1 to 60 after the admin account (id 0): 61 users, two pages of the API's default 50.
const SIXTY = [...SOME, ...Array.from({ length: 57 }, (_, i) => ({ name: `user${String(i + 4).padStart(2, '0')}`, balance: '1' }))];
const EUR = { code: 'EUR', rate: '0.5', name: 'Euro' };

/** Polls `read` until it answers `expected` (a page loads after the address changes), then asserts it. */
async function settles<T>(read: () => Promise<T>, expected: T, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!isDeepEqual(last, expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await read();
  }
  assert.deepEqual(last, expected, what);
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

const usernames = (page: Page) => page.locator('.users-table tbody tr td:nth-child(2) a').allInnerTexts();
const ids = (page: Page) => page.locator('.users-table tbody tr td:first-child').allInnerTexts();
const here = (page: Page) => {
  const url = new URL(page.url());
  return url.pathname + url.search;
};
const noSideScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= innerWidth');

describe('console: the users list', () => {
  const suite = consoleSuite({ currencies: [EUR], users: SIXTY });

  test('lists a page of 50 users by id, with balances in both currencies, and pages with Next and Previous', async () => {
    const h = suite();
    const page = await h.page('viewer');
    await page.goto(h.at('/users'));
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await settles(async () => (await ids(page)).length, 50, 'the first page holds the default 50');
    assert.deepEqual((await ids(page)).slice(0, 4), ['0', '1', '2', '3']);
    const bob = page.locator('.users-table tbody tr').filter({ hasText: 'bob' });
    assert.match(await bob.innerText(), /^3\s+bob\s+−3\.333333 USD\s+−1\.6666665 EUR\s+EUR\s+active\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await page.getByRole('button', { name: 'Next' }).click();
    await settles(() => ids(page), Array.from({ length: 11 }, (_, i) => String(50 + i)), 'the second page holds ids 50 to 60');
    await page.getByText('Page 2').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true, 'the last page has no Next');
    await page.getByRole('button', { name: 'Previous' }).click();
    await settles(async () => (await ids(page)).slice(0, 2), ['0', '1'], 'Previous goes back to the first page');
    assert.equal(await page.getByRole('button', { name: 'Previous' }).isDisabled(), true);
    // A viewer is not offered what only an admin may do.
    assert.equal(await page.getByRole('button', { name: 'New user' }).count(), 0);
    await assertAccessible(page, 'users list (viewer)');
  });

  test('a double click on Next moves one page, while the next page is still on its way', async () => {
    const h = suite();
    const page = await h.page('viewer');
    await page.goto(h.at('/users'));
    await settles(async () => (await ids(page)).length, 50, 'the first page is shown');
    // The second click lands while page 1, and its next_cursor, is still what the page shows.
    await page.route('**/admin/v1/users?*', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    await page.getByRole('button', { name: 'Next' }).dblclick();
    await settles(async () => (await ids(page))[0], '50', 'the second page is shown');
    assert.equal(await page.locator('.pager span').innerText(), 'Page 2');
    await page.getByRole('button', { name: 'Previous' }).click();
    await settles(async () => (await ids(page))[0], '0', 'one Previous goes back to the first page');
    assert.equal(await page.locator('.pager span').innerText(), 'Page 1');
  });

  test('finds users by username prefix in any case, by id and by uniquehash', async () => {
    const h = suite();
    const page = await h.page('admin');
    await page.goto(h.at('/users'));
    await page.getByLabel('Search users').fill('ALI');
    await page.getByLabel('Search users').press('Enter');
    await settles(() => usernames(page), ['alice', 'alina'], 'a prefix in any case');
    assert.equal(here(page), '/users?q=ALI');
    await page.getByLabel('Search users').fill('3');
    await page.getByRole('button', { name: 'Search' }).click();
    await settles(() => usernames(page), ['bob'], 'an exact id');
    const { uniquehash } = await h.operator.user('alina');
    await page.getByLabel('Search users').fill(uniquehash);
    await page.getByRole('button', { name: 'Search' }).click();
    await settles(() => usernames(page), ['alina'], 'an exact uniquehash');
    await page.getByLabel('Search users').fill('nobody-by-that-name');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No user has a username starting with “nobody-by-that-name”').waitFor();
  });

  test('filters by status, and keeps search and filter in the address over a reload and the back button', async () => {
    const h = suite();
    const closed = await h.as.owner.PATCH('/admin/v1/users/{id}', { params: { path: { id: '2' } }, body: { status: 'closed' } });
    assert.equal(closed.data?.status, 'closed');
    try {
      const page = await h.page('viewer');
      await page.goto(h.at('/users?q=ali'));
      await settles(() => usernames(page), ['alice', 'alina'], 'both statuses at first');
      await page.getByLabel('Status').selectOption('closed');
      await settles(() => usernames(page), ['alina'], 'closed only');
      assert.equal(here(page), '/users?q=ali&status=closed');
      await page.getByLabel('Status').selectOption('active');
      await settles(() => usernames(page), ['alice'], 'active only');
      await page.reload();
      await settles(() => usernames(page), ['alice'], 'the reload keeps the filter');
      assert.equal(await page.getByLabel('Search users').inputValue(), 'ali');
      assert.equal(await page.getByLabel('Status').inputValue(), 'active');
      // A new search is a new history entry and keeps the status filter; back returns to the last one.
      await page.getByLabel('Search users').fill('bob');
      await page.getByLabel('Search users').press('Enter');
      await settles(() => usernames(page), ['bob'], 'the new search');
      assert.equal(here(page), '/users?q=bob&status=active');
      await page.goBack();
      await settles(() => usernames(page), ['alice'], 'back to the previous search');
      assert.equal(await page.getByLabel('Search users').inputValue(), 'ali');
      await page.getByLabel('Status').selectOption('');
      await settles(() => usernames(page), ['alice', 'alina'], 'All again');
      assert.equal(here(page), '/users?q=ali');
    } finally {
      await h.as.owner.PATCH('/admin/v1/users/{id}', { params: { path: { id: '2' } }, body: { status: 'active' } });
    }
  });

  test('adds a user with a currency and an opening balance, then opens its page; a duplicate name is refused with the API\'s words', async () => {
    const h = suite();
    const page = await h.page('admin');
    await page.goto(h.at('/users'));
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Username').fill('carol');
    await page.getByLabel('Currency').selectOption('EUR');
    await page.getByLabel('Opening balance (USD)').fill('10.5');
    await assertAccessible(page, 'users list with the new user form');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('heading', { name: 'carol', level: 1 }).waitFor();
    assert.equal(here(page), '/users/61');
    assert.deepEqual(await page.locator('.notice:visible').allInnerTexts(), ['Added user carol (id 61).']);
    const balances = await page.locator('.user-balances').innerText();
    assert.match(balances, /10\.50 USD/);
    assert.match(balances, /5\.25 EUR/);
    const ledger = await h.as.owner.GET('/admin/v1/users/{id}/ledger', { params: { path: { id: '61' } } });
    assert.equal(ledger.data?.data.length, 1, 'one opening entry');
    assert.match(ledger.data?.data[0]?.idempotency_key ?? '', /^console-/, 'sent with an idempotency key');

    await page.goto(h.at('/users'));
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Username').fill('ALICE');
    await page.getByRole('button', { name: 'Add user' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /a user named ALICE already exists \(usernames ignore letter case\)/);
    // The same form, corrected, is one more try with the same key: a refusal claimed none.
    await page.getByLabel('Username').fill('dave');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('heading', { name: 'dave', level: 1 }).waitFor();
    assert.equal(here(page), '/users/62');
  });

  test('has no horizontal page scroll at 390 pixels', async () => {
    const h = suite();
    const page = await h.page('owner', { width: 390, height: 844 });
    await page.goto(h.at('/users'));
    await settles(async () => (await ids(page)).length, 50, 'the list is there');
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Username').waitFor();
    assert.equal(await noSideScroll(page), true);
    await assertAccessible(page, 'users list at 390 px');
  });
});

describe("console: a user's page", () => {
  const suite = consoleSuite({ currencies: [EUR], users: SOME });
  const today = () => new Date().toISOString().slice(0, 10);
  const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

  test('shows the balances, the facts and the uniquehash to an owner; a viewer sees them without any control and without the token', async () => {
    const h = suite();
    const page = await h.page('owner');
    await page.goto(h.at('/users/3'));
    await page.getByRole('heading', { name: 'bob', level: 1 }).waitFor();
    const balances = await page.locator('.user-balances').innerText();
    assert.match(balances, /Balance \(USD, the system currency\)\s+−3\.333333 USD/);
    assert.match(balances, /Balance in EUR \(the user's own\)\s+−1\.6666665 EUR/);
    const facts = await page.locator('.user-facts').innerText();
    const { uniquehash } = await h.operator.user('bob');
    for (const fact of [/Username\s+bob/, /ID\s+3/, /Status\s+active/, /Currency\s+EUR/, /Role\s+user/, /Created\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, new RegExp(`Uniquehash\\s+${uniquehash}`)]) assert.match(facts, fact);
    for (const control of ['Review', 'Rotate token', 'Rename', 'Change currency', 'Close user']) assert.equal(await page.getByRole('button', { name: control }).count(), 1, control);
    await page.getByRole('img', { name: /^bob's balance: from / }).waitFor();
    await assertAccessible(page, 'user page (owner)');

    const viewer = await h.page('viewer');
    await viewer.goto(h.at('/users/3'));
    await viewer.getByRole('heading', { name: 'bob', level: 1 }).waitFor();
    await viewer.getByRole('heading', { name: 'Ledger', exact: true, level: 2 }).waitFor();
    assert.match(await viewer.locator('.user-balances').innerText(), /−3\.333333 USD/);
    for (const control of ['Review', 'Rotate token', 'Rename', 'Change currency', 'Close user', 'Reopen user', 'Copy']) assert.equal(await viewer.getByRole('button', { name: control }).count(), 0, control);
    assert.equal(await viewer.getByRole('heading', { name: 'Adjust balance' }).count(), 0);
    assert.doesNotMatch(await viewer.locator('main').innerText(), new RegExp(`Uniquehash|${uniquehash}`));
    await assertAccessible(viewer, 'user page (viewer)');
  });

  test("an unknown id shows the API's message", async () => {
    const h = suite();
    const expected = await h.as.owner.GET('/admin/v1/users/{id}', { params: { path: { id: '999' } } });
    assert.equal(expected.response.status, 404);
    const page = await h.page('viewer');
    await page.goto(h.at('/users/999'));
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.innerText(), (expected.error as { detail: string }).detail);
  });

  test('adjusts the balance through a confirmation that shows the balance now and after; the Kolmisoft API answers the new balance', async () => {
    const h = suite();
    const page = await h.page('admin');
    await page.goto(h.at('/users/1'));
    await page.getByRole('heading', { name: 'alice', level: 1 }).waitFor();
    await page.getByLabel('Amount (USD)').fill('5.000001');
    await page.getByLabel('Amount (USD)').fill('0');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByText('The amount cannot be zero.').waitFor();
    await page.getByLabel('Amount (USD)').fill('1.0000001');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByText(/at most 6 digits after it/).waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0, 'no review of an amount the API cannot take');

    await page.getByLabel('Amount (USD)').fill('+5');
    await page.getByLabel('Comment').fill('goodwill credit, ticket 4411');
    await page.getByRole('button', { name: 'Review' }).click();
    const dialog = page.getByRole('dialog', { name: "Adjust alice's balance?" });
    await dialog.waitFor();
    const preview = await dialog.innerText();
    assert.match(preview, /Current balance\s+26\.50 USD\s+Amount\s+\+5\.00 USD\s+New balance\s+31\.50 USD\s+Comment\s+goodwill credit, ticket 4411/);
    // Nothing is written before the confirmation.
    assert.equal((await h.operator.user('alice')).balance, '26.5');
    await assertAccessible(page, 'the adjustment confirmation');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText("Adjusted alice's balance by +5.00 USD: the balance is now 31.50 USD.").waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0);
    await settles(() => page.locator('.user-balances .figure').first().innerText(), 'Balance (USD, the system currency)\n31.50 USD', 'the page reads the user again');
    await page.locator('.ledger-table tbody tr').filter({ hasText: 'goodwill credit, ticket 4411' }).waitFor();
    const row = await page.locator('.ledger-table tbody tr').first().innerText();
    assert.match(row, /\+5\.00 USD\s+31\.50 USD\s+admin\s+goodwill credit, ticket 4411\s+admin1\s+key console-[0-9a-f-]{36}\s+request \S+/);
    await settle(() => post(h, signed('alice')), balanceXml('31.50'));
  });

  test('a double click on Confirm moves the money once', async () => {
    const h = suite();
    const page = await h.page('admin');
    await page.goto(h.at('/users/1'));
    await page.getByRole('heading', { name: 'alice', level: 1 }).waitFor();
    const before = (await h.operator.user('alice')).balance;
    await page.getByLabel('Amount (USD)').fill('-1.25');
    await page.getByLabel('Comment').fill('double click');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).dblclick();
    await page.getByText(/Adjusted alice's balance by −1\.25 USD/).waitFor();
    const ledger = await h.as.owner.GET('/admin/v1/users/{id}/ledger', { params: { path: { id: '1' } } });
    assert.equal(ledger.data?.data.filter((entry) => entry.comment === 'double click').length, 1);
    assert.equal((await h.operator.user('alice')).balance, addDecimals(before, '-1.25'));
  });

  test('a retry after a lost answer sends the same key and moves the money once', async () => {
    const h = suite();
    const page = await h.page('admin');
    await page.goto(h.at('/users/1'));
    await page.getByRole('heading', { name: 'alice', level: 1 }).waitFor();
    const before = (await h.operator.user('alice')).balance;
    const keys: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/adjustments')) keys.push(request.headers()['idempotency-key'] ?? '');
    });
    // The server applies the first attempt, but its answer never reaches the page.
    await page.route('**/admin/v1/users/1/adjustments', async (route) => {
      await route.fetch();
      await route.abort('failed');
    }, { times: 1 });
    await page.getByLabel('Amount (USD)').fill('2');
    await page.getByLabel('Comment').fill('lost answer');
    await page.getByRole('button', { name: 'Review' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByText(/Confirming again is safe/).waitFor();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(/Adjusted alice's balance by \+2\.00 USD/).waitFor();
    assert.equal(keys.length, 2);
    assert.equal(keys[0], keys[1], 'the retry sends the review\'s key');
    const ledger = await h.as.owner.GET('/admin/v1/users/{id}/ledger', { params: { path: { id: '1' } } });
    assert.equal(ledger.data?.data.filter((entry) => entry.comment === 'lost answer').length, 1);
    assert.equal((await h.operator.user('alice')).balance, addDecimals(before, '2'));
  });

  test('rotates the token after a warning: the old uniquehash finds nobody any more', async () => {
    const h = suite();
    const page = await h.page('admin');
    await page.goto(h.at('/users/2'));
    await page.getByRole('heading', { name: 'alina', level: 1 }).waitFor();
    const old = await page.locator('.token-value').innerText();
    assert.equal(old, (await h.operator.user('alina')).uniquehash);
    await page.getByRole('button', { name: 'Rotate token' }).click();
    const dialog = page.getByRole('dialog', { name: "Rotate alina's token?" });
    await dialog.getByText(/The old uniquehash stops working at once/).waitFor();
    await assertAccessible(page, 'the rotate token confirmation');
    await dialog.getByRole('button', { name: 'Rotate now' }).click();
    await page.getByText(/Rotated alina's token: the new uniquehash is \S+\. The old one no longer works\./).waitFor();
    const fresh = (await h.operator.user('alina')).uniquehash;
    assert.notEqual(fresh, old);
    await settles(() => page.locator('.token-value').innerText(), fresh, 'the page shows the new token');
    assert.match(await page.getByRole('status').filter({ hasText: 'Rotated' }).innerText(), new RegExp(fresh));
    const byOld = await h.as.owner.GET('/admin/v1/users', { params: { query: { q: old } } });
    assert.deepEqual(byOld.data?.data, []);
    const byNew = await h.as.owner.GET('/admin/v1/users', { params: { query: { q: fresh } } });
    assert.deepEqual(byNew.data?.data.map((user) => user.username), ['alina']);
  });

  test('renames the user and changes its currency, each saying what it did', async () => {
    const h = suite();
    const page = await h.page('admin');
    await page.goto(h.at('/users/2'));
    await page.getByRole('heading', { name: 'alina', level: 1 }).waitFor();
    await page.getByLabel('New username').fill('ALICE');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();
    await page.getByLabel('New username').fill('alina2');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByText('Renamed alina to alina2.').waitFor();
    await page.getByRole('heading', { name: 'alina2', level: 1 }).waitFor();
    await settle(() => post(h, signed('alina2')), balanceXml('1000.00'));

    await page.getByLabel('Currency', { exact: true }).selectOption('EUR');
    await page.getByRole('button', { name: 'Change currency' }).click();
    await page.getByText("alina2's currency is now EUR: the balance of 1,000.00 USD is 500.00 EUR.").waitFor();
    await settles(() => page.locator('.user-balances .figure').nth(1).innerText(), "Balance in EUR (the user's own)\n500.00 EUR", 'the own balance in the new currency');
    assert.equal(await page.getByRole('button', { name: 'Change currency' }).isDisabled(), true, 'nothing to change now');
  });

  test('closes the user after a confirmation (the Kolmisoft API answers User was not found) and reopens it', async () => {
    const h = suite();
    const page = await h.page('admin');
    await page.goto(h.at('/users/1'));
    await page.getByRole('heading', { name: 'alice', level: 1 }).waitFor();
    const balance = (await h.operator.user('alice')).balance;
    await page.getByRole('button', { name: 'Close user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Close alice?' });
    await dialog.getByText(/is answered “User was not found”/).waitFor();
    await dialog.getByRole('button', { name: 'Close alice' }).click();
    await page.getByText('Closed alice: the Kolmisoft API now answers it “User was not found”.').waitFor();
    await settle(() => post(h, signed('alice')), errorXml('page', 'User was not found'));
    await page.getByText("A closed user's balance cannot be adjusted: reopen the user first.").waitFor();
    assert.match(await page.locator('.user-facts').innerText(), /Status\s+closed/);

    await page.getByRole('button', { name: 'Reopen user' }).click();
    await page.getByRole('dialog', { name: 'Reopen alice?' }).getByRole('button', { name: 'Reopen alice' }).click();
    await page.getByText('Reopened alice: the Kolmisoft API answers it again.').waitFor();
    await page.getByRole('button', { name: 'Review' }).waitFor();
    const xml = (await post(h, signed('alice'))).body;
    assert.match(xml, /<balance>/);
    assert.equal((await h.operator.user('alice')).balance, balance, 'the balance was kept');
  });

  test('filters the ledger by day in the address, pages it, and draws the chart of the range', async () => {
    const h = suite();
    await h.operator.addUser('erin', { balance: '100' });
    const { id } = await h.operator.user('erin');
    for (let i = 1; i <= 505; i++) await h.operator.addBalance('erin', i % 2 === 0 ? '1.5' : '-1', { comment: `entry ${i}` });
    const total = (await h.as.owner.GET('/admin/v1/users/{id}/ledger', { params: { path: { id }, query: { limit: '500' } } })).data!;
    assert.notEqual(total.next_cursor, null, 'more than one page of 500');

    const page = await h.page('viewer');
    await page.goto(h.at(`/users/${id}`));
    await page.getByRole('heading', { name: 'erin', level: 1 }).waitFor();
    const chart = page.getByRole('img', { name: /^erin's balance: from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d, between \S+ USD and \S+ USD, 500 changes\.$/ });
    await chart.waitFor();
    await page.getByText('Drawn from the latest 500 entries of every day; choose later days to see earlier ones.').waitFor();
    const rows = page.locator('.ledger-table tbody tr');
    await settles(() => rows.count(), 50, 'a page of 50 entries');
    assert.match(await rows.first().innerText(), /entry 505/, 'newest first');
    await page.getByRole('navigation', { name: 'Ledger pages' }).getByRole('button', { name: 'Next' }).click();
    await settles(async () => (await rows.first().innerText()).includes('entry 455'), true, 'the second page');

    await page.getByLabel('From day').fill(tomorrow());
    await page.getByText(`No entry in ${tomorrow()} to today.`).first().waitFor();
    assert.equal(here(page), `/users/${id}?from=${tomorrow()}`);
    assert.equal(await page.getByRole('img', { name: /erin's balance/ }).count(), 0);
    await page.reload();
    await page.getByText(`No entry in ${tomorrow()} to today.`).first().waitFor();
    assert.equal(await page.getByLabel('From day').inputValue(), tomorrow());

    await page.getByLabel('From day').fill(today());
    await page.getByLabel('To day').fill(today());
    assert.equal(here(page), `/users/${id}?from=${today()}&to=${today()}`);
    await page.getByRole('img', { name: /^erin's balance: from / }).waitFor();
    await settles(() => rows.count(), 50, 'today holds every entry');
    await page.getByRole('button', { name: 'Every day' }).click();
    assert.equal(here(page), `/users/${id}`);
    await assertAccessible(page, 'user page with a long ledger (viewer)');
  });

  test('has no horizontal page scroll at 390 pixels, the confirmation open too', async () => {
    const h = suite();
    const page = await h.page('owner', { width: 390, height: 844 });
    await page.goto(h.at('/users/3'));
    await page.getByRole('heading', { name: 'bob', level: 1 }).waitFor();
    await page.locator('.ledger-table').waitFor();
    assert.equal(await noSideScroll(page), true);
    await page.getByLabel('Amount (USD)').fill('1');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('dialog').waitFor();
    assert.equal(await noSideScroll(page), true);
    await assertAccessible(page, 'user page at 390 px with the confirmation open');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByRole('dialog').count(), 0);
    // Review was disabled while the balance was read: the focus comes back to it, not to the page's body.
    const focused = () => page.evaluate('document.activeElement.textContent');
    await settles(focused, 'Review', 'the focus is back on Review');
    await page.getByRole('button', { name: 'Review' }).press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await settles(focused, 'Review', 'Escape gives the focus back to Review too');
  });
});
