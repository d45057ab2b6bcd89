/** The `tally` commands a message tells the operator to run next: on the same database, ready to paste. */
import { DEFAULT_DB } from '../config.js';
import { retypeLocation } from '../store/open-store.js';

/**
 * `tally WORDS --db LOCATION`, each word quoted for a POSIX shell where it needs it. The `--db`
 * is left out for the default location only: without it, a command given `--db` or TALLY_DB
 * would read another database (./data/tally.db), or none.
 */
export function tallyCommand(words: readonly string[], db: string): string {
  const args = db === DEFAULT_DB ? words : [...words, '--db', retypeLocation(db)];
  return ['tally', ...args].map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back unchanged: as is when it holds nothing special, else in single quotes. */
export function shellWord(word: string): string {
  return /^[\w@%+:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

// The database this process's command runs on, once its options are read: a hint in an error
// message carries it, since a bare command would act on another database.
let commandDatabase: string | undefined;

export function setCommandDatabase(db: string): void {
  commandDatabase = db;
}

/** `tally WORDS` on the database of the command being run (see tallyCommand). */
export function hintCommand(words: readonly string[]): string {
  return tallyCommand(words, commandDatabase ?? DEFAULT_DB);
}
