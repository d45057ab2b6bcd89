/** What every CLI command shares: the config, the store, output, and refusals. */
import type { Command } from 'commander';
import { loadConfig, type ConfigOverrides, type TallyConfig } from '../config.js';
import { describeDecimalProblem, BALANCE_SCALE, parseMoney } from '../domain/money.js';
import { TallyError } from '../domain/errors.js';
import { MAX_COMMENT_LENGTH } from '../domain/ledger.js';
import { parseSwitch } from '../domain/settings.js';
import { describeLocation, openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { tallyCommand } from './command-hint.js';

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
  // One sentence for a missing file, a file or schema of other tables, and tables never
  // initialised, whose command carries this --db: a bare "tally init" would create another.
  const notInitialized = () =>
    new TallyError('not_initialized', `no Tally database at ${describeLocation(config.db)}: create it with "${tallyCommand(['init'], config.db)}"`);
  const store = await openStore(config.db, { mustExist: true, poolSize: config.pgPoolSize }).catch((error: unknown) => {
    throw error instanceof TallyError && error.code === 'not_initialized' ? notInitialized() : error;
  });
  try {
    if ((await store.systemCurrency()) === undefined) throw notInitialized();
    return await work(store, config);
  } finally {
    await store.close();
  }
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
