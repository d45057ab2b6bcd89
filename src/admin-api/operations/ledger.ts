/** The ledger: one user's entries, every entry with filters, and the same selection as CSV (spec admin-api.md section 4). */
import Type from 'typebox';
import { exportLedgerCsv, listLedger, summariseLedger, userLedger } from '../../admin/ledger.js';
import { operation } from '../operation.js';
import { CursorParam, FromParam, LimitParam, Money, Page, SignedMoney, ToParam } from '../schemas.js';
import { ledgerEntryView, LedgerEntrySchema } from '../views.js';
import { UserIdParams } from './users.js';

const LedgerSourceParam = Type.Enum(['cli', 'api', 'import', 'admin'], { description: 'Only entries from this surface.' });

/** The filters of GET /admin/v1/ledger, which its summary takes too. */
const LedgerFilterQuery = {
  from: Type.Optional(FromParam),
  to: Type.Optional(ToParam),
  source: Type.Optional(LedgerSourceParam),
  user_id: Type.Optional(Type.String({ description: "Only this user's entries.", examples: ['1'] })),
  operator: Type.Optional(Type.String({ description: 'Only entries made by this operator (or `cli:USER`, or a Kolmisoft login).', examples: ['ops'] })),
};

const LedgerSummarySchema = Type.Object(
  {
    entries: Type.Integer({ description: 'Entries in the selection.', examples: [3] }),
    credits: { ...Money, description: 'The sum of the positive amounts, in the system currency.', examples: ['40'] },
    debits: { ...SignedMoney, description: 'The sum of the negative amounts (zero or less), in the system currency.', examples: ['-12.5'] },
    net: { ...SignedMoney, description: 'credits + debits.', examples: ['27.5'] },
  },
  { additionalProperties: false },
);

/** The filter as src/admin/ledger.ts takes it: only what the query gives. */
function filterOf(query: { from?: string; to?: string; source?: string; user_id?: string; operator?: string }) {
  return {
    ...(query.from !== undefined && { from: query.from }),
    ...(query.to !== undefined && { to: query.to }),
    ...(query.source !== undefined && { source: query.source }),
    ...(query.user_id !== undefined && { userId: query.user_id }),
    ...(query.operator !== undefined && { operator: query.operator }),
  };
}

function pageAnswer(page: Awaited<ReturnType<typeof listLedger>>) {
  return { status: 200, json: { data: page.entries.map((entry) => ledgerEntryView(entry, entry.username)), next_cursor: page.nextCursor ?? null } };
}

export const ledgerOperations = [
  operation({
    id: 'listUserLedger',
    method: 'GET',
    path: '/admin/v1/users/{id}/ledger',
    access: 'viewer',
    tag: 'Balances',
    summary: "A user's ledger",
    description: "The user's entries, newest first (closed users included).",
    params: UserIdParams,
    query: Type.Object(
      { from: Type.Optional(FromParam), to: Type.Optional(ToParam), limit: Type.Optional(LimitParam), cursor: Type.Optional(CursorParam) },
      { additionalProperties: false },
    ),
    answers: { 200: { description: 'A page of entries.', schema: Page(LedgerEntrySchema, 'ledger entries') } },
    problems: ['not_found', 'invalid'],
    async handle({ params, query, deps }) {
      return pageAnswer(await userLedger(deps.store, params.id, query));
    },
  }),
  operation({
    id: 'listLedger',
    method: 'GET',
    path: '/admin/v1/ledger',
    access: 'viewer',
    tag: 'Balances',
    summary: 'Every ledger entry',
    description:
      'Every entry, newest first, filtered by time, source, user and operator. With `Accept: text/csv` the same selection is streamed as CSV, without a limit (`limit` and `cursor` do not apply).',
    query: Type.Object({ ...LedgerFilterQuery, limit: Type.Optional(LimitParam), cursor: Type.Optional(CursorParam) }, { additionalProperties: false }),
    answers: {
      200: {
        description: 'A page of entries, or with `Accept: text/csv` the whole selection as CSV.',
        schema: Page(LedgerEntrySchema, 'ledger entries'),
      },
    },
    problems: ['invalid'],
    async handle({ query, headers, deps }) {
      const filter = filterOf(query);
      if (wantsCsv(headers.accept)) {
        const lines = exportLedgerCsv(deps.store, filter);
        return { status: 200, csv: lines, headers: { 'Content-Disposition': 'attachment; filename="ledger.csv"' }, outcome: 'ledger_csv' };
      }
      return pageAnswer(await listLedger(deps.store, { ...filter, ...(query.limit !== undefined && { limit: query.limit }), ...(query.cursor !== undefined && { cursor: query.cursor }) }));
    },
  }),
  operation({
    id: 'summariseLedger',
    method: 'GET',
    path: '/admin/v1/ledger/summary',
    access: 'viewer',
    tag: 'Balances',
    summary: 'Totals of ledger entries',
    description:
      'The totals of the whole selection that `GET /admin/v1/ledger` lists with the same filters (every page of it): how many entries, the sum of credits, of debits and the net, exact, in the system currency.',
    query: Type.Object(LedgerFilterQuery, { additionalProperties: false }),
    answers: { 200: { description: 'The totals.', schema: LedgerSummarySchema, example: { entries: 3, credits: '40', debits: '-12.5', net: '27.5' } } },
    problems: ['invalid'],
    async handle({ query, deps }) {
      return { status: 200, json: await summariseLedger(deps.store, filterOf(query)) };
    },
  }),
];

/** True when the client asks for CSV before JSON. */
function wantsCsv(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const types = accept.split(',').map((part) => part.split(';', 1)[0]!.trim().toLowerCase());
  const csv = types.indexOf('text/csv');
  const json = types.indexOf('application/json');
  return csv !== -1 && (json === -1 || csv < json);
}
