/**
 * The console's currencies in a real browser: the rates with their last change, a rate edited
 * after a confirmation that shows the old and the new one (and the Kolmisoft API converting at
 * the new rate at once), a refusal in the API's words, a currency added, a currency's history
 * with its chart in pages, and a viewer who is offered none of the changes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { adminRequest } from '../admin-api/helpers.js';
import { assertAnswer, post, signed } from '../http/helpers.js';
import { balanceXml } from '../support/spec-oracle.js';
import { assertAccessible, consoleSuite } from './browser.js';

describe('console: currencies', () => {
  const suite = consoleSuite({
    currencies: [
      { code: 'EUR', rate: '0.5', name: 'Euro' },
      { code: 'GBP', rate: '0.8', name: 'Pound sterling', active: false },
    ],
    users: [{ name: 'alice', balance: '10', currency: 'EUR' }],
  });

  test('lists the rates with their last change and marks the system currency; a viewer is offered no change', async () => {
    const h = suite();
    const page = await h.page('viewer');
    await page.goto(h.at('/currencies'));
    await page.getByRole('heading', { name: 'Currencies', level: 1 }).waitFor();
    const rows = await rateRows(page);
    assert.equal(rows.length, 3);
    assert.match(rows[0]!, /^USD\s*system currency\s+USD\s+1\s+yes\s+never$/);
    assert.match(rows[1]!, /^EUR\s+Euro\s+0\.5\s+yes\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.match(rows[2]!, /^GBP\s+Pound sterling\s+0\.8\s+no\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(await page.getByRole('button', { name: /Edit rate/ }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Add currency' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Add currency' }).count(), 0);
    await assertAccessible(page, 'currencies as a viewer');
    await page.getByRole('link', { name: 'EUR' }).click();
    await page.getByRole('heading', { name: 'Currency EUR', level: 1 }).waitFor();
    assert.equal(await page.getByRole('button', { name: /Edit rate|Change/ }).count(), 0);
    await assertAccessible(page, 'a currency as a viewer');
  });

  test('"Edit rate" confirms the old and the new rate before writing; the Kolmisoft API converts at the new one', async () => {
    const h = suite();
    assertAnswer(await post(h, signed('alice', { currency: 'EUR' })), balanceXml('5.00'));
    const page = await h.page('admin');
    await page.goto(h.at('/currencies'));
    await page.getByRole('heading', { name: 'Currencies', level: 1 }).waitFor();
    // The system currency's rate cannot be changed: it is not offered.
    assert.equal(await page.getByRole('button', { name: 'Edit rate of USD' }).count(), 0);
    await page.getByRole('button', { name: 'Edit rate of EUR' }).click();
    await page.getByLabel('New rate').fill('0.75');
    await page.getByRole('button', { name: 'Review change' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the rate of EUR?' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Old rate\s+0\.5\s+New rate\s+0\.75/);
    await assertAccessible(page, 'the confirmation of a rate change');
    // Nothing is written before the confirmation.
    assert.equal(await apiRate(h, 'EUR'), '0.5');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await apiRate(h, 'EUR'), '0.5');

    await page.getByRole('button', { name: 'Review change' }).click();
    await dialog.getByRole('button', { name: 'Change rate' }).click();
    await page.getByRole('status').filter({ hasText: 'The rate of EUR is now 0.75 (it was 0.5).' }).waitFor();
    assert.equal(await apiRate(h, 'EUR'), '0.75');
    await waitForRow(page, /^EUR\s+Euro\s+0\.75\s+yes/);
    assertAnswer(await post(h, signed('alice', { currency: 'EUR' })), balanceXml('7.50'));
    await assertAccessible(page, 'currencies after a rate change');
  });

  test('a refused rate is shown in the API\'s words and changes nothing', async () => {
    const h = suite();
    const before = await apiRate(h, 'EUR');
    const expected = await adminRequest(h, 'PUT', '/admin/v1/currencies/EUR', { token: h.tokens.admin, body: '{"rate":"-1"}' });
    assert.equal(expected.status, 422);
    const detail = (expected.json as { detail: string }).detail;
    const page = await h.page('admin');
    await page.goto(h.at('/currencies'));
    await page.getByRole('button', { name: 'Edit rate of EUR' }).click();
    await page.getByLabel('New rate').fill('-1');
    await page.getByRole('button', { name: 'Review change' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Change rate' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.ok((await alert.innerText()).includes(detail), `${await alert.innerText()} holds ${detail}`);
    assert.equal(await apiRate(h, 'EUR'), before);
    await assertAccessible(page, 'a refused rate change');
  });

  test('"Add currency" adds one; a code that exists or a bad one is refused', async () => {
    const h = suite();
    const page = await h.page('admin');
    await page.goto(h.at('/currencies'));
    await page.getByRole('heading', { name: 'Add currency' }).waitFor();
    await page.getByLabel('Code').fill('CHF');
    await page.getByLabel('Name').fill('Swiss franc');
    await page.getByLabel('Rate', { exact: true }).fill('0.88');
    await page.getByLabel(/^Active/).uncheck();
    await page.getByRole('button', { name: 'Add currency' }).click();
    await page.getByRole('status').filter({ hasText: 'Added CHF (Swiss franc) at rate 0.88.' }).waitFor();
    await waitForRow(page, /^CHF\s+Swiss franc\s+0\.88\s+no\s+\d{4}-/);
    const listed = await h.as.viewer.GET('/admin/v1/currencies');
    assert.deepEqual(listed.data?.data.find((currency) => currency.code === 'CHF'), { code: 'CHF', name: 'Swiss franc', rate: '0.88', active: false, system: false });
    assertAnswer(await post(h, signed('alice', { currency: 'CHF' })), balanceXml('8.80'));
    assert.equal(await page.getByLabel('Code').inputValue(), '');
    await assertAccessible(page, 'currencies after adding one');

    await page.getByLabel('Code').fill('eur');
    await page.getByLabel('Rate', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Add currency' }).click();
    await page.getByRole('alert').filter({ hasText: 'EUR exists already' }).waitFor();
    assert.notEqual(await apiRate(h, 'EUR'), '3');

    await page.getByLabel('Code').fill('USER');
    await page.getByRole('button', { name: 'Add currency' }).click();
    const refused = await adminRequest(h, 'PUT', '/admin/v1/currencies/USER', { token: h.tokens.admin, body: '{"rate":"3","active":true}' });
    assert.equal(refused.status, 422);
    await page.getByRole('alert').filter({ hasText: (refused.json as { detail: string }).detail }).waitFor();
    await assertAccessible(page, 'a refused new currency');
  });

  test("a currency's page shows its rate history newest first, in pages, with a chart of the rate", async () => {
    const h = suite();
    // 55 changes of GBP: past one page of 50.
    for (let i = 1; i <= 55; i++) {
      const changed = await h.as.admin.PUT('/admin/v1/currencies/{code}', { params: { path: { code: 'GBP' } }, body: { rate: `0.${800 + i}` } });
      assert.equal(changed.response.status, 200);
    }
    const page = await h.page('viewer');
    await page.goto(h.at('/currencies/GBP'));
    await page.getByRole('heading', { name: 'Currency GBP', level: 1 }).waitFor();
    const chart = page.getByRole('img', { name: /^Rate of GBP: from .* between 0\.80 and 0\.855, 56 changes\.$/ });
    await chart.waitFor();
    const history = page.locator('table').filter({ has: page.getByText('Rate changes, newest first') });
    const rows = history.locator('tbody tr');
    assert.equal(await rows.count(), 50);
    assert.match(await rows.first().innerText(), /0\.854\s+0\.855\s+Admin API and console\s+admin1/);
    await assertAccessible(page, 'a currency with its history');
    const pages = page.getByRole('navigation', { name: 'Rate history pages' });
    await pages.getByRole('button', { name: 'Next' }).click();
    await page.waitForFunction(`document.querySelectorAll('table tbody tr').length === 6`);
    assert.match(await rows.last().innerText(), /added\s+0\.8\s+Command line/);
    await pages.getByRole('button', { name: 'Previous' }).click();
    await page.waitForFunction(`document.querySelectorAll('table tbody tr').length === 50`);

    await page.goto(h.at('/currencies/XYZ'));
    await page.getByRole('alert').first().waitFor();
    assert.match(await page.getByRole('alert').first().innerText(), /XYZ/);
    await assertAccessible(page, 'an unknown currency');
  });

  test("works at a phone's width without a horizontal page scroll", async () => {
    const h = suite();
    const page = await h.page('admin', { width: 390, height: 844 });
    await page.goto(h.at('/currencies'));
    await page.getByRole('heading', { name: 'Add currency' }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0);
    await assertAccessible(page, 'currencies at 390 px');
    await page.goto(h.at('/currencies/EUR'));
    await page.getByRole('img', { name: /^Rate of EUR/ }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0);
    await assertAccessible(page, 'a currency at 390 px');
  });
});

async function apiRate(h: ReturnType<ReturnType<typeof consoleSuite>>, code: string): Promise<string | undefined> {
  const { data } = await h.as.viewer.GET('/admin/v1/currencies');
  return data?.data.find((currency) => currency.code === code)?.rate;
}

/** The rate table's rows as text, once it has loaded. */
async function rateRows(page: Page): Promise<string[]> {
  const table = page.locator('table').first();
  await table.waitFor();
  return (await table.locator('tbody tr').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim().replace(/\s*(Edit rate|fixed at 1)$/, ''));
}

async function waitForRow(page: Page, pattern: RegExp): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if ((await rateRows(page)).some((row) => pattern.test(row))) return;
    await page.waitForTimeout(50);
  }
  assert.fail(`no row matches ${pattern}: ${JSON.stringify(await rateRows(page))}`);
}
