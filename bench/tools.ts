/** Shared pieces of the benchmarks: the real CLI, timing, generated data. */
import { execFileSync } from 'node:child_process';
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

