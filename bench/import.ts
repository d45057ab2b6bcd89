/**
 * Bulk import benchmark: generates a users CSV (1,000,000 rows unless `--rows N`), then times
 * the real `tally import` into a fresh SQLite database and `tally verify` after it.
 *
 *   npm run bench:import [-- --rows N]
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TALLY = resolve(fileURLToPath(import.meta.url), '../../src/cli/main.js');
const rowsFlag = process.argv.indexOf('--rows');
const ROWS = rowsFlag === -1 ? 1_000_000 : Number(process.argv[rowsFlag + 1]);
if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error('--rows takes a positive whole number');

async function writeCsv(path: string, rows: number): Promise<void> {
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

function timed(label: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const output = execFileSync(process.execPath, [TALLY, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label.padEnd(8)} ${seconds.toFixed(1).padStart(6)} s   ${output.trim().split('\n').at(-1)}`);
  return seconds;
}

const dir = await mkdtemp(join(tmpdir(), 'tally-bench-import-'));
try {
  const csv = join(dir, 'users.csv');
  const db = join(dir, 'tally.db');
  await writeCsv(csv, ROWS);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`);
  console.log(`file: ${ROWS} rows, ${((await stat(csv)).size / 1e6).toFixed(1)} MB`);
  execFileSync(process.execPath, [TALLY, 'init', '--db', db], { stdio: 'ignore' });
  execFileSync(process.execPath, [TALLY, 'currency', 'set', 'EUR', '--rate', '0.7351', '--db', db], { stdio: 'ignore' });
  execFileSync(process.execPath, [TALLY, 'currency', 'set', 'GBP', '--rate', '0.79', '--db', db], { stdio: 'ignore' });
  const importSeconds = timed('import', ['import', csv, '--db', db]);
  timed('verify', ['verify', '--db', db]);
  console.log(`rate: ${Math.round(ROWS / importSeconds)} rows per second`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
