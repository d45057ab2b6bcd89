/** Tools: verify the ledger, generate a Kolmisoft hash (spec admin-api.md section 4). */
import Type from 'typebox';
import { verifyDatabase } from '../../admin/balances.js';
import { generateHash, storedSecret } from '../../admin/hash.js';
import { formatMoney } from '../../domain/money.js';
import { operation } from '../operation.js';
import { Money, SignedMoney } from '../schemas.js';

const MismatchSchema = Type.Object(
  {
    user_id: Type.Integer({ examples: [7] }),
    username: Type.String({ examples: ['alice'] }),
    balance: { ...Money, description: 'The stored balance.' },
    ledger_sum: { ...SignedMoney, description: 'The sum of its ledger entries.' },
  },
  { additionalProperties: false },
);

export const toolOperations = [
  operation({
    id: 'verifyLedger',
    method: 'POST',
    path: '/admin/v1/verify',
    access: 'viewer',
    tag: 'Tools',
    summary: 'Check every balance against its ledger',
    description:
      '`ok` is true when every balance equals the sum of its entries (and no two usernames collide, as `tally verify` reports). Changes nothing; a POST since it reads the whole ledger.',
    answers: {
      200: {
        description: 'The report.',
        schema: Type.Object(
          { ok: Type.Boolean(), users_checked: Type.Integer({ examples: [1200] }), mismatches: Type.Array(MismatchSchema) },
          { additionalProperties: false },
        ),
        example: { ok: true, users_checked: 1200, mismatches: [] },
      },
    },
    problems: [],
    async handle({ deps }) {
      const report = await verifyDatabase(deps.store);
      return {
        status: 200,
        json: {
          ok: report.ok,
          users_checked: report.users,
          mismatches: report.mismatches.map((mismatch) => ({
            user_id: mismatch.id,
            username: mismatch.username,
            balance: formatMoney(mismatch.balance),
            ledger_sum: formatMoney(mismatch.ledgerSum),
          })),
        },
        outcome: report.ok ? 'verified' : 'mismatches',
      };
    },
  }),
  operation({
    id: 'generateHash',
    method: 'POST',
    path: '/admin/v1/hash',
    access: 'viewer',
    tag: 'Tools',
    summary: "Kolmisoft's Generate hash",
    description:
      'The `hash` a Kolmisoft API request needs with the configured api_secret_key, as `tally hash` prints it, and the `values` it covers in order (the key follows them, and never appears here). `uri` is a request URI (`/billing/api/user_balance_get?username=alice&currency=EUR`, with or without a scheme and host) or just its query (then the method is user_balance_get).',
    body: Type.Object(
      { uri: Type.String({ maxLength: 8192, examples: ['/billing/api/user_balance_get?username=alice&currency=EUR'] }) },
      { additionalProperties: false },
    ),
    example: { uri: '/billing/api/user_balance_get?username=alice&currency=EUR' },
    answers: {
      200: {
        description: 'The hash.',
        schema: Type.Object(
          {
            hash: Type.String({ description: 'SHA-1 hex of the values then the key.', examples: ['5f1b1c0c9d2c1f4f2ab5b0f4cd6f2b6a3c9e1d07'] }),
            method: Type.String({ examples: ['user_balance_get'] }),
            values: Type.Array(Type.String(), { examples: [['alice', 'EUR']] }),
          },
          { additionalProperties: false },
        ),
      },
    },
    problems: ['invalid', 'conflict', 'malformed', 'unsupported_media_type', 'payload_too_large'],
    async handle({ body, deps }) {
      const generated = await generateHash(body.uri, storedSecret(deps.store));
      return { status: 200, json: { hash: generated.hash, method: generated.method, values: generated.values }, outcome: 'hash' };
    },
  }),
];
