/** Reading the audit log: who changed what, through which surface, newest first. */
import type { AuditEntry } from '../domain/audit.js';
import type { Administration, Store } from '../store/store.js';
import { invalid } from './admin-error.js';
import { pageCursor, readCursor, readLimit, readName, readTime, type RawNumber } from './raw-input.js';

export const DEFAULT_AUDIT_LIMIT = 50;
/** The most records one page of the admin API's audit list holds. */
export const MAX_AUDIT_PAGE_LIMIT = 500;

/** The newest audit entries; `before` (an entry id) pages further back. The CLI's form. */
export async function listAudit(store: Store, input: { readonly limit?: RawNumber; readonly before?: RawNumber } = {}): Promise<readonly AuditEntry[]> {
  const limit = readLimit('limit', input.limit, DEFAULT_AUDIT_LIMIT);
  const before = input.before === undefined ? undefined : readLimit('before', input.before, 0, Number.MAX_SAFE_INTEGER);
  return store.auditEntries(limit, before);
}

export interface AuditPageInput {
  /** The actor's name, exactly: an operator's, or `cli:` and an operating-system user. */
  readonly operator?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: RawNumber;
  readonly cursor?: string;
}

/** One page of the audit log, newest first, for the admin API: keyset pages with an opaque cursor. */
export async function listAuditPage(
  store: Pick<Administration, 'auditPage'>,
  input: AuditPageInput,
): Promise<{ readonly entries: readonly AuditEntry[]; readonly nextCursor: string | undefined }> {
  const actor = input.operator === undefined ? undefined : readName('operator', input.operator);
  const fromMs = input.from === undefined ? undefined : readTime('from', input.from);
  const toMs = input.to === undefined ? undefined : readTime('to', input.to);
  if (fromMs !== undefined && toMs !== undefined && toMs < fromMs) throw invalid({ entity: 'time', field: 'to', value: input.to, reason: 'before_from' });
  const limit = readLimit('limit', input.limit, DEFAULT_AUDIT_LIMIT, MAX_AUDIT_PAGE_LIMIT);
  const beforeId = input.cursor === undefined ? undefined : readCursor('cursor', input.cursor);
  // One more than asked tells whether a next page exists.
  const rows = await store.auditPage({
    limit: limit + 1,
    ...(actor !== undefined && { actor }),
    ...(fromMs !== undefined && { fromMs }),
    ...(toMs !== undefined && { toMs }),
    ...(beforeId !== undefined && { beforeId }),
  });
  const entries = rows.slice(0, limit);
  return { entries, nextCursor: rows.length > limit ? pageCursor(entries.at(-1)!.id) : undefined };
}
