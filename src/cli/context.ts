/** What every CLI command shares: the config, the store, output, and refusals. */
import type { Command } from 'commander';
import { loadConfig, type ConfigOverrides, type TallyConfig } from '../config.js';
import { operatingSystemActor } from '../admin/actors.js';
import type { Actor } from '../domain/actor.js';
import { TallyError } from '../domain/errors.js';
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
