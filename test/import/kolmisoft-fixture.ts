/**
 * Kolmisoft-shaped databases on the local MariaDB (TALLY_TEST_MYSQL_URL, default
 * mysql://root@127.0.0.1:3306/test), one of its own per test: the tables and column types of a
 * Kolmisoft MOR database (balance DOUBLE, usertype varchar, hidden tinyint, uniquehash varchar,
 * nullable names), dropped when the test ends.
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { createConnection, type Connection } from 'mysql2/promise';

export const MYSQL_TEST_URL = process.env.TALLY_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

async function mysqlProblem(): Promise<string | undefined> {
  try {
    const connection = await createConnection({ uri: MYSQL_TEST_URL, connectTimeout: 3000 });
    await connection.end();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const problem = await mysqlProblem();
if (problem !== undefined && process.env.CI) {
  // In CI the import tests must run: an unreachable server fails the run, never skips them.
  throw new Error(`MariaDB at ${MYSQL_TEST_URL} is not reachable (CI is set): ${problem}`);
}

/** Options for a describe: skipped, saying why, only outside CI when no MariaDB answers. */
export function mysqlOptions(): { skip?: string } {
  return problem === undefined ? {} : { skip: `MariaDB not reachable: ${problem}` };
}

export const KOLMISOFT_SCHEMA = [
  `CREATE TABLE currencies (
     id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY,
     name varchar(5) DEFAULT NULL,
     full_name varchar(255) DEFAULT NULL,
     exchange_rate double NOT NULL DEFAULT 1,
     active tinyint(4) DEFAULT 1,
     last_update datetime DEFAULT NULL,
     curr_update tinyint(4) DEFAULT 1,
     curr_edit tinyint(4) DEFAULT 1
   ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE users (
     id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY,
     username varchar(255) NOT NULL DEFAULT '',
     password varchar(255) NOT NULL DEFAULT '',
     usertype varchar(20) NOT NULL DEFAULT 'user',
     first_name varchar(255) DEFAULT '',
     last_name varchar(255) DEFAULT '',
     balance double NOT NULL DEFAULT 0,
     currency_id int(11) DEFAULT 1,
     uniquehash varchar(30) DEFAULT NULL,
     hidden tinyint(4) NOT NULL DEFAULT 0,
     blocked tinyint(4) NOT NULL DEFAULT 0,
     owner_id int(11) NOT NULL DEFAULT 0
   ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
];

export interface KolmisoftDb {
  /** mysql://root@127.0.0.1:3306/tally_kolmisoft_... */
  readonly url: string;
  readonly name: string;
  /** Runs statements on it (Kolmisoft's id 0 kept: NO_AUTO_VALUE_ON_ZERO). */
  sql(text: string, values?: unknown[]): Promise<unknown>;
}

/** A new database of its own holding Kolmisoft's tables, dropped when the test ends. */
export async function kolmisoftDb(t: TestContext, rows: { currencies?: string; users?: string } = {}): Promise<KolmisoftDb> {
  const name = `tally_kolmisoft_${randomBytes(6).toString('hex')}`;
  const admin = await createConnection({ uri: MYSQL_TEST_URL });
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  const url = new URL(MYSQL_TEST_URL);
  url.pathname = `/${name}`;
  const connection: Connection = await createConnection({ uri: url.toString(), multipleStatements: true });
  await connection.query("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')");
  t.after(async () => {
    await connection.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    await admin.end();
  });
  for (const statement of KOLMISOFT_SCHEMA) await connection.query(statement);
  if (rows.currencies !== undefined) await connection.query(`INSERT INTO currencies (id, name, exchange_rate, active) VALUES ${rows.currencies}`);
  if (rows.users !== undefined) {
    await connection.query(`INSERT INTO users (id, username, usertype, first_name, last_name, balance, currency_id, uniquehash, hidden) VALUES ${rows.users}`);
  }
  return {
    url: url.toString(),
    name,
    sql: async (text, values = []) => (await connection.query(text, values))[0],
  };
}
