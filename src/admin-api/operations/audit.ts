/** The audit log: who changed what, through which surface (spec admin-api.md section 3). */
import Type from 'typebox';
import { listAuditPage } from '../../admin/audit.js';
import type { AuditEntry } from '../../domain/audit.js';
import { operation } from '../operation.js';
import { CursorParam, FromParam, LimitParam, Page, Time, ToParam } from '../schemas.js';
import { apiTime } from '../views.js';

const AuditEntrySchema = Type.Object(
  {
    id: Type.Integer({ examples: [7] }),
    operator: Type.String({ description: "Who: an operator's name, or `cli:` and the operating-system user.", examples: ['ops'] }),
    source: Type.Enum(['cli', 'api', 'import', 'admin']),
    action: Type.String({ examples: ['balance.adjust'] }),
    target: Type.String({ description: '`user:ID`, `currency:CODE`, `setting:NAME`, `client:ADDRESS`, `operator:NAME` or `database`.', examples: ['user:1'] }),
    detail: Type.Union([Type.String(), Type.Null()], { description: 'What changed, never a secret.' }),
    client: Type.Union([Type.String(), Type.Null()], { examples: ['127.0.0.1'] }),
    request_id: Type.Union([Type.String(), Type.Null()]),
    created_at: Time,
  },
  { additionalProperties: false },
);

function auditView(entry: AuditEntry): Record<string, unknown> {
  return {
    id: entry.id,
    operator: entry.actor,
    source: entry.source,
    action: entry.action,
    target: entry.target,
    detail: entry.detail ?? null,
    client: entry.client ?? null,
    request_id: entry.requestId ?? null,
    created_at: apiTime(entry.createdAt),
  };
}

export const auditOperations = [
  operation({
    id: 'listAudit',
    method: 'GET',
    path: '/admin/v1/audit',
    access: 'owner',
    tag: 'Security',
    summary: 'The audit log',
    description: 'Every change made through this API, the console or the CLI, newest first.',
    query: Type.Object(
      {
        operator: Type.Optional(Type.String({ description: 'Only changes by this actor (exactly as listed).', examples: ['ops'] })),
        from: Type.Optional(FromParam),
        to: Type.Optional(ToParam),
        limit: Type.Optional(LimitParam),
        cursor: Type.Optional(CursorParam),
      },
      { additionalProperties: false },
    ),
    answers: { 200: { description: 'A page of audit entries.', schema: Page(AuditEntrySchema, 'audit entries') } },
    problems: ['invalid'],
    async handle({ query, deps }) {
      const page = await listAuditPage(deps.store, query);
      return { status: 200, json: { data: page.entries.map(auditView), next_cursor: page.nextCursor ?? null } };
    },
  }),
];
