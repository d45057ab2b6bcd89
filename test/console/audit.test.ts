/**
 * The console's Audit page in a real browser: changes made earlier through the admin API appear
 * with their operator, action, target, client address and request id; the operator and date
 * filters live in the address (a reload keeps them); pages follow the keyset cursors; an admin
 * is offered no Audit and the page says it needs the owner role.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, consoleSuite } from './browser.js';

/** Today and tomorrow in UTC, as a date field holds them (the browser runs in UTC). */
const today = new Date().toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

async function openAudit(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
  await page.locator('section[aria-labelledby="audit-title"] table, section[aria-labelledby="audit-title"] p:not([role="status"])').first().waitFor();
}

/**
 * The rows once `holds` is true of them (a page answers a moment after its click), polled from
 * here: the console's CSP forbids the string evaluation page.waitForFunction would use.
 */
async function rowsWhen(page: Page, holds: (rows: string[][]) => boolean, what: string): Promise<string[][]> {
  const until = Date.now() + 5000;
  let last: string[][] = [];
  while (Date.now() < until) {
    last = await rows(page);
    if (holds(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`${what}: the table never held it; last ${JSON.stringify(last)}`);
}

/** The body rows of the audit table, each as its cells' texts. */
async function rows(page: Page): Promise<string[][]> {
  const body = page.locator('table.audit-table tbody tr');
  const texts: string[][] = [];
  for (const row of await body.all()) texts.push(await row.getByRole('cell').allInnerTexts());
  return texts;
}

describe('console: the audit log', () => {
  const suite = consoleSuite({ users: [{ name: 'alice', balance: '10' }] });

  before(async () => {
    const h = suite();
    // Actions by two operators through the admin API, each with its request id.
    const adjusted = await h.as.owner.POST('/admin/v1/users/{id}/adjustments', {
      params: { path: { id: '1' } },
      body: { amount: '5', comment: 'top-up' },
      headers: { 'X-Request-Id': 'audit-adjust-1' },
    });
    assert.equal(adjusted.response.status, 201);
    const added = await h.as.admin.POST('/admin/v1/users', { body: { username: 'bob' }, headers: { 'X-Request-Id': 'audit-add-bob' } });
    assert.equal(added.response.status, 201);
    // Enough changes for a second page (50 a page): settings set as the CLI does.
    for (let i = 0; i < 55; i++) await h.operator.set('number_digits', String(2 + (i % 3)));
  });

  test('shows the changes made earlier, newest first, with operator, action, target, client address and request id', async () => {
    const h = suite();
    const page = await h.page('owner');
    await openAudit(page, h.at('/audit'));
    assert.deepEqual(await page.getByRole('columnheader').allInnerTexts(), ['Time', 'Operator', 'Action', 'Target', 'Detail', 'Client address', 'Request id']);
    const first = await rows(page);
    assert.equal(first.length, 50, 'a page of 50');
    assert.deepEqual(first[0]?.slice(1, 4), ['cli:test', 'settings.set', 'setting:number_digits']);
    assert.match(first[0]?.[0] ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await assertAccessible(page, 'audit log, first page');
  });

  test('filters by operator, kept in the address across a reload', async () => {
    const h = suite();
    const page = await h.page('owner');
    await openAudit(page, h.at('/audit'));
    await page.getByLabel('Operator').fill('admin1');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/audit\?operator=admin1$/);
    await page.getByRole('heading', { name: 'Changes selected' }).waitFor();
    await page.locator('table.audit-table').waitFor();
    const expectAdmin = async () => {
      const selected = await rows(page);
      assert.equal(selected.length, 1, JSON.stringify(selected));
      const [, operator, action, target, , client, requestId] = selected[0]!;
      assert.deepEqual([operator, action, target, client, requestId], ['admin1', 'user.add', 'user:2', '127.0.0.1', 'audit-add-bob']);
    };
    await rowsWhen(page, (shown) => shown.length === 1, 'admin1 alone');
    await expectAdmin();
    await assertAccessible(page, 'audit log filtered by operator');
    await page.reload();
    await rowsWhen(page, (shown) => shown.length === 1, 'admin1 alone, reloaded');
    assert.equal(await page.getByLabel('Operator').inputValue(), 'admin1');
    await expectAdmin();

    await page.getByLabel('Operator').fill('owner1');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/audit\?operator=owner1$/);
    const owner = await rowsWhen(page, (shown) => shown.length > 0 && shown.every((cells) => cells[1] === 'owner1'), 'owner1 alone');
    assert.deepEqual(
      owner.map((cells) => [cells[1], cells[2], cells[3], cells[5], cells[6]]),
      [['owner1', 'balance.adjust', 'user:1', '127.0.0.1', 'audit-adjust-1']],
    );
    assert.match(owner[0]?.[4] ?? '', /^amount 5(\.0+)?, balance 15(\.0+)?, entry \d+$/);
  });

  test('filters by day: a day with no change says so; today holds them', async () => {
    const h = suite();
    const page = await h.page('owner');
    await openAudit(page, h.at(`/audit?operator=owner1&from=${tomorrow}`));
    await page.getByText('No change matches these filters.').waitFor();
    assert.equal(await page.getByLabel('From (day)').inputValue(), tomorrow);
    await assertAccessible(page, 'audit log, nothing selected');
    await page.getByLabel('From (day)').fill(today);
    await page.getByLabel('To (day, included)').fill(today);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`/audit\\?operator=owner1&from=${today}&to=${today}$`));
    await page.getByRole('cell', { name: 'balance.adjust' }).waitFor();
    await page.getByLabel('To (day, included)').fill(`${Number(today.slice(0, 4)) - 1}${today.slice(4)}`);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('alert').filter({ hasText: 'must not be before from' }).waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL(/\/audit$/);
    await page.getByRole('heading', { name: 'Every change' }).waitFor();
    assert.equal(await page.getByLabel('Operator').inputValue(), '');
  });

  test('pages through the log with Next and Previous', async () => {
    const h = suite();
    const page = await h.page('owner', { width: 390, height: 844 });
    await openAudit(page, h.at('/audit'));
    const pager = page.getByRole('navigation', { name: 'Audit log pages' });
    assert.equal(await pager.getByRole('button', { name: 'Previous' }).isDisabled(), true);
    const first = await rows(page);
    await pager.getByRole('button', { name: 'Next' }).click();
    await pager.getByText('Page 2').waitFor();
    const second = await rowsWhen(page, (shown) => shown.length > 0 && shown.length < 50, 'the second page');
    assert.ok(second.length > 0 && second.length < 50, `the rest on page 2: ${second.length}`);
    assert.equal(await pager.getByRole('button', { name: 'Next' }).isDisabled(), true, 'the last page');
    // The oldest change of all, at the end of the last page: the database's creation.
    assert.deepEqual(second.at(-1)?.slice(1, 4), ['cli:test', 'database.init', 'database']);
    const widths = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as [number, number];
    assert.ok(widths[0] <= widths[1], `no sideways scroll at 390 px: ${widths[0]} in ${widths[1]}`);
    await assertAccessible(page, 'audit log, second page at 390 px');
    await pager.getByRole('button', { name: 'Previous' }).click();
    await pager.getByText('Page 1').waitFor();
    assert.deepEqual(await rowsWhen(page, (shown) => shown.length === 50, 'the first page again'), first);
  });

  test('an admin is offered no Audit, and the page says it needs the owner role; the server refuses it too', async () => {
    const h = suite();
    const page = await h.page('admin');
    await page.goto(h.at('/'));
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    assert.doesNotMatch(await page.getByRole('navigation', { name: 'Main' }).innerText(), /Audit/);
    await page.goto(h.at('/audit'));
    await page.getByRole('alert').filter({ hasText: 'This page needs the owner role; you are signed in as admin.' }).waitFor();
    await assertAccessible(page, 'audit page as an admin');
    assert.equal((await h.as.admin.GET('/admin/v1/audit')).response.status, 403);
  });
});
