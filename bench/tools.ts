/** Shared pieces of the benchmarks: the real CLI, timing, generated data. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `tally` executable. */
export const TALLY = resolve(fileURLToPath(import.meta.url), '../../src/cli/main.js');

/** Runs `tally ARGS`, prints how long it took with the last line it printed, returns seconds. */
export function timed(label: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const output = execFileSync(process.execPath, [TALLY, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label.padEnd(10)} ${seconds.toFixed(1).padStart(6)} s   ${output.trim().split('\n').at(-1)}`);
  return seconds;
}

/** Writes a users CSV of `rows` lines in USD, EUR and GBP, one balance in ten negative. */
export async function writeUsersCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('username,currency,balance\n');
  const currencies = ['USD', 'EUR', 'GBP'];
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    // Balances as exact decimal text, built from integers: no float ever involved.
    const cents = (i * 7919) % 1_000_000;
    const sign = i % 10 === 0 ? '-' : '';
    chunk += `user${i},${currencies[i % 3]},${sign}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}\n`;
    if (i % 10_000 === 0 || i === rows) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end();
  await once(out, 'finish');
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** The three kinds of user_balance_get the bench sends: plain, converted to EUR (the currency is hashed), in the user's own currency (user_currency is not). */
export type BalanceGetKind = 'plain' | 'eur' | 'own';

/** The load generator's mix for its i-th request: 70% plain, 20% in EUR, 10% in the user's own currency. */
export function mixKind(i: number): BalanceGetKind {
  const tenth = i % 10;
  return tenth < 7 ? 'plain' : tenth < 9 ? 'eur' : 'own';
}

/** A signed user_balance_get form of that kind for `username`. */
export function balanceGetForm(username: string, kind: BalanceGetKind, secret: string): string {
  switch (kind) {
    case 'plain':
      return `username=${username}&hash=${sha1(username + secret)}`;
    case 'eur':
      return `username=${username}&currency=EUR&hash=${sha1(username + 'EUR' + secret)}`;
    case 'own':
      return `username=${username}&user_currency=1&hash=${sha1(username + secret)}`;
  }
}
