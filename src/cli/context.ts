/** What every CLI command shares: the config, the store, output, and refusals. */
import type { Command } from 'commander';
import { loadConfig, type ConfigOverrides, type TallyConfig } from '../config.js';
import { operatingSystemActor } from '../admin/actors.js';
import type { Actor } from '../domain/actor.js';
import { TallyError } from '../domain/errors.js';
import { describeLocation, openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { setCommandDatabase, tallyCommand } from './command-hint.js';

export interface DbOption {
  readonly db?: string;
}

/** Adds the `--db PATH` option every command takes. */
export function withDbOption(command: Command): Command {
  return command.option('--db <path>', 'database file (default: $TALLY_DB, else ./data/tally.db)');
}

export function cliConfig(overrides: ConfigOverrides): TallyConfig {
  const config = loadConfig(overrides);
  setCommandDatabase(config.db);
  return config;
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

/** Who a command's changes are recorded as: `cli:` and the operating-system user. */
export function cliActor(): Actor {
  return operatingSystemActor();
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
