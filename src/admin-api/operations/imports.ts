/**
 * Importing users (spec admin-api.md section 4): a `tally import` file as the body, checked
 * whole and written in one transaction, or not at all, through the same src/admin/ call the CLI
 * makes. Bad lines are named with the CLI's own words (admin/import-messages.ts).
 */
import Type from 'typebox';
import { AdminError } from '../../admin/admin-error.js';
import { keyConflict } from '../../admin/idempotency.js';
import { importLineMessage } from '../../admin/import-messages.js';
import { readSwitch } from '../../admin/raw-input.js';
import { importUsers } from '../../admin/user-import.js';
import type { WholeReply } from '../../transport/reply.js';
import { operation } from '../operation.js';
import { problemReply } from '../problems.js';

export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** Enough to fix a file by; `error_count` says how many there are in all (a 64 MiB file may have millions). */
export const IMPORT_ERRORS_SHOWN = 1000;

const ImportReportSchema = Type.Object(
  {
    ok: Type.Literal(true),
    dry_run: Type.Boolean({ description: 'True when nothing was written because the request asked only for a check.' }),
    rows: Type.Integer({ description: 'Users imported (or, in a dry run, that would be).' }),
    errors: Type.Array(Type.Object({ line: Type.Integer(), message: Type.String() }, { additionalProperties: false }), {
      description: 'Always empty here: a file with a bad line answers 422 with its lines in the problem document.',
    }),
  },
  { additionalProperties: false },
);

const EXAMPLE_CSV = 'username,currency,balance,id,uniquehash\nalice,EUR,10.5,,\nbob,USD,0,7,\n';

export const importOperations = [
  operation({
    id: 'importUsers',
    method: 'POST',
    path: '/admin/v1/imports',
    access: 'admin',
    tag: 'Tools',
    summary: 'Import users from CSV',
    description: [
      "The body is a file in `tally import`'s format (`text/csv`, at most 64 MiB): a header of `username,currency,balance` and optionally `id` and `uniquehash`, then one user a line; a balance is in the system currency. Every line is checked (alone, across the file, and against the database) before anything is written; then every row is written in one transaction. Each user's opening balance is a ledger entry with the source `import`, naming the operator.",
      '`dry_run=true` checks and writes nothing.',
      '**A bad line writes nothing** and answers 422: a problem document (`code` `invalid`) that is also the import report, with `ok: false`, `rows` (the data lines that passed the checks of the file alone), `error_count`, and `errors` listing the first 1000 bad lines as `{"field":"line N","line":N,"message":…}`. A refusal is an error status, not a 200 with `ok: false`, so that a client that checks only the status cannot take a refused import for a done one, and so that a refused import is not kept as the answer of its Idempotency-Key: the corrected file may be sent with the same key.',
      'With an Idempotency-Key, a replay of the same body answers the first answer again (200) and imports nothing twice; a key already used for another request, or by a ledger entry of any surface, is a 409.',
    ].join('\n\n'),
    query: Type.Object(
      { dry_run: Type.Optional(Type.String({ description: '`true` to check only (also 1/0, on/off, yes/no); `false` when absent.', examples: ['true'] })) },
      { additionalProperties: false },
    ),
    bodyMedia: 'csv',
    maxBodyBytes: MAX_IMPORT_BYTES,
    idempotent: { replayStatus: 200 },
    example: EXAMPLE_CSV,
    answers: {
      201: { description: 'Imported.', schema: ImportReportSchema, example: { ok: true, dry_run: false, rows: 2, errors: [] } },
      200: { description: 'A dry run that found every line good, or a replay of an import (its first answer again).', schema: ImportReportSchema },
    },
    problems: ['invalid', 'conflict', 'unsupported_media_type', 'payload_too_large'],
    async handle({ query, rawBody, actor, requestId, idempotencyKey, deps }) {
      const dryRun = query.dry_run === undefined ? false : readSwitch('dry_run', query.dry_run);
      // The key names one change across every surface: one a ledger entry already carries
      // (a CLI `--key`, an adjustment) cannot name this import too.
      if (idempotencyKey !== undefined && (await deps.store.ledgerKeyTaken(idempotencyKey))) throw keyConflict(idempotencyKey);
      try {
        const result = await importUsers(
          deps.store,
          {
            source: async function* () {
              yield rawBody;
            },
            name: `request ${requestId}`,
            dryRun,
          },
          actor,
        );
        return { status: dryRun ? 200 : 201, json: { ok: true, dry_run: dryRun, rows: result.rows, errors: [] }, outcome: dryRun ? 'import_checked' : 'imported', keep: !dryRun };
      } catch (error) {
        if (error instanceof AdminError && error.reason === 'lines') return badLines(error);
        throw error;
      }
    },
  }),
];

/** The refused import's report, as a problem document. */
function badLines(error: AdminError): WholeReply {
  const errors = error.lines.slice(0, IMPORT_ERRORS_SHOWN).map((line) => ({ field: `line ${line.line}`, line: line.line, message: importLineMessage(line) }));
  const count = error.lines.length;
  const first = errors[0];
  const detail = `${count === 1 ? '1 line is' : `${count} lines are`} wrong; nothing was written${first === undefined ? '' : ` (${first.field}: ${first.message})`}`;
  return problemReply('invalid', detail, { errors, extra: { ok: false, rows: error.rows ?? 0, error_count: count } });
}
