/** Reading the audit log: who changed what, through which surface, newest first. */
import type { AuditEntry } from '../domain/audit.js';
import type { Store } from '../store/store.js';
import { readLimit, type RawNumber } from './raw-input.js';

export const DEFAULT_AUDIT_LIMIT = 50;

/** The newest audit entries; `before` (an entry id) pages further back. */
export async function listAudit(store: Store, input: { readonly limit?: RawNumber; readonly before?: RawNumber } = {}): Promise<readonly AuditEntry[]> {
  const limit = readLimit('limit', input.limit, DEFAULT_AUDIT_LIMIT);
  const before = input.before === undefined ? undefined : readLimit('before', input.before, 0, Number.MAX_SAFE_INTEGER);
  return store.auditEntries(limit, before);
}
