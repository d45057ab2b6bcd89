/**
 * `tally copy` benchmark: builds a SQLite database of 1,000,000 users (unless `--rows N`) with
 * their ledger, copies it to PostgreSQL and back, and runs `tally verify` on each.
 *
 *   npm run bench:copy [-- --rows N] [-- --pg postgres://...]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { TALLY, timed, writeUsersCsv } from './tools.js';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
};
const ROWS = Number(argument('--rows') ?? 1_000_000);
const PG_URL = argument('--pg') ?? process.env.TALLY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `tally_bench_${randomBytes(4).toString('hex')}`;
const target = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;

const dir = await mkdtemp(join(tmpdir(), 'tally-bench-copy-'));
try {
  const csv = join(dir, 'users.csv');
  const source = join(dir, 'source.db');
  const back = join(dir, 'back.db');
  await writeUsersCsv(csv, ROWS);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}; ${ROWS} users`);
  for (const args of [['init'], ['currency', 'set', 'EUR', '--rate', '0.7351'], ['currency', 'set', 'GBP', '--rate', '0.79']]) {
    execFileSync(process.execPath, [TALLY, ...args, '--db', source], { stdio: 'ignore' });
  }
  timed('import', ['import', csv, '--db', source]);
  timed('to pg', ['copy', '--db', source, '--to', target]);
  timed('verify pg', ['verify', '--db', target]);
  timed('back', ['copy', '--db', target, '--to', back]);
  timed('verify db', ['verify', '--db', back]);
} finally {
  await rm(dir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
