/** What every CLI command shares: the config, the store, output, and refusals. */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type ConfigOverrides, type TallyConfig } from '../config.js';
import type { Actor } from '../domain/actor.js';
import { describeDecimalProblem, BALANCE_SCALE, parseMoney } from '../domain/money.js';
import { TallyError } from '../domain/errors.js';
import { MAX_COMMENT_LENGTH } from '../domain/ledger.js';
import { parseSwitch } from '../domain/settings.js';
import { describeLocation, openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export interface DbOption {
  readonly db?: string;
}

/** Adds the `--db PATH` option every command takes. */
export function withDbOption(command: Command): Command {
  return command.option('--db <path>', 'database file (default: $TALLY_DB, else ./data/tally.db)');
}

export function cliConfig(overrides: ConfigOverrides): TallyConfig {
  return loadConfig(overrides);
}

/**
 * Runs `work` with an open store, closing it after. Commands other than init and serve need an
 * existing, initialised database: they never create one by accident.
 */
export async function withStore<T>(options: DbOption, work: (store: Store, config: TallyConfig) => Promise<T>): Promise<T> {
  const config = cliConfig({ db: options.db });
  const store = await openStore(config.db, { mustExist: true, poolSize: config.pgPoolSize }).catch((error: unknown) => {
    // The store says what is missing; the way to create it is the CLI's to say.
    if (error instanceof TallyError && error.code === 'not_initialized') throw new TallyError(error.code, `${error.message}: run "tally init" first`);
    throw error;
  });
  try {
    if ((await store.systemCurrency()) === undefined) {
      throw new TallyError('not_initialized', `the database at ${describeLocation(config.db)} is not initialised: run "tally init"`);
    }
    return await work(store, config);
  } finally {
    await store.close();
  }
}

/** Who a CLI command acts as: the operating-system user (unnamed when the system cannot say). */
export function cliActor(): Actor {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
  return { source: 'cli', name: `cli:${name}` };
}

/** Writes lines to standard output. */
export function print(...lines: string[]): void {
  process.stdout.write(lines.map((line) => line + '\n').join(''));
}

/** Lays rows out in columns, the first row being the header. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length)))
      .join('  ')
      .trimEnd(),
  );
}

/** Parses an amount given on the command line, or refuses it with a one-line reason. */
export function moneyArgument(what: string, text: string): bigint {
  const parsed = parseMoney(text);
  if (!parsed.ok) {
    throw new TallyError('invalid_value', `${what} "${text}" ${describeDecimalProblem(parsed.problem, BALANCE_SCALE)}`);
  }
  return parsed.value;
}

/** A ledger comment: short, printable, one line. */
export function commentArgument(comment: string): string {
  if ([...comment].length > MAX_COMMENT_LENGTH || /[\u0000-\u001f\u007f]/.test(comment)) {
    throw new TallyError('invalid_value', `--comment must be at most ${MAX_COMMENT_LENGTH} printable characters`);
  }
  return comment;
}

/** Parses on/off style flags. */
export function switchArgument(what: string, text: string): boolean {
  const on = parseSwitch(text);
  if (on === undefined) throw new TallyError('invalid_value', `${what} takes on or off, not "${text}"`);
  return on;
}
