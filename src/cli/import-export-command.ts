/** `tally import FILE.csv` and `tally export [FILE]`: users and balances in bulk. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { TallyError } from '../domain/errors.js';
import { newUniquehash } from '../domain/tokens.js';
import { usernameKey } from '../domain/usernames.js';
import type { ImportRow, Store } from '../store/store.js';
import { withDbOption, withStore, type DbOption } from './context.js';
import { csvLine, CSV_COLUMNS, DuplicateTracker, readUsersCsv, type CsvUser } from './csv-users.js';
import { progress } from './progress.js';

// Enough to fix a file by; the count says how many more there are.
const ERRORS_SHOWN = 20;

export function registerImportExport(program: Command): void {
  withDbOption(
    program
      .command('import')
      .description('add users from a CSV file (username,currency,balance[,id]): all of them, or none if any line is wrong')
      .argument('<file>'),
  ).action(async (file: string, options: DbOption) => {
    await access(file).catch(() => {
      throw new TallyError('not_found', `cannot read ${file}`);
    });
    await withStore(options, async (store) => {
      const currencies = new Set((await store.listCurrencies()).map((currency) => currency.code));
      const rows = await validate(file, currencies, store);
      const bar = progress('importing', rows);
      const count = await store.importUsers(importRows(file, currencies), `import ${basename(file)}`, () => bar.tick());
      bar.done();
      process.stdout.write(`imported ${count} users from ${file}\n`);
    });
  });

  withDbOption(
    program
      .command('export')
      .description('write every user (not admin accounts) as CSV, in the format import reads')
      .argument('[file]', 'output file (default: standard output)'),
  ).action(async (file: string | undefined, options: DbOption) =>
    withStore(options, async (store) => {
      const out = file === undefined ? process.stdout : createWriteStream(file);
      let count = 0;
      out.write(CSV_COLUMNS.join(',') + '\n');
      for await (const user of store.listUsers()) {
        if (user.role !== 'user') continue;
        count++;
        if (!out.write(csvLine(user))) await once(out, 'drain');
      }
      if (file !== undefined) {
        await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
        process.stderr.write(`exported ${count} users to ${file}\n`);
      }
    }),
  );
}

/** First pass: every line checked, nothing written. Returns the row count, or throws naming the bad lines. */
async function validate(file: string, currencies: ReadonlySet<string>, store: Store): Promise<number> {
  const duplicates = new DuplicateTracker();
  let rows = 0;
  let errors = 0;
  for await (const line of readUsersCsv(file, currencies)) {
    const problem = line.ok ? (duplicates.problem(line.user) ?? (await conflictWithDatabase(line.user, store))) : line.problem;
    if (problem === undefined) {
      rows++;
      continue;
    }
    errors++;
    if (errors <= ERRORS_SHOWN) process.stderr.write(`${file}:${line.ok ? line.user.line : line.line}: ${problem}\n`);
  }
  if (errors > ERRORS_SHOWN) process.stderr.write(`... and ${errors - ERRORS_SHOWN} more\n`);
  if (errors > 0) throw new TallyError('invalid_value', `${errors} line${errors === 1 ? ' has' : 's have'} errors; nothing was imported`);
  return rows;
}

async function conflictWithDatabase(user: CsvUser, store: Store): Promise<string | undefined> {
  if ((await store.findUser({ usernameKey: usernameKey(user.username) })) !== undefined) return `user ${user.username} already exists`;
  if (user.id !== undefined && (await store.findUser({ id: user.id })) !== undefined) return `id ${user.id} is already taken`;
  return undefined;
}

/** Second pass: the same rows, now known to be good, as store rows. */
async function* importRows(file: string, currencies: ReadonlySet<string>): AsyncGenerator<ImportRow> {
  for await (const line of readUsersCsv(file, currencies)) {
    if (!line.ok) throw new TallyError('conflict', `${file} changed while it was imported (line ${line.line}); nothing was imported`);
    const { id, username, currency, balance } = line.user;
    yield { ...(id !== undefined && { id }), username, currency, balance, uniquehash: newUniquehash() };
  }
}
