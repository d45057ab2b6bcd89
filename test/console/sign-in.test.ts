/**
 * The console's sign-in, home page and shell in a real browser: the first-operator hint, a
 * refused password, signing in and landing where the reader was going, a reload that keeps the
 * session, the home figures and search, sign out, and the security headers of every answer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adminRequest } from '../admin-api/helpers.js';
import { assertAccessible, consoleSuite, launchBrowser } from './browser.js';
import { startHarness } from '../http/helpers.js';

describe('console: sign in, home, sign out', () => {
  const suite = consoleSuite({ users: [{ name: 'alice', balance: '26.50' }, { name: 'alina', balance: '1000' }, { name: 'bob', balance: '-3.333333' }] });

  test('every console answer carries the security headers, and the page asks no other host', async () => {
    const h = suite();
    for (const path of ['/', '/users/1', '/sign-in', '/favicon.svg', '/no-such-page']) {
      const answer = await adminRequest(h, 'GET', path);
      assert.match(answer.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'; style-src 'self';.*frame-ancestors 'none'/, path);
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(answer.headers.get('referrer-policy'), 'no-referrer', path);
    }
    assert.equal((await adminRequest(h, 'GET', '/no-such-page')).status, 404);
    assert.equal((await adminRequest(h, 'GET', '/billing/api/user_balance_get')).status, 404);
    const page = await h.page('nobody');
    const hosts = new Set<string>();
    page.on('request', (request) => hosts.add(new URL(request.url()).host));
    await page.goto(h.at('/'));
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.deepEqual([...hosts], [new URL(h.adminUrl).host]);
    const stored = await page.evaluate('({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })');
    assert.deepEqual(stored, { local: 0, session: 0, cookie: '' });
  });

  test('a wrong password is refused with the server\'s words; the right one lands on the page asked for', async () => {
    const h = suite();
    const page = await h.page('nobody');
    await page.goto(h.at('/users?q=ali'));
    await page.getByLabel('Username').fill('admin1');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: /password/i }).waitFor();
    await assertAccessible(page, 'sign-in page with an error');
    await page.getByLabel('Password').fill('admin1-password-long');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/users?q=ali');
    // The session is the HttpOnly cookie: a reload carries on signed in.
    await page.reload();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    assert.equal(await page.evaluate('document.cookie'), '');
  });

  test('home shows the figures and finds a user; sign out ends the session', async () => {
    const h = suite();
    const page = await h.page('viewer');
    await page.goto(h.at('/'));
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    const figures = page.locator('.figures');
    await figures.waitFor();
    const text = await figures.innerText();
    assert.match(text, /Users\s+4\b/); // the admin account (id 0) and three customers
    assert.match(text, /Total of balances\s+1,023\.166667 USD/);
    assert.match(text, /Blocked clients\s+0/);
    await assertAccessible(page, 'home page');
    // The bar leaves out what a viewer may not use.
    const bar = await page.getByRole('navigation', { name: 'Main' }).innerText();
    assert.doesNotMatch(bar, /Import|Audit/);
    await page.getByLabel('Search users').fill('ali');
    await page.getByLabel('Search users').press('Enter');
    await page.waitForURL(/\/users\?q=ali$/);
    await page.goBack();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const session = await page.evaluate("fetch('/admin/v1/session').then((answer) => answer.status)");
    assert.equal(session, 401);
  });
});

describe('console: before any operator exists', () => {
  test('the sign-in page names the command that creates the first operator', async (t) => {
    const h = await startHarness();
    t.after(() => h.close());
    const browser = await launchBrowser();
    t.after(() => browser.close());
    const page = await browser.newPage();
    await page.goto(h.server.adminUrl! + '/');
    await page.getByText('npx tally operator add NAME --role owner').waitFor();
    await assertAccessible(page, 'sign-in page before the first operator');
  });
});
