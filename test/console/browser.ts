/**
 * What the console's browser tests share: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), a real server with an operator of each role (the admin API harness), a
 * page signed in as one of them, and checks every page must pass: no script error or CSP
 * violation, and no serious accessibility violation (axe-core).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { OperatorRole } from '../../src/domain/operators.js';
import { adminHarness, signIn, type AdminHarness } from '../admin-api/helpers.js';
import type { HarnessOptions } from '../http/helpers.js';

export const CHROMIUM = process.env.TALLY_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/**
 * One server and one browser for a `describe` block's tests, opened before the first and
 * closed after the last: `const h = consoleSuite(plan)`, then `h().page('admin')` in a test.
 */
export function consoleSuite(options: HarnessOptions = {}): () => ConsoleHarness {
  let harness: ConsoleHarness | undefined;
  const closers: (() => Promise<void>)[] = [];
  before(async () => {
    harness = await consoleHarness({ after: (fn) => void closers.push(fn) }, options);
  });
  after(async () => {
    for (const close of closers.reverse()) await close();
  });
  return () => {
    assert.ok(harness !== undefined, 'the suite has started');
    return harness;
  };
}

/** Debian's Chromium, headless; a missing browser fails the test with the command that installs it. */
export async function launchBrowser(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: install Debian's with \`apt-get install chromium\` (or set TALLY_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

export interface ConsoleHarness extends AdminHarness {
  readonly browser: Browser;
  /** A new page (a context of its own: its own cookies) signed in as `role`'s operator, or not signed in. */
  page(as?: OperatorRole | 'nobody', options?: { width?: number; height?: number }): Promise<Page>;
  /** The console's address of `path` on the admin listener. */
  at(path: string): string;
}

/**
 * A server and a browser for one file's tests, closed after them. Operators `owner1`,
 * `admin1`, `viewer1` (passwords `NAME-password-long`).
 */
export async function consoleHarness(t: { after(fn: () => Promise<void>): void }, options: HarnessOptions = {}): Promise<ConsoleHarness> {
  const h = await adminHarness(t, options);
  const browser = await launchBrowser();
  const contexts: BrowserContext[] = [];
  t.after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser.close();
  });
  const roleUser = { owner: 'owner1', admin: 'admin1', viewer: 'viewer1' } as const;
  return {
    ...h,
    browser,
    at: (path) => h.adminUrl + path,
    async page(as = 'owner', { width = 1280, height = 900 } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, timezoneId: 'UTC', locale: 'en-US', acceptDownloads: true });
      contexts.push(context);
      if (as !== 'nobody') {
        const session = await signIn(h, roleUser[as], `${roleUser[as]}-password-long`);
        assert.equal(session.answer.status, 201, session.answer.text);
        const [name, value] = session.cookie.split('=') as [string, string];
        await context.addCookies([{ name, value, url: h.adminUrl }]);
      }
      const page = await context.newPage();
      watchForErrors(page);
      return page;
    },
  };
}

const errorsOf = new WeakMap<Page, string[]>();

/**
 * Collects what the page's scripts threw and what Chromium reported as an error (a CSP
 * violation, a failed module). A refused request (a 4xx the page expects) is not one.
 */
function watchForErrors(page: Page): void {
  const errors: string[] = [];
  errorsOf.set(page, errors);
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    errors.push(text);
  });
}

/** Fails when the page has thrown or logged an error since it opened. */
export function assertNoPageErrors(page: Page): void {
  assert.deepEqual(errorsOf.get(page) ?? [], [], 'the page logged no error');
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation, naming
 * each rule and the elements it found. Also checks the page logged no error.
 */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  // Written as text: the test's own TypeScript knows no DOM.
  const violations: { id: string; impact: string | null; help: string; targets: string[] }[] = await page.evaluate(`
    axe.run(document, { resultTypes: ['violations'] }).then((result) =>
      result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${what}: no serious accessibility violation`);
  assertNoPageErrors(page);
}

/** The text of the page's notices (role status or alert), for asserting what an action said. */
export async function notices(page: Page): Promise<string[]> {
  return page.locator('.notice').allInnerTexts();
}
