/**
 * Bulk import benchmark: generates a users CSV (1,000,000 rows unless `--rows N`), then times
 * the real `tally import` into a fresh SQLite database and `tally verify` after it.
 *
 *   npm run bench:import [-- --rows N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { TALLY, timed, writeUsersCsv } from './tools.js';

const rowsFlag = process.argv.indexOf('--rows');
const ROWS = rowsFlag === -1 ? 1_000_000 : Number(process.argv[rowsFlag + 1]);
if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error('--rows takes a positive whole number');

const dir = await mkdtemp(join(tmpdir(), 'tally-bench-import-'));
try {
  const csv = join(dir, 'users.csv');
  const db = join(dir, 'tally.db');
  await writeUsersCsv(csv, ROWS);
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
