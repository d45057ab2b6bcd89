#!/usr/bin/env node
// Runs the built test suite: everything on SQLite, and at the same time the HTTP, admin API,
// console, CLI and crash tests and the server property again on PostgreSQL (TALLY_TEST_PG_URL,
// default the local server) when one is reachable. With CI set, an unreachable PostgreSQL fails the run instead of
// skipping its half.
//
// Each half runs its files TALLY_TEST_CONCURRENCY at a time (default 3): most of a test's time is
// spent waiting on sockets, child processes and timeouts, not on a core, and every test works on
// a database of its own. The slowest files start first, so that none of them is left running alone
// at the end. `npm test -- FILTER...` runs only the files whose path contains one of the words.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';

const PG_URL = process.env.TALLY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONCURRENCY = Number(process.env.TALLY_TEST_CONCURRENCY ?? 3);
// Folders, or single files: of test/property only the whole-server property depends on the
// backend; its pure-function properties run once, in the SQLite half. The store contract, the
// webhook delivery tests (test/webhooks), the cluster tests and the Kolmisoft import tests (test/import, which also need the local MariaDB:
// TALLY_TEST_MYSQL_URL, and fail under CI when it does not answer) loop over both backends
// themselves, in the SQLite half. The soak test (npm run
// soak) is a script, not a test file, and runs for minutes: it is not part of this run.
const BACKEND_DEPENDENT = ['dist/test/http', 'dist/test/admin-api', 'dist/test/cli', 'dist/test/crash', 'dist/test/console', 'dist/test/property/server.test.js'];
// Measured the slowest (tens of seconds each): started first.
const SLOW_FIRST = [
  'property/server',
  'crash/',
  'cluster/',
  'webhooks/',
  'console/users',
  'console/settings',
  'console/security',
  'http/concurrent-updates',
  'http/throttle-burst',
  'http/durable-writes',
  'cli/user.',
  'cli/settings',
  'cli/import-export',
  'cli/init',
  'cli/currency',
  'cli/ledger',
];

function testFiles(dir) {
  if (dir.endsWith('.test.js')) return existsSync(dir) ? [dir] : [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.js'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

const filters = process.argv.slice(2);
function selected(files) {
  const chosen = filters.length === 0 ? files : files.filter((file) => filters.some((word) => file.includes(word)));
  const rank = (file) => {
    const index = SLOW_FIRST.findIndex((part) => file.includes(part));
    return index === -1 ? SLOW_FIRST.length : index;
  };
  return [...chosen].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Runs one half and resolves with whether it passed; its lines are prefixed with `label`. */
function run(label, files, backend) {
  console.log(`=== ${label}: ${files.length} test files on ${backend}, ${CONCURRENCY} at a time ===`);
  const started = Date.now();
  const child = spawn(process.execPath, ['--test', `--test-concurrency=${CONCURRENCY}`, '--test-reporter=spec', ...files], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Every `tally serve` a test starts opens its admin listener on a free port unless the test
    // says otherwise: files run in parallel, and two servers on 8081 would collide.
    env: { ...process.env, TALLY_TEST_BACKEND: backend, TALLY_TEST_PG_URL: PG_URL, TALLY_ADMIN_PORT: process.env.TALLY_ADMIN_PORT ?? '0' },
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`${backend.padEnd(8)} | ${line}`));
  }
  return new Promise((resolve) => {
    child.on('close', (code) => {
      console.log(`=== ${label} on ${backend}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${Math.round((Date.now() - started) / 1000)} s ===`);
      resolve(code === 0);
    });
  });
}

async function postgresReachable() {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    console.log(`PostgreSQL at ${PG_URL} is not reachable: ${error.message}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const halves = [run('whole suite', selected(testFiles('dist/test')), 'sqlite')];
let ok = true;
if (await postgresReachable()) {
  const files = selected(BACKEND_DEPENDENT.flatMap(testFiles));
  if (files.length > 0) halves.push(run('HTTP, CLI, crash and server-property suites', files, 'postgres'));
} else if (process.env.CI) {
  console.log('CI is set: the PostgreSQL half must run, so this run fails.');
  ok = false;
} else {
  console.log('Skipping the PostgreSQL half (set TALLY_TEST_PG_URL to a reachable server to run it).');
}
ok = (await Promise.all(halves)).every(Boolean) && ok;
process.exit(ok ? 0 : 1);
