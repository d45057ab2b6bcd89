/**
 * A server never acknowledges a write that cannot last: with its SQLite file deleted or replaced
 * under it, on a full disk, or on a PostgreSQL that refuses to store anything, /readyz answers
 * 503 saying why within a second, every write answers the internal-error document, and the log
 * says why. Reads keep answering. A full disk, once freed, is writable again.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { RunningServer } from '../../src/app.js';
import { describeLocation } from '../../src/store/open-store.js';
import { fillDisk, mountSmallDisk, type SmallDisk } from '../support/small-disk.js';
import { BACKEND, eventually, execSql, runTally, startTestServer, tempDir, type TempDir } from '../support/fixtures.js';
import { balanceXml, errorXml, TEXT_TYPE, updatedXml, XML_TYPE } from '../support/spec-oracle.js';
import { send, signed, API_PATH, type Answer } from './helpers.js';
import { FORM, prepareDatabase } from './hardening-helpers.js';
import { update, UPDATE_PATH } from './write-helpers.js';

const INTERNAL_ERROR = errorXml('status', 'Internal error');
/** How soon the server must notice, as the issue asks. */
const NOTICE_MS = 1000;

interface LogEntry {
  readonly level: number;
  readonly msg: string;
  readonly db?: string;
  readonly err?: { readonly message?: string };
  readonly reason?: string;
}

/** A real server on a prepared database (alice, id 1, holds 26), with its log kept in memory. */
async function serveWithLog(db: string): Promise<{ server: RunningServer; log: LogEntry[] }> {
  const log: LogEntry[] = [];
  const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => void log.push(JSON.parse(line) as LogEntry) });
  // Not --init: the database exists, and a server must never create one behind the operator.
  return { server: await startTestServer(db, { logger, init: false }), log };
}

function form(url: string, path: string, params: Record<string, string>): Promise<Answer> {
  return send(url + path, { method: 'POST', headers: { 'content-type': FORM }, body: new URLSearchParams(params).toString() });
}

/** Waits up to NOTICE_MS for /readyz to answer `status`, then asserts the whole answer. */
async function assertReadyz(url: string, status: number, body: string): Promise<void> {
  let last: Answer | undefined;
  const started = Date.now();
  const reached = await eventually(async () => (last = await send(`${url}/readyz`)).status === status, NOTICE_MS);
  assert.ok(reached, `/readyz still answered ${last?.status} ${JSON.stringify(last?.body)} after ${Date.now() - started} ms`);
  assert.equal(last!.body, body);
  assert.equal(last!.type, TEXT_TYPE);
}

function assertInternalError(answer: Answer): void {
  assert.equal(answer.body, INTERNAL_ERROR);
  assert.equal(answer.status, 500);
  assert.equal(answer.type, XML_TYPE);
}

function aliceBalance(url: string): Promise<Answer> {
  return form(url, API_PATH, signed('alice'));
}

const sqliteOnly = BACKEND === 'postgres' ? 'about SQLite files (the PostgreSQL half is below)' : false;
const postgresOnly = BACKEND === 'sqlite' ? 'about PostgreSQL (the SQLite file checks are above)' : false;

describe('a SQLite file taken away from a running server', { skip: sqliteOnly }, () => {
  const temps: TempDir[] = [];
  const servers: RunningServer[] = [];
  after(async () => {
    for (const server of servers) await server.close();
    for (const temp of temps) await temp.remove();
  });

  async function running(): Promise<{ db: string; server: RunningServer; log: LogEntry[] }> {
    const temp = await tempDir();
    temps.push(temp);
    await prepareDatabase(temp.db);
    const { server, log } = await serveWithLog(temp.db);
    servers.push(server);
    await assertReadyz(server.url, 200, 'ready\n');
    return { db: temp.db, server, log };
  }

  async function assertRefusesWrites(db: string, server: RunningServer, log: LogEntry[]): Promise<void> {
    const reason = `the database file ${db} was deleted or replaced while the server had it open`;
    await assertReadyz(server.url, 503, `database not writable: ${reason}\n`);
    assertInternalError(await form(server.url, UPDATE_PATH, update('1', '30')));
    // Reads keep answering, and the refused update is not in what they read.
    const read = await aliceBalance(server.url);
    assert.equal(read.body, balanceXml('26.00'));
    assert.equal(read.status, 200);
    const notWritable = log.filter((entry) => entry.msg === `database not writable: ${reason}`);
    assert.equal(notWritable.length, 1, 'the change is logged once, as an error naming the path');
    assert.equal(notWritable[0]!.level, 50);
    assert.equal(notWritable[0]!.db, db);
    const failed = log.filter((entry) => entry.msg === 'request failed');
    assert.ok(failed.some((entry) => entry.reason === reason && entry.err === undefined), 'the refused write is logged with its reason, no stack');
  }

  it('rm of the file and its -wal and -shm makes /readyz 503 within a second and balance updates answer the internal error', async () => {
    const { db, server, log } = await running();
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    await assertRefusesWrites(db, server, log);
  });

  it('another database renamed over the file makes /readyz 503 within a second and balance updates answer the internal error', async () => {
    const { db, server, log } = await running();
    const other = await tempDir();
    temps.push(other);
    await prepareDatabase(other.db, { users: [{ name: 'alice', balance: '99' }] });
    await rename(other.db, db);
    await assertRefusesWrites(db, server, log);
  });

  it('keeps throttling wrong hashes while the store cannot count them: the node blocks at the limit itself', async () => {
    const { db, server } = await running();
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    await assertReadyz(server.url, 503, `database not writable: the database file ${db} was deleted or replaced while the server had it open\n`);
    const wrong = { username: 'alice', hash: '0'.repeat(40) };
    for (let i = 0; i < 20; i++) assert.equal((await form(server.url, API_PATH, wrong)).body, errorXml('status', 'Incorrect hash'));
    const blocked = await form(server.url, API_PATH, signed('alice'));
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body, errorXml('status', 'Too many failed attempts'));
  });

  it('a write that reached the server just after the rm, before the watchdog looked, is refused too', async () => {
    const { db, server } = await running();
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    // No wait: the check before each commit, not the timer, refuses this one.
    assertInternalError(await form(server.url, UPDATE_PATH, update('1', '30')));
  });

  it('after the rm, serve without --init refuses to start on the missing path and creates nothing', async () => {
    const { db } = await running();
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    const restarted = await runTally(['serve', '--db', db, '--port', '0']);
    assert.equal(restarted.code, 1);
    assert.equal(restarted.stderr, `tally: no database at ${db}: create it with "tally init --db ${db}" or run "tally serve --init --db ${db}"\n`);
    assert.equal(existsSync(db), false, 'no database was created');
  });
});

describe('a full disk under a running SQLite server', { skip: sqliteOnly }, () => {
  let disk: SmallDisk | string;
  let db: string;
  let server: RunningServer | undefined;
  let log: LogEntry[];
  const filler = (): string => join((disk as SmallDisk).dir, 'filler');

  before(async () => {
    disk = await mountSmallDisk();
    if (typeof disk === 'string') return;
    db = join(disk.dir, 'tally.db');
    await prepareDatabase(db);
    ({ server, log } = await serveWithLog(db));
  });
  after(async () => {
    await server?.close(); // before the unmount, which a file still open would make fail
    if (typeof disk !== 'string') await disk.remove();
  });

  it('answers /readyz 503 within a second and refuses a balance update, then is ready again within a second of freeing space', async (t) => {
    if (typeof disk === 'string') return t.skip(disk);
    const url = server!.url;
    await assertReadyz(url, 200, 'ready\n');
    fillDisk(filler());
    await assertReadyz(url, 503, `database not writable: the disk holding ${db} is full\n`);
    assertInternalError(await form(url, UPDATE_PATH, update('1', '30')));
    assert.ok(log.some((entry) => entry.level === 50 && entry.msg === `database not writable: the disk holding ${db} is full`));

    rmSync(filler());
    await assertReadyz(url, 200, 'ready\n');
    assert.ok(log.some((entry) => entry.msg === 'database writable again' && entry.db === db));
    // The refused update changed nothing; the next one works.
    assert.equal((await aliceBalance(url)).body, balanceXml('26.00'));
    const verified = await runTally(['verify', '--db', db]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const updated = await form(url, UPDATE_PATH, update('1', '30'));
    assert.equal(updated.body, updatedXml('alice', '1', '56.0'));
    assert.equal(updated.status, 200);
    assert.equal((await aliceBalance(url)).body, balanceXml('56.00'));
  });
});

describe('a PostgreSQL that refuses to store anything', { skip: postgresOnly }, () => {
  let temp: TempDir;
  let server: RunningServer;
  let log: LogEntry[];
  before(async () => {
    temp = await tempDir();
    await prepareDatabase(temp.db);
    ({ server, log } = await serveWithLog(temp.db));
  });
  after(async () => {
    await server.close();
    await temp.remove();
  });

  /** The server's own error for a full disk or a read-only database, raised by triggers in this test's schema. */
  async function refuseWrites(sqlstate: string): Promise<void> {
    await execSql(temp.db, `CREATE FUNCTION refuse_all() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'simulated refusal' USING ERRCODE = '${sqlstate}'; END $$`);
    await execSql(temp.db, 'CREATE TRIGGER refuse_entries BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_all()');
    // The probe write rewrites config_version: it fails too, until the tables are writable again.
    await execSql(temp.db, 'CREATE TRIGGER refuse_probe BEFORE UPDATE ON config_version FOR EACH ROW EXECUTE FUNCTION refuse_all()');
  }

  async function allowWrites(): Promise<void> {
    await execSql(temp.db, 'DROP FUNCTION refuse_all() CASCADE');
  }

  for (const [sqlstate, what] of [
    ['53100', 'a full disk'],
    ['25006', 'a read-only transaction'],
  ] as const) {
    it(`after a write fails with ${sqlstate} (${what}), /readyz answers 503 naming it and writes answer the internal error until one succeeds again`, async () => {
      const location = describeLocation(temp.db);
      const reason = `a write to ${location} failed (SQLSTATE ${sqlstate}: simulated refusal)`;
      await assertReadyz(server.url, 200, 'ready\n');
      const before = await aliceBalance(server.url);
      await refuseWrites(sqlstate);
      try {
        assertInternalError(await form(server.url, UPDATE_PATH, update('1', '1')));
        await assertReadyz(server.url, 503, `database not writable: ${reason}\n`);
        assert.ok(log.some((entry) => entry.level === 50 && entry.msg === `database not writable: ${reason}` && entry.db === location));
        // Refused without reaching the database: the refusal is Tally's own, not the trigger's.
        assertInternalError(await form(server.url, UPDATE_PATH, update('1', '2')));
        assert.ok(log.some((entry) => entry.msg === 'request failed' && entry.reason === reason));
        assert.equal((await aliceBalance(server.url)).body, before.body, 'reads keep answering, unchanged');
      } finally {
        await allowWrites();
      }
      await assertReadyz(server.url, 200, 'ready\n');
      assert.ok(log.some((entry) => entry.msg === 'database writable again' && entry.db === location));
      const updated = await form(server.url, UPDATE_PATH, update('1', '3'));
      assert.equal(updated.status, 200, updated.body);
    });
  }
});
