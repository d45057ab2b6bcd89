/**
 * The console's ledger in a real browser: every entry in keyset pages, the totals of the whole
 * selection (checked against a sum of the API's own entries, exactly), filters by source, user,
 * operator and day kept in the address through a reload and the back button, and the export of
 * the filtered selection as a CSV download.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { fromMicros, toMicros } from '../../src/console/lib/decimal.js';
import { formatCount, formatMoney } from '../../src/console/lib/format.js';
import { adminRequest } from '../admin-api/helpers.js';
import { assertAccessible, consoleSuite, type ConsoleHarness } from './browser.js';

const ALICE_CHANGES = 55;

describe('console: ledger', () => {
  const suite = consoleSuite({ users: [{ name: 'alice', balance: '10' }, { name: 'bob', balance: '-2.5' }] });

  before(async () => {
    const h = suite();
    // Past one page of 50, with millionths, so that the totals must be exact to match.
    for (let i = 0; i < ALICE_CHANGES; i++) assert.equal(await h.operator.addBalance('alice', i % 2 === 0 ? '1.000001' : '-0.333333'), 'applied');
    const refund = await h.as.admin.POST('/admin/v1/users/{id}/adjustments', { params: { path: { id: '2' } }, body: { amount: '5.5', comment: 'refund' } });
    assert.equal(refund.response.status, 201);
    const fee = await h.as.owner.POST('/admin/v1/users/{id}/adjustments', { params: { path: { id: '2' } }, body: { amount: '-1.25', comment: 'fee' }, headers: { 'Idempotency-Key': 'key-fee-1' } });
    assert.equal(fee.response.status, 201);
    await h.operator.importUsers([{ username: 'dave', currency: 'USD', balance: '7' }]);
  });

  test('lists every entry in pages, with the totals of the whole selection summed exactly', async () => {
    const h = suite();
    const all = await apiEntries(h, {});
    assert.equal(all.length, 2 + ALICE_CHANGES + 2 + 1);
    const page = await h.page('viewer');
    await page.goto(h.at('/ledger'));
    await page.getByRole('heading', { name: 'Ledger', level: 1 }).waitFor();
    await rowsShown(page, 50);
    await assertTotals(page, all);
    const first = page.locator('table.ledger-table tbody tr').first();
    const newest = all[0]!;
    assert.equal(newest.source, 'import');
    assert.match(await first.innerText(), new RegExp(`dave\\s+#${newest.user_id}`));
    assert.match(await first.innerText(), /\+7\.00 USD/);
    assert.equal(await first.getByRole('link', { name: 'dave' }).getAttribute('href'), `/users/${newest.user_id}`);
    await assertAccessible(page, 'ledger, first page');
    const pages = page.getByRole('navigation', { name: 'Ledger pages' });
    await pages.getByRole('button', { name: 'Next' }).click();
    await rowsShown(page, all.length - 50);
    assert.match(await pages.innerText(), /Page 2/);
    assert.equal(await pages.getByRole('button', { name: 'Next' }).isDisabled(), true);
    // The totals are the selection's, whatever page is shown.
    await assertTotals(page, all);
    await pages.getByRole('button', { name: 'Previous' }).click();
    await rowsShown(page, 50);
    assert.match(await page.locator('table.ledger-table tbody tr').first().innerText(), /dave/);
  });

  test('filters by source, operator and user, kept in the address through a reload and the back button', async () => {
    const h = suite();
    const page = await h.page('viewer');
    await page.goto(h.at('/ledger'));
    await rowsShown(page, 50);
    await page.getByLabel('Source').selectOption('admin');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/ledger\?source=admin$/);
    await rowsShown(page, 2);
    await assertTotals(page, await apiEntries(h, { source: 'admin' }));
    assert.match(await totalsText(page), /Net\s+\+4\.25 USD/);

    await page.getByLabel('Operator').fill('owner1');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/ledger\?source=admin&operator=owner1$/);
    await rowsShown(page, 1);
    const fee = await page.locator('table.ledger-table tbody tr').first().innerText();
    assert.match(fee, /bob[\s\S]*−1\.25 USD[\s\S]*fee[\s\S]*owner1[\s\S]*key-fee-1/);
    await assertAccessible(page, 'ledger filtered by source and operator');

    await page.reload();
    await rowsShown(page, 1);
    assert.equal(await page.getByLabel('Source').inputValue(), 'admin');
    assert.equal(await page.getByLabel('Operator').inputValue(), 'owner1');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL(/\/ledger$/);
    await rowsShown(page, 50);
    assert.equal(await page.getByLabel('Operator').inputValue(), '');
    await page.getByLabel('User id').fill('2');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/ledger\?user_id=2$/);
    await rowsShown(page, 3);
    await assertTotals(page, await apiEntries(h, { user_id: '2' }));
    // A user's link, then back: the filtered ledger again.
    await page.getByRole('link', { name: 'bob' }).first().click();
    await page.waitForURL(/\/users\/2$/);
    await page.goBack();
    await page.waitForURL(/\/ledger\?user_id=2$/);
    await rowsShown(page, 3);
    assert.equal(await page.getByLabel('User id').inputValue(), '2');

    await page.goto(h.at('/ledger?source=import'));
    await rowsShown(page, 1);
    assert.match(await page.locator('table.ledger-table tbody tr').first().innerText(), /dave[\s\S]*Import/);
    // A refused filter says why, in the API's words.
    await page.goto(h.at('/ledger?user_id=someone'));
    const refusal = await page.getByRole('alert').first().innerText();
    assert.match(refusal, /user_id/);
    await assertAccessible(page, 'ledger with a refused filter');
  });

  test('filters by day: from and to are the reader\'s days, to included', async () => {
    const h = suite();
    const all = await apiEntries(h, {});
    const page = await h.page('viewer');
    await page.goto(h.at('/ledger'));
    await rowsShown(page, 50);
    const today = new Date().toISOString().slice(0, 10); // the browser's zone is UTC
    const day = (offset: number) => new Date(Date.parse(today) + offset * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('From day').fill(today);
    await page.getByLabel('To day').fill(today);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`/ledger\\?from=${today}&to=${today}$`));
    await rowsShown(page, 50);
    await assertTotals(page, all);
    await page.getByLabel('To day').fill(day(-1));
    await page.getByLabel('From day').fill(day(-1));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`/ledger\\?from=${day(-1)}&to=${day(-1)}$`));
    await page.getByText('No entry matches these filters.').waitFor();
    assert.match(await totalsText(page), /Entries\s+0\b/);
    await assertAccessible(page, 'ledger of a day without entries');
    await page.getByLabel('From day').fill(day(1));
    await page.getByLabel('To day').fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`/ledger\\?from=${day(1)}$`));
    await page.getByText('No entry matches these filters.').waitFor();
    await page.getByLabel('From day').fill('');
    await page.getByLabel('To day').fill(day(-1));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`/ledger\\?to=${day(-1)}$`));
    await page.getByText('No entry matches these filters.').waitFor();
    // A range that ends before it starts is the API's refusal, shown as it words it.
    await page.getByLabel('From day').fill(today);
    await page.getByLabel('To day').fill(day(-2));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('alert').first().waitFor();
    assert.match(await page.getByRole('alert').first().innerText(), /\bto\b/);
    await assertAccessible(page, 'ledger with a refused day range');
  });

  test('"Export CSV" downloads the filtered selection, as the API exports it', async () => {
    const h = suite();
    const page = await h.page('viewer');
    await page.goto(h.at('/ledger?source=admin'));
    await rowsShown(page, 2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    assert.equal(download.suggestedFilename(), 'ledger-admin.csv');
    const saved = await readFile((await download.path())!, 'utf8');
    const exported = await adminRequest(h, 'GET', '/admin/v1/ledger?source=admin', { token: h.tokens.viewer, headers: { Accept: 'text/csv' } });
    assert.equal(saved, exported.text);
    assert.equal(saved.split('\r\n').length, 1 + 2 + 1); // header, two entries, the last line's end
    assert.match(saved, /fee,key-fee-1,owner1,/);
    await page.getByRole('status').filter({ hasText: 'Saved ledger-admin.csv.' }).waitFor();
    // The whole ledger, past one page: the export has no limit.
    await page.goto(h.at('/ledger'));
    await rowsShown(page, 50);
    const [whole] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    assert.equal(whole.suggestedFilename(), 'ledger.csv');
    const lines = (await readFile((await whole.path())!, 'utf8')).split('\r\n');
    assert.equal(lines.length, 1 + (await apiEntries(h, {})).length + 1);
    await assertAccessible(page, 'ledger after an export');
  });

  test('works at a phone\'s width without a horizontal page scroll', async () => {
    const h = suite();
    const page = await h.page('viewer', { width: 390, height: 844 });
    await page.goto(h.at('/ledger?source=admin'));
    await rowsShown(page, 2);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0);
    await assertAccessible(page, 'ledger at 390 px');
  });
});

type Entry = { user_id: number; amount: string; source: string; operator: string };

/** Every entry the API lists for a filter, through its own paging. */
async function apiEntries(h: ConsoleHarness, query: Record<string, string>): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (let cursor: string | undefined; ; ) {
    const { data } = await h.as.viewer.GET('/admin/v1/ledger', { params: { query: { ...query, limit: '20', ...(cursor !== undefined && { cursor }) } } });
    assert.ok(data !== undefined);
    entries.push(...data.data);
    if (data.next_cursor === null) return entries;
    cursor = data.next_cursor;
  }
}

async function rowsShown(page: Page, count: number): Promise<void> {
  const rows = page.locator('table.ledger-table tbody tr');
  for (let tries = 0; tries < 100 && (await rows.count()) !== count; tries++) await page.waitForTimeout(50);
  assert.equal(await rows.count(), count);
  // The totals load beside the entries: wait for them too.
  await page.locator('.ledger-totals').waitFor();
}

async function totalsText(page: Page): Promise<string> {
  return page.locator('.ledger-totals').innerText();
}

/** The page's totals are the count and exact sums of `entries` (BigInt millionths, never a float). */
async function assertTotals(page: Page, entries: readonly Entry[]): Promise<void> {
  let credits = 0n;
  let debits = 0n;
  for (const entry of entries) {
    const micros = toMicros(entry.amount);
    assert.ok(micros !== undefined, entry.amount);
    if (micros > 0n) credits += micros;
    else debits += micros;
  }
  const expected = [
    `Entries\n${formatCount(entries.length)}`,
    `Credits\n${formatMoney(fromMicros(credits), 'USD')}`,
    `Debits\n${formatMoney(fromMicros(debits), 'USD')}`,
    `Net\n${formatMoney(fromMicros(credits + debits), 'USD', { signed: true })}`,
  ];
  let text = '';
  for (let tries = 0; tries < 100; tries++) {
    text = (await totalsText(page)).replace(/\n+/g, '\n');
    if (expected.every((part) => text.includes(part))) return;
    await page.waitForTimeout(50);
  }
  assert.fail(`totals ${JSON.stringify(text)} should hold ${JSON.stringify(expected)}`);
}
