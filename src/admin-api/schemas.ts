/**
 * The schemas every operation shares, in TypeBox: each is the JSON Schema that validates a
 * request and documents it in the OpenAPI document, so the two cannot drift apart.
 */
import Type, { type TSchema } from 'typebox';
import { OPERATOR_ROLES } from '../domain/operators.js';
import { PROBLEM_CODES } from './problems.js';

/** Money: an exact decimal in a string, never a JSON number. */
export const Money = Type.String({
  description: 'An exact decimal in a string (never a JSON number): at most 6 fractional digits, no exponent.',
  examples: ['26.5'],
});

/** A signed amount of money. */
export const SignedMoney = Type.String({
  description: 'A signed exact decimal in a string (never a JSON number): at most 6 fractional digits, no exponent.',
  examples: ['-3.333333'],
});

export const Rate = Type.String({ description: 'An exchange rate against the system currency, as an exact decimal in a string.', examples: ['0.92'] });

export const Time = Type.String({
  description: 'RFC 3339 in UTC with milliseconds; finer stored times are truncated.',
  examples: ['2026-12-01T18:20:44.123Z'],
});

export const OperatorRoleSchema = Type.Enum([...OPERATOR_ROLES], { description: 'viewer reads everything but secrets; admin also changes users, balances, currencies, unblocks and imports; owner also settings, keys and operators.',
});

/** Query parameters are text: their meaning (a number, a time) is checked by the admin layer, which names the field. */
export const LimitParam = Type.String({ description: 'How many at most: 1 to 500 (default 50).', examples: ['50'] });
export const CursorParam = Type.String({ description: 'The `next_cursor` of the previous page (opaque).' });
export const FromParam = Type.String({ description: 'Only entries at or after this time (RFC 3339).', examples: ['2026-12-01T00:00:00.000Z'] });
export const ToParam = Type.String({ description: 'Only entries before this time (RFC 3339).', examples: ['2026-12-02T00:00:00.000Z'] });

/** `{"data":[…],"next_cursor":…}`: a page of a list (keyset pagination). */
export function Page<T extends TSchema>(item: T, name: string) {
  return Type.Object(
    {
      data: Type.Array(item),
      next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last one.' }),
    },
    { additionalProperties: false, description: `A page of ${name}.` },
  );
}

export const FieldErrorSchema = Type.Object(
  {
    field: Type.String({ examples: ['amount'] }),
    message: Type.String({ examples: ['must be a string'] }),
    line: Type.Optional(Type.Integer({ description: 'On POST /admin/v1/imports only: the CSV line at fault (1 is the header); `field` is then `line N`.', examples: [3] })),
  },
  { additionalProperties: false },
);

/** RFC 9457 problem document. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ examples: ['/admin/docs#problem-invalid'] }),
    title: Type.String({ examples: ['Invalid request'] }),
    status: Type.Integer({ examples: [422] }),
    code: Type.Enum([...PROBLEM_CODES]),
    detail: Type.String({ examples: ['amount: must be a string'] }),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
    operators_exist: Type.Optional(Type.Boolean({ description: 'On GET /admin/v1/session only: false while no operator exists yet.' })),
    ok: Type.Optional(Type.Literal(false, { description: 'On POST /admin/v1/imports only, for bad lines: the import report, refused.' })),
    rows: Type.Optional(Type.Integer({ description: 'On POST /admin/v1/imports only, for bad lines: the data lines that passed the file\'s own checks (one that conflicts with the database is counted and also listed in `errors`); none was written.' })),
    error_count: Type.Optional(Type.Integer({ description: 'On POST /admin/v1/imports only, for bad lines: every bad line; `errors` lists the first 1000.' })),
  },
  { additionalProperties: false, description: 'An RFC 9457 problem document.' },
);

/** A body of no fields at all. */
export const Empty = Type.Object({}, { additionalProperties: false });
