/** `tally import FILE.csv` and `tally export [FILE]`: users and balances in bulk. */
import { once } from 'node:events';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { TallyError } from '../domain/errors.js';
import { newUniquehash } from '../domain/tokens.js';
import { MAX_USER_ID } from '../domain/user-ids.js';
import { usernameKey } from '../domain/usernames.js';
import type { ImportRow, Store } from '../store/store.js';
import { cliActor, withDbOption, withStore, type DbOption } from './context.js';
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
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile()) throw new TallyError('not_found', `cannot read ${file}: not a file`);
    await withStore(options, async (store) => {
      const currencies = new Set((await store.listCurrencies()).map((currency) => currency.code));
      const { rows, maxId } = await validate(file, currencies, store);
      const bar = progress('importing', rows);
      const count = await store.importUsers(importRows(file, currencies), {
        comment: `import ${basename(file)}`,
        by: { ...cliActor(), source: 'import' },
        ...(maxId !== undefined && { autoIdsAbove: maxId }),
        onRow: () => bar.tick(),
      });
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
      // Opened before anything is written, so an unwritable path is one clear message.
      const handle = file === undefined ? undefined : await open(file, 'w').catch((error: NodeJS.ErrnoException) => {
        throw new TallyError('invalid_value', `cannot write ${file}: ${error.code ?? error.message}`);
      });
      const out = handle === undefined ? process.stdout : handle.createWriteStream();
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

/**
 * First pass: every line checked, nothing written. Returns the row count and the largest
 * explicit id, or throws naming the bad lines.
 */
async function validate(file: string, currencies: ReadonlySet<string>, store: Store): Promise<{ rows: number; maxId: number | undefined }> {
  const duplicates = new DuplicateTracker();
  const problems: { line: number; problem: string }[] = [];
  let rows = 0;
  let maxId: number | undefined;
  // Lines of the rows without an id, numbered above maxId in this order.
  const unnumbered: number[] = [];
  let batch: CsvUser[] = [];
  const checkBatch = async (): Promise<void> => {
    problems.push(...(await conflictsWithDatabase(batch, store)));
    batch = [];
  };
  for await (const line of readUsersCsv(file, currencies)) {
    const problem = line.ok ? duplicates.problem(line.user) : line.problem;
    if (problem !== undefined) problems.push({ line: line.ok ? line.user.line : line.line, problem });
    else if (line.ok) {
      rows++;
      if (line.user.id !== undefined && (maxId === undefined || line.user.id > maxId)) maxId = line.user.id;
      if (line.user.id === undefined) unnumbered.push(line.user.line);
      batch.push(line.user);
      if (batch.length === CONFLICT_BATCH) await checkBatch();
    }
  }
  await checkBatch();
  // The file alone shows these; rows numbered past the bound because of ids already in the
  // database are refused by the store, inside the import's transaction.
  const room = maxId === undefined ? unnumbered.length : MAX_USER_ID - maxId;
  const first = unnumbered[room];
  if (first !== undefined) {
    const more = unnumbered.length - room - 1;
    problems.push({
      line: first,
      problem: `this row${more > 0 ? ` and the ${more} after it without an id` : ''} would be numbered above ${MAX_USER_ID} (the file's largest id is ${maxId}), the largest id a Kolmisoft client can address`,
    });
  }
  if (problems.length === 0) return { rows, maxId };

  problems.sort((a, b) => a.line - b.line);
  for (const { line, problem } of problems.slice(0, ERRORS_SHOWN)) process.stderr.write(`${file}:${line}: ${problem}\n`);
  if (problems.length > ERRORS_SHOWN) process.stderr.write(`... and ${problems.length - ERRORS_SHOWN} more\n`);
  const count = problems.length;
  throw new TallyError('invalid_value', `${count} line${count === 1 ? ' has' : 's have'} errors; nothing was imported`);
}

// Rows checked against the database per query.
const CONFLICT_BATCH = 2000;

async function conflictsWithDatabase(users: readonly CsvUser[], store: Store): Promise<{ line: number; problem: string }[]> {
  const withIds = users.filter((user) => user.id !== undefined);
  const taken = await store.takenUsers(
    users.map((user) => usernameKey(user.username)),
    withIds.map((user) => user.id!),
  );
  const problems: { line: number; problem: string }[] = [];
  for (const user of users) {
    if (taken.keys.has(usernameKey(user.username))) problems.push({ line: user.line, problem: `user ${user.username} already exists` });
    else if (user.id !== undefined && taken.ids.has(user.id)) problems.push({ line: user.line, problem: `id ${user.id} is already taken` });
  }
  return problems;
}

/** Second pass: the same rows, now known to be good, as store rows. */
async function* importRows(file: string, currencies: ReadonlySet<string>): AsyncGenerator<ImportRow> {
  for await (const line of readUsersCsv(file, currencies)) {
    if (!line.ok) throw new TallyError('conflict', `${file} changed while it was imported (line ${line.line}); nothing was imported`);
    const { id, username, currency, balance } = line.user;
    yield { ...(id !== undefined && { id }), username, currency, balance, uniquehash: newUniquehash() };
  }
}
