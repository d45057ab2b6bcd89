#!/usr/bin/env node
// Runs the built test suite: everything on SQLite, then the HTTP, CLI and crash tests and the
// server property again on PostgreSQL (TALLY_TEST_PG_URL, default the local server) when one is
// reachable. With CI set, an unreachable PostgreSQL fails the run instead of skipping its half.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const PG_URL = process.env.TALLY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Folders, or single files: of test/property only the whole-server property depends on the
// backend; its pure-function properties run once, in the SQLite half.
const BACKEND_DEPENDENT = ['dist/test/http', 'dist/test/cli', 'dist/test/crash', 'dist/test/property/server.test.js'];

function testFiles(dir) {
  if (dir.endsWith('.test.js')) return existsSync(dir) ? [dir] : [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.js'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

function run(label, files, backend) {
  console.log(`\n=== ${label}: ${files.length} test files on ${backend} ===\n`);
  const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, TALLY_TEST_BACKEND: backend, TALLY_TEST_PG_URL: PG_URL },
  });
  return result.status === 0;
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

let ok = run('whole suite', testFiles('dist/test'), 'sqlite');
if (await postgresReachable()) {
  ok = run('HTTP, CLI, crash and server-property suites', BACKEND_DEPENDENT.flatMap(testFiles), 'postgres') && ok;
} else if (process.env.CI) {
  console.log('CI is set: the PostgreSQL half must run, so this run fails.');
  ok = false;
} else {
  console.log('Skipping the PostgreSQL half (set TALLY_TEST_PG_URL to a reachable server to run it).');
}
process.exit(ok ? 0 : 1);
