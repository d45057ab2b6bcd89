/**
 * The console's import in a real browser: a bad file's line-exact report that imports nothing,
 * a good file checked by a dry run and then imported with its upload's progress to the end and
 * one idempotency key, the users there afterwards, an ended session sent to sign in, and a
 * viewer who is not offered the page.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { adminRequest } from '../admin-api/helpers.js';
import { assertAccessible, consoleSuite } from './browser.js';

const BAD_CSV = 'username,currency,balance\nerin,USD,1\nfrank,XXX,2\nerin,USD,3\ngina,USD,1.0000001\n';
const GOOD_ROWS = 3000;
const GOOD_CSV = `username,currency,balance,id\nhugo,USD,12.50,100\nines,EUR,-3,\n${Array.from({ length: GOOD_ROWS }, (_, i) => `bulk-${String(i).padStart(4, '0')},USD,0.000001,`).join('\n')}\n`;

describe('console: import', () => {
  const suite = consoleSuite({ currencies: [{ code: 'EUR', rate: '0.5' }], users: [{ name: 'alice', balance: '1' }] });

  test('a bad file shows every bad line with the API\'s words, and imports nothing', async () => {
    const h = suite();
    const expected = await adminRequest(h, 'POST', '/admin/v1/imports?dry_run=true', { token: h.tokens.admin, body: BAD_CSV, headers: { 'Content-Type': 'text/csv' } });
    assert.equal(expected.status, 422);
    const report = expected.json as { detail: string; errors: { line: number; message: string }[] };
    assert.deepEqual(report.errors.map((error) => error.line), [3, 4, 5]);
    const page = await h.page('admin');
    await page.goto(h.at('/import'));
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
    await assertAccessible(page, 'the import page');
    await choose(page, 'bad.csv', BAD_CSV);
    assert.equal(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled(), true, 'a file is checked before it is imported');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('heading', { name: 'Lines to fix' }).waitFor();
    assert.equal(await page.getByRole('alert').innerText(), report.detail);
    const rows = await page.getByRole('region', { name: 'Lines to fix' }).locator('tbody tr').allInnerTexts();
    assert.deepEqual(
      rows.map((row) => row.split('\t').map((cell) => cell.trim())),
      report.errors.map((error) => [String(error.line), error.message]),
    );
    assert.equal(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled(), true);
    await assertAccessible(page, 'the report of a bad file');
    const users = await h.as.viewer.GET('/admin/v1/users', { params: { query: { q: 'erin' } } });
    assert.deepEqual(users.data?.data, []);
  });

  test('a good file: the dry run\'s report, then the import with its progress to the end, and the users exist', async () => {
    const h = suite();
    const page = await h.page('admin');
    const sent: { url: string; key: string | undefined; csrf: boolean }[] = [];
    page.on('request', (request) => {
      if (!request.url().includes('/admin/v1/imports')) return;
      const headers = request.headers();
      sent.push({ url: new URL(request.url()).search, key: headers['idempotency-key'], csrf: (headers['x-csrf-token'] ?? '') !== '' });
    });
    await page.goto(h.at('/import'));
    await choose(page, 'users.csv', GOOD_CSV);
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('status').filter({ hasText: `Every line is good: 3,002 users would be imported.` }).waitFor();
    assert.equal((await h.as.viewer.GET('/admin/v1/users', { params: { query: { q: 'hugo' } } })).data?.data.length, 0, 'a check writes nothing');
    await assertAccessible(page, 'the report of a good file');

    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const done = page.getByRole('status').filter({ hasText: 'Imported 3,002 users.' });
    await done.waitFor();
    const progress = page.getByRole('progressbar', { name: 'Upload progress' });
    const [value, max] = [Number(await progress.getAttribute('value')), Number(await progress.getAttribute('max'))];
    assert.equal(max, Buffer.byteLength(GOOD_CSV));
    assert.equal(value, max, 'the progress bar reached the end');
    await page.getByText('Uploaded 100%').waitFor();
    await assertAccessible(page, 'a file imported');

    // The check carried no key; the import one, made for this file; both the session's CSRF token.
    assert.equal(sent.length, 2);
    assert.deepEqual([sent[0]!.url, sent[0]!.key, sent[0]!.csrf], ['?dry_run=true', undefined, true]);
    assert.equal(sent[1]!.url, '?dry_run=false');
    assert.match(sent[1]!.key ?? '', /^console-[0-9a-f-]{36}$/);
    assert.equal(sent[1]!.csrf, true);

    const hugo = await h.as.admin.GET('/admin/v1/users', { params: { query: { q: 'hugo' } } });
    assert.deepEqual(hugo.data?.data.map((user) => [user.id, user.username, user.balance, user.currency]), [[100, 'hugo', '12.5', 'USD']]);
    const ines = await h.as.admin.GET('/admin/v1/users', { params: { query: { q: 'ines' } } });
    assert.deepEqual(ines.data?.data.map((user) => [user.balance, user.currency]), [['-3.0', 'EUR']]);
    const bulk = await h.as.admin.GET('/admin/v1/users', { params: { query: { q: 'bulk-', limit: '500' } } });
    assert.equal(bulk.data?.data.length, 500);
    const imported = await h.as.viewer.GET('/admin/v1/ledger/summary', { params: { query: { source: 'import', operator: 'admin1' } } });
    assert.deepEqual(imported.data, { entries: GOOD_ROWS + 2, credits: '12.503', debits: '-3.0', net: '9.503' });

    await page.getByRole('link', { name: 'See the users' }).click();
    await page.waitForURL(/\/users$/);
  });

  test('a viewer is refused the page and is not offered it in the bar', async () => {
    const h = suite();
    const page = await h.page('viewer');
    await page.goto(h.at('/import'));
    await page.getByRole('alert').filter({ hasText: 'This page needs the admin role' }).waitFor();
    assert.equal(await page.getByLabel('CSV file').count(), 0);
    assert.doesNotMatch(await page.getByRole('navigation', { name: 'Main' }).innerText(), /Import/);
    await assertAccessible(page, 'the import page refused to a viewer');
    const refused = await adminRequest(h, 'POST', '/admin/v1/imports?dry_run=true', { token: h.tokens.viewer, body: 'username,currency,balance\n', headers: { 'Content-Type': 'text/csv' } });
    assert.equal(refused.status, 403);
  });

  test('a check after the session ended goes to sign in, and back to Import after it', async () => {
    const h = suite();
    const page = await h.page('admin');
    await page.goto(h.at('/import'));
    await choose(page, 'bad.csv', BAD_CSV);
    // The upload is not made by the typed client, whose 401s send the reader to sign in.
    await page.context().clearCookies();
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await page.getByLabel('Username').fill('admin1');
    await page.getByLabel('Password').fill('admin1-password-long');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/import');
  });

  test("works at a phone's width without a horizontal page scroll", async () => {
    const h = suite();
    const page = await h.page('admin', { width: 390, height: 844 });
    await page.goto(h.at('/import'));
    await choose(page, 'bad.csv', BAD_CSV);
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('heading', { name: 'Lines to fix' }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0);
    await assertAccessible(page, 'the import report at 390 px');
  });
});

async function choose(page: Page, name: string, text: string): Promise<void> {
  await page.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.getByText(`${name}, `).waitFor();
}
