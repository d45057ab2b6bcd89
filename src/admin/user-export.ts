/** Exporting users as the users CSV that imports read, tokens included, so device URLs survive a move. */
import type { Store } from '../store/store.js';
import { csvHeader, csvLine } from './users-csv.js';

/**
 * The export's lines, header first, streamed: every active customer. Admin logins are not
 * customers, and a closed user would come back open from an import; `tally copy` moves both.
 */
export async function* exportUsers(store: Store): AsyncGenerator<string> {
  yield csvHeader();
  for await (const user of store.listUsers()) {
    if (user.role === 'user' && user.status === 'active') yield csvLine(user);
  }
}
