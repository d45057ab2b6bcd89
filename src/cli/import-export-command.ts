/** `tally import FILE.csv` and `tally export [FILE]`: users, balances and tokens in bulk. */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { AdminError } from '../admin/admin-error.js';
import { exportUsers } from '../admin/user-export.js';
import { importUsers } from '../admin/user-import.js';
import { importKolmisoft, KolmisoftRefused } from '../admin/kolmisoft-import.js';
import { kolmisoftProblemMessage, kolmisoftReportLines } from '../admin/kolmisoft-messages.js';
import { TallyError } from '../domain/errors.js';
import { cliActor, print, withDbOption, withStore, type DbOption } from './context.js';
import { importLineMessage } from '../admin/import-messages.js';
import { CliRefusal } from './messages.js';
import { progress } from './progress.js';

// Enough to fix a file by; the count says how many more there are.
const ERRORS_SHOWN = 20;

export function registerImportExport(program: Command): void {
  withDbOption(
    program
      .command('import')
      .description(
        'add users from a CSV file (username,currency,balance[,id][,uniquehash]) or, with --from, a Kolmisoft database: all of them, or none if any line or row is wrong',
      )
      .argument('[file]')
      .option('--from <url>', 'read a Kolmisoft MOR, M2 or M4 database instead: mysql://USER:PASSWORD@HOST:PORT/DATABASE')
      .option('--dry-run', 'check every line and write nothing'),
  ).action(async (file: string | undefined, options: DbOption & { dryRun?: boolean; from?: string }) => {
    if (options.from !== undefined) {
      if (file !== undefined) throw new TallyError('invalid_value', 'give a CSV file or --from, not both');
      return importFromKolmisoft(options.from, options);
    }
    if (file === undefined) throw new TallyError('invalid_value', 'give a CSV file to import, or --from mysql://USER:PASSWORD@HOST:PORT/DATABASE');
    const info = await stat(file).catch(() => undefined);
    if (info === undefined) throw new CliRefusal(`cannot read ${file}: no such file`);
    if (!info.isFile()) throw new CliRefusal(`cannot read ${file}: not a file`);
    await withStore(options, async (store) => {
      let bar: ReturnType<typeof progress> | undefined;
      const result = await importUsers(
        store,
        {
          source: () => createReadStream(file),
          name: basename(file),
          dryRun: options.dryRun === true,
          onRow: (rows) => (bar ??= progress('importing', rows)).tick(),
        },
        cliActor(),
      ).catch((error: unknown) => {
        if (error instanceof AdminError) for (const line of error.lines.slice(0, ERRORS_SHOWN)) process.stderr.write(`${file}:${line.line}: ${importLineMessage(line)}\n`);
        if (error instanceof AdminError && error.lines.length > ERRORS_SHOWN) process.stderr.write(`... and ${error.lines.length - ERRORS_SHOWN} more\n`);
        throw error;
      });
      bar?.done();
      if (options.dryRun) process.stdout.write(`${file}: all ${result.rows} users can be imported; nothing was written (dry run)\n`);
      else process.stdout.write(`imported ${result.imported} users from ${file}\n`);
    });
  });

  withDbOption(
    program
      .command('export')
      .description('write every active user (not admin accounts) as CSV with its uniquehash, in the format import reads')
      .argument('[file]', 'output file (default: standard output)'),
  ).action(async (file: string | undefined, options: DbOption) =>
    withStore(options, async (store) => {
      // Opened before anything is written, so an unwritable path is one clear message.
      const handle =
        file === undefined
          ? undefined
          : await open(file, 'w').catch((error: NodeJS.ErrnoException) => {
              throw new CliRefusal(`cannot write ${file}: ${fileProblem(error)}`);
            });
      const out = handle === undefined ? process.stdout : handle.createWriteStream();
      let count = -1; // the header is no user
      for await (const line of exportUsers(store)) {
        count++;
        if (!out.write(line)) await once(out, 'drain');
      }
      if (file !== undefined) {
        await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
        process.stderr.write(`exported ${count} users to ${file}\n`);
      }
    }),
  );
}

/** `tally import --from mysql://...`: the rules are the admin layer's; this prints. */
async function importFromKolmisoft(from: string, options: DbOption & { dryRun?: boolean }): Promise<void> {
  await withStore(options, async (store) => {
    const report = await importKolmisoft(
      store,
      { from, dryRun: options.dryRun === true, progress: (stage, total) => progress(stage === 'checking' ? 'checking rows' : 'importing', total) },
      cliActor(),
    ).catch((error: unknown) => {
      if (error instanceof KolmisoftRefused) {
        for (const problem of error.problems.slice(0, ERRORS_SHOWN)) process.stderr.write(`${kolmisoftProblemMessage(problem)}\n`);
        if (error.problems.length > ERRORS_SHOWN) process.stderr.write(`... and ${error.problems.length - ERRORS_SHOWN} more\n`);
      }
      throw error;
    });
    print(...kolmisoftReportLines(report));
  });
}

/** A file system error in words, for the one line of a refusal. */
function fileProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return error.message;
  }
}
