/** Reading a `mysql://` location: kept apart from the driver, so that naming one loads no driver. */
import { TallyError } from '../../domain/errors.js';

export interface MysqlLocation {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** The location without its password, for every message and log: `mysql://root@127.0.0.1:3306/mor`. */
  readonly display: string;
}

/** True for a location `tally import --from` reads as a Kolmisoft database. */
export function isMysqlLocation(location: string): boolean {
  return /^(mysql|mariadb):\/\//i.test(location);
}

const EXPECTED = 'expected mysql://USER:PASSWORD@HOST:PORT/DATABASE';

export function parseMysqlLocation(location: string): MysqlLocation {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    // The text itself may hold the password: it is not repeated.
    throw new TallyError('invalid_value', `the MySQL URL cannot be read: ${EXPECTED}`);
  }
  if (!isMysqlLocation(location)) throw new TallyError('invalid_value', `not a MySQL URL: ${EXPECTED}`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const user = decodeURIComponent(url.username);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const display = `mysql://${url.username === '' ? '' : `${url.username}@`}${url.host}${url.pathname}`;
  if (host === '') throw new TallyError('invalid_value', `the MySQL URL ${display} names no host: ${EXPECTED}`);
  if (database === '' || database.includes('/')) throw new TallyError('invalid_value', `the MySQL URL ${display} names no database: ${EXPECTED}`);
  if (url.search !== '' || url.hash !== '') throw new TallyError('invalid_value', `the MySQL URL ${display} takes no parameters: ${EXPECTED}`);
  return {
    host,
    port: url.port === '' ? 3306 : Number(url.port),
    user: user === '' ? 'root' : user,
    password: decodeURIComponent(url.password),
    database,
    display,
  };
}
