/** `tally audit`: who changed what, through which surface, newest first. */
import type { Command } from 'commander';
import { DEFAULT_AUDIT_LIMIT, listAudit } from '../admin/audit.js';
import { print, table, withDbOption, withStore, type DbOption } from './context.js';
import { json } from './format.js';
import { auditJson } from './json-views.js';

export function registerAudit(program: Command): void {
  withDbOption(
    program
      .command('audit')
      .description('the audit log of every change of administration, newest first')
      .option('--limit <n>', `how many entries (default: ${DEFAULT_AUDIT_LIMIT})`)
      .option('--json', 'one JSON array'),
  ).action(async (options: DbOption & { limit?: string; json?: boolean }) =>
    withStore(options, async (store) => {
      const entries = await listAudit(store, { limit: options.limit });
      if (options.json) {
        print(json(entries.map(auditJson)));
        return;
      }
      const rows = entries.map((e) => [String(e.id), e.createdAt, e.actor || '-', e.action, e.target, e.client ?? '-', e.requestId ?? '-', e.detail ?? '']);
      print(...table([['ID', 'TIME', 'OPERATOR', 'ACTION', 'TARGET', 'CLIENT', 'REQUEST', 'DETAIL'], ...rows]));
    }),
  );
}
