/**
 * Process configuration: the only module that reads the environment. Parsed once, validated,
 * frozen; a bad value fails at start with a message naming the variable or flag.
 */
import { TallyError } from './domain/errors.js';
import { locationProblem } from './store/location.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface TallyConfig {
  /** A SQLite file path (the embedded default) or a postgres:// URL; never a URL of another scheme. */
  readonly db: string;
  readonly port: number;
  readonly host: string;
  /** The admin API's and the console's listener (spec admin-api.md section 1); `off` opens none. */
  readonly adminPort: number | 'off';
  readonly adminHost: string;
  readonly logLevel: LogLevel;
  /** PostgreSQL connections per process. */
  readonly pgPoolSize: number;
  /** A client must send its request head within this time, and its whole request within the next. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

export const DEFAULT_DB = './data/tally.db';

/** Command-line values, which win over the environment. */
export interface ConfigOverrides {
  readonly db?: string | undefined;
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly adminPort?: string | undefined;
  readonly adminHost?: string | undefined;
}

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): TallyConfig {
  const db = pick(overrides.db, '--db', env.TALLY_DB, 'TALLY_DB');
  const port = pick(overrides.port, '--port', env.TALLY_PORT, 'TALLY_PORT');
  const host = pick(overrides.host, '--host', env.TALLY_HOST, 'TALLY_HOST');
  const adminPort = pick(overrides.adminPort, '--admin-port', env.TALLY_ADMIN_PORT, 'TALLY_ADMIN_PORT');
  const adminHost = pick(overrides.adminHost, '--admin-host', env.TALLY_ADMIN_HOST, 'TALLY_ADMIN_HOST');
  const logLevel = pick(undefined, '', env.TALLY_LOG_LEVEL, 'TALLY_LOG_LEVEL');
  const pgPoolSize = pick(undefined, '', env.TALLY_PG_POOL, 'TALLY_PG_POOL');
  const headersTimeout = pick(undefined, '', env.TALLY_HEADERS_TIMEOUT, 'TALLY_HEADERS_TIMEOUT');
  const requestTimeout = pick(undefined, '', env.TALLY_REQUEST_TIMEOUT, 'TALLY_REQUEST_TIMEOUT');
  const headersTimeoutMs = headersTimeout ? parseSeconds(headersTimeout.value, headersTimeout.source) * 1000 : 10_000;
  const requestTimeoutMs = requestTimeout ? parseSeconds(requestTimeout.value, requestTimeout.source) * 1000 : 30_000;
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new TallyError('invalid_value', 'TALLY_HEADERS_TIMEOUT must not be longer than TALLY_REQUEST_TIMEOUT');
  }
  return Object.freeze({
    db: db ? parseLocation(db.value, db.source) : DEFAULT_DB,
    port: port ? parsePort(port.value, port.source) : 8080,
    host: host ? nonEmpty(host.value, host.source) : '127.0.0.1',
    adminPort: adminPort ? parseAdminPort(adminPort.value, adminPort.source) : 8081,
    adminHost: adminHost ? nonEmpty(adminHost.value, adminHost.source) : '127.0.0.1',
    logLevel: logLevel ? parseLogLevel(logLevel.value, logLevel.source) : 'info',
    pgPoolSize: pgPoolSize ? parsePoolSize(pgPoolSize.value, pgPoolSize.source) : 10,
    headersTimeoutMs,
    requestTimeoutMs,
  });
}

function pick(flag: string | undefined, flagName: string, variable: string | undefined, variableName: string) {
  if (flag !== undefined) return { value: flag, source: flagName };
  if (variable !== undefined) return { value: variable, source: variableName };
  return undefined;
}

function nonEmpty(value: string, source: string): string {
  if (value.trim() === '') throw new TallyError('invalid_value', `${source} must not be empty`);
  return value;
}

function parseLocation(value: string, source: string): string {
  const problem = locationProblem(nonEmpty(value, source), source);
  if (problem !== undefined) throw new TallyError('invalid_value', problem);
  return value;
}

function parsePort(value: string, source: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new TallyError('invalid_value', `${source} must be a port number from 0 to 65535, not "${value}"`);
  }
  return Number(value);
}

function parseAdminPort(value: string, source: string): number | 'off' {
  if (value === 'off') return 'off';
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new TallyError('invalid_value', `${source} must be a port number from 0 to 65535, or "off", not "${value}"`);
  }
  return Number(value);
}

function parsePoolSize(value: string, source: string): number {
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 500) {
    throw new TallyError('invalid_value', `${source} must be a whole number from 1 to 500, not "${value}"`);
  }
  return Number(value);
}

function parseSeconds(value: string, source: string): number {
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 600) {
    throw new TallyError('invalid_value', `${source} must be a whole number of seconds from 1 to 600, not "${value}"`);
  }
  return Number(value);
}

function parseLogLevel(value: string, source: string): LogLevel {
  const level = LOG_LEVELS.find((candidate) => candidate === value);
  if (level === undefined) throw new TallyError('invalid_value', `${source} must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}
