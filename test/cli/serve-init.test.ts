/**
 * `tally serve` creates a database only when told to (`--init`, which `npm start` passes):
 * otherwise a missing database stops it before it listens, with one line naming the path and
 * how to create it. A server whose file was deleted must not come back on a new, empty
 * database with a new key, as if the users and every acknowledged update had never been.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { describeLocation } from '../../src/store/open-store.js';
import { databaseExists, execSql, isPostgresUrl, runTally } from '../support/fixtures.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { tallyCommand } from '../../src/cli/command-hint.js';
import { assertRefused, initDb, tempDirs, userRecord, withOperator } from './cli-helpers.js';

const dirs = tempDirs();
const started: ServeProcess[] = [];
after(async () => {
  for (const serve of started) if (serve.child.exitCode === null && serve.child.signalCode === null) await serve.stop();
  await dirs.removeAll();
});

/** The api_secret_key, read in this process. */
function secretKey(db: string): Promise<string> {
  return withOperator(db, (operator) => operator.setting('api_secret_key'));
}

function refusal(db: string): string {
  const where = describeLocation(db);
  // Ready to paste: a URL's `?` is quoted for the shell.
  return `tally: no database at ${where}: create it with "${tallyCommand(['init'], db)}" or run "${tallyCommand(['serve', '--init'], db)}"\n`;
}

describe('tally serve without --init', () => {
  it('on a missing database exits 1 with one line naming it and how to create it, and creates nothing', async () => {
    const dir = await dirs.make();
    const result = await runTally(['serve', '--port', '0', '--db', dir.db]);
    assertRefused(result);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, refusal(dir.db));
    assert.equal(await databaseExists(dir.db), false);
  });

  it('with --workers, the primary refuses the same way once, before any worker starts', async () => {
    const dir = await dirs.make();
    const result = await runTally(['serve', '--port', '0', '--workers', '2', '--db', dir.db]);
    assertRefused(result);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, refusal(dir.db));
    assert.equal(await databaseExists(dir.db), false);
  });

  it('on a database whose tables Tally never initialised refuses the same way and adds nothing', async () => {
    const dir = await dirs.make();
    // The schema (or file) exists with one foreign table: not a Tally database.
    if (isPostgresUrl(dir.db)) {
      const schema = new URL(dir.db).searchParams.get('schema')!;
      const server = new URL(dir.db);
      server.searchParams.delete('schema');
      await execSql(server.toString(), `CREATE SCHEMA ${schema}`);
    }
    await execSql(dir.db, 'CREATE TABLE unrelated (x INTEGER)');
    const result = await runTally(['serve', '--port', '0', '--db', dir.db]);
    assertRefused(result);
    assert.equal(result.stderr, refusal(dir.db));
    assert.equal((await runTally(['settings', 'list', '--db', dir.db])).code, 1, 'still not a Tally database');
  });

  it('on an initialised database serves it, keeping its key', async () => {
    const dir = await initDb(dirs);
    const key = await secretKey(dir.db);
    const serve = await startServeProcess(dir.db);
    started.push(serve);
    assert.equal((await fetch(`${serve.url}/readyz`)).status, 200);
    assert.equal(await serve.stop(), 0);
    assert.equal(await secretKey(dir.db), key);
    assert.ok(!serve.lines.some((line) => line.includes('creating a new database')), serve.lines.join('\n'));
  });
});

describe('tally serve --init', () => {
  it('on a missing database creates and initialises it, logging a warning that names it', async () => {
    const dir = await dirs.make();
    const serve = await startServeProcess(dir.db, { init: true });
    started.push(serve);
    assert.equal((await fetch(`${serve.url}/readyz`)).status, 200);
    assert.equal(await serve.stop(), 0);
    const where = describeLocation(dir.db);
    const warnings = serve.lines.map((line) => JSON.parse(line) as { level: number; msg: string; db?: string }).filter((entry) => entry.level === 40);
    assert.deepEqual(warnings.map((entry) => [entry.msg, entry.db]), [[`creating a new database at ${where}`, where]]);
    assert.match(await secretKey(dir.db), /^[0-9a-f]{40}$/);
    assert.equal((await userRecord(dir.db, 'admin')).role, 'admin');
  });

  it('on an existing database adds nothing, keeps its key and warns of nothing', async () => {
    const dir = await initDb(dirs);
    const key = await secretKey(dir.db);
    const serve = await startServeProcess(dir.db, { init: true });
    started.push(serve);
    assert.equal((await fetch(`${serve.url}/readyz`)).status, 200);
    assert.equal(await serve.stop(), 0);
    assert.equal(await secretKey(dir.db), key);
    assert.ok(!serve.lines.some((line) => line.includes('creating a new database')), serve.lines.join('\n'));
  });

  it('is what npm start passes, so the quick start still creates ./data/tally.db', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(manifest.scripts['start'], 'exec node dist/src/cli/main.js serve --init');
  });
});
