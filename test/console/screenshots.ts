/**
 * `npm run screenshots`: the console's main pages, on a small demo database, as PNG files in
 * docs/console/ (the README shows them). A script, not a test: run it after changing a page.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { consoleHarness } from './browser.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '../../../docs/console');
const closers: (() => Promise<void>)[] = [];

try {
  const h = await consoleHarness(
    { after: (fn) => void closers.push(fn) },
    {
      currencies: [
        { code: 'EUR', rate: '0.9214', name: 'Euro' },
        { code: 'GBP', rate: '0.7893', name: 'Pound sterling' },
      ],
      users: [
        { name: 'alice', balance: '26.50', currency: 'EUR' },
        { name: 'bob', balance: '104.20' },
        { name: 'carol', balance: '-3.333333', currency: 'GBP' },
        ...Array.from({ length: 40 }, (_, i) => ({ name: `customer${String(i + 1).padStart(3, '0')}`, balance: `${(i * 37) % 250}.${String((i * 13) % 100).padStart(2, '0')}` })),
      ],
    },
  );
  // Some history for alice's chart and the ledger: adjustments a little apart in time.
  for (const [amount, comment] of [['10', 'top-up by card'], ['-4.75', 'calls, week 48'], ['25', 'top-up by bank transfer'], ['-12.3', 'calls, week 49'], ['5', 'goodwill credit']] as const) {
    await h.as.admin.POST('/admin/v1/users/{id}/adjustments', { params: { path: { id: '1' } }, body: { amount, comment } });
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  await h.as.owner.PUT('/admin/v1/currencies/{code}', { params: { path: { code: 'EUR' } }, body: { rate: '0.9301' } });
  await mkdir(OUT, { recursive: true });
  const shots: [string, string, (page: Page) => Promise<unknown>][] = [
    ['sign-in', '/', (page) => page.getByRole('button', { name: 'Sign in' }).waitFor()],
    ['home', '/', (page) => page.locator('.figures').waitFor()],
    ['users', '/users', (page) => page.locator('tbody tr').first().waitFor()],
    ['user', '/users/1', (page) => page.locator('figure.chart svg').waitFor()],
    ['ledger', '/ledger', (page) => page.locator('tbody tr').first().waitFor()],
    ['currencies', '/currencies', (page) => page.locator('tbody tr').first().waitFor()],
    ['settings', '/settings', (page) => page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()],
    ['security', '/security', (page) => page.getByRole('heading', { name: 'Security', level: 1 }).waitFor()],
  ];
  for (const [name, path, ready] of shots) {
    const page = await h.page(name === 'sign-in' ? 'nobody' : 'owner', { width: 1280, height: 800 });
    await page.goto(h.at(path));
    await ready(page);
    // The user page whole: its chart and ledger are below the fold.
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: name === 'user' });
    console.log(`docs/console/${name}.png`);
  }
  const phone = await h.page('owner', { width: 390, height: 844 });
  await phone.goto(h.at('/users/1'));
  await phone.locator('figure.chart svg').waitFor();
  await phone.screenshot({ path: join(OUT, 'user-phone.png') });
  console.log('docs/console/user-phone.png');
} finally {
  for (const close of closers.reverse()) await close();
}
