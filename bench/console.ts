/**
 * The web console's figures for `npm run bench` (issue 13): the size of its JavaScript as the
 * listener sends it (gzip and brotli, as served), and how soon its first pages are usable in
 * Debian's Chromium on the large database: the sign-in page (its button enabled), the home
 * page signed in (its figures shown: /admin/v1/stats over every user) and the users list (its
 * first rows). Each load is a fresh browser context, so nothing is cached; the time is the
 * browser's own, from the navigation's start (performance.now()).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { CONSOLE_DIR } from '../src/admin-api/console-files.js';
import { launchBrowser } from '../test/console/browser.js';
import type { Timing } from './admin.js';

export interface ConsoleFigures {
  readonly script: { readonly bytes: number; readonly gzipBytes: number; readonly brotliBytes: number; readonly files: number };
  readonly style: { readonly bytes: number; readonly gzipBytes: number };
  readonly signIn: Timing;
  readonly home: Timing;
  readonly users: Timing;
}

function sizes(extension: string) {
  const dir = join(CONSOLE_DIR, 'assets');
  const files = readdirSync(dir).filter((name) => name.endsWith(extension));
  const bodies = files.map((name) => readFileSync(join(dir, name)));
  const sum = (f: (b: Buffer) => number) => bodies.reduce((total, body) => total + f(body), 0);
  return { files: files.length, bytes: sum((b) => b.length), gzipBytes: sum((b) => gzipSync(b, { level: 9 }).length), brotliBytes: sum((b) => brotliCompressSync(b).length) };
}

function timingOf(times: number[]): Timing {
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { medianMs: at(0.5), p95Ms: at(0.95), count: times.length };
}

export async function measureConsole(adminUrl: string, username: string, password: string, rounds = 15): Promise<ConsoleFigures> {
  const script = sizes('.js');
  const style = sizes('.css');
  const signedIn = await fetch(`${adminUrl}/admin/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (signedIn.status !== 201) throw new Error(`signing in as ${username} answered ${signedIn.status}`);
  const [name, value] = (signedIn.headers.get('set-cookie') ?? '').split(';', 1)[0]!.split('=') as [string, string];
  const browser = await launchBrowser();
  try {
    const load = async (path: string, cookie: boolean, ready: (page: import('playwright-core').Page) => Promise<unknown>) => {
      const times: number[] = [];
      for (let round = 0; round < rounds + 1; round++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        if (cookie) await context.addCookies([{ name, value, url: adminUrl }]);
        const page = await context.newPage();
        await page.goto(adminUrl + path, { waitUntil: 'commit' });
        await ready(page);
        const ms = (await page.evaluate('performance.now()')) as number;
        if (round > 0) times.push(ms); // the first warms the server's caches and the browser's process
        await context.close();
      }
      return timingOf(times);
    };
    const signIn = await load('/', false, (page) => page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor());
    const home = await load('/', true, (page) => page.locator('.figures').waitFor());
    const users = await load('/users', true, (page) => page.locator('tbody tr').first().waitFor());
    return { script: { bytes: script.bytes, gzipBytes: script.gzipBytes, brotliBytes: script.brotliBytes, files: script.files }, style: { bytes: style.bytes, gzipBytes: style.gzipBytes }, signIn, home, users };
  } finally {
    await browser.close();
  }
}

export function printConsoleFigures(figures: ConsoleFigures, users: number): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const row = (label: string, t: Timing) => console.log(`  ${label.padEnd(40)} median ${t.medianMs.toFixed(0)} ms, p95 ${t.p95Ms.toFixed(0)} ms (${t.count} cold loads)`);
  console.log(`\nweb console on ${users.toLocaleString('en')} users (Chromium, headless, a fresh context per load):`);
  console.log(
    `  JavaScript: ${figures.script.files} file(s), ${kb(figures.script.bytes)}; ${kb(figures.script.gzipBytes)} gzipped, ${kb(figures.script.brotliBytes)} brotli (limit 300 KB gzipped); CSS ${kb(figures.style.bytes)}, ${kb(figures.style.gzipBytes)} gzipped`,
  );
  row('sign-in page usable (button enabled)', figures.signIn);
  row('home usable, signed in (figures shown)', figures.home);
  row('users list usable (first rows shown)', figures.users);
}
