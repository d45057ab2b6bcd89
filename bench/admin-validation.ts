/**
 * What validating an admin API request costs (issue 12 asks it measured): the Ajv validator the
 * surface compiles from an operation's TypeBox schema, per call, in nanoseconds, for a typical
 * body (an adjustment) and for the users list's query, each valid and invalid (an invalid one
 * also builds the field errors of the 422).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/admin-validation.js
 */
import type { TSchema } from 'typebox';
import { ADMIN_OPERATIONS } from '../src/admin-api/operations/index.js';
import { validator, type Validator } from '../src/admin-api/validation.js';

const ROUNDS = 5;
const CALLS = 200_000;

const ADJUSTMENT_BODY: TSchema | undefined = ADMIN_OPERATIONS.find((op) => op.id === 'createAdjustment')?.body;
if (ADJUSTMENT_BODY === undefined) throw new Error('createAdjustment and its body schema are missing');

const listUsers = ADMIN_OPERATIONS.find((op) => op.id === 'listUsers');
if (listUsers?.query === undefined) throw new Error('listUsers and its query schema are missing');

interface Case {
  readonly name: string;
  readonly validate: Validator;
  readonly value: unknown;
  readonly valid: boolean;
}

const adjustment = validator(ADJUSTMENT_BODY);
const usersQuery = validator(listUsers.query);
const CASES: readonly Case[] = [
  { name: 'adjustment body, valid', validate: adjustment, value: { amount: '-3.25', comment: 'refund of a double charge' }, valid: true },
  { name: 'adjustment body, money as a number and an unknown field', validate: adjustment, value: { amount: -3.25, comment: 'x', note: 'y' }, valid: false },
  { name: 'users list query, valid', validate: usersQuery, value: { q: 'ali', status: 'active', limit: '50', cursor: 'dTQy' }, valid: true },
  { name: 'users list query, empty', validate: usersQuery, value: {}, valid: true },
  { name: 'users list query, bad status and an unknown parameter', validate: usersQuery, value: { status: 'gone', page: '2' }, valid: false },
];

/** Nanoseconds per call: the median of ROUNDS rounds of CALLS calls each. */
function measure(item: Case): number {
  // Each value is parsed anew per request in the server; the same object here is the validator's cost alone.
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += item.validate(item.value).length; // warm-up (JIT)
  const perCall: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) sink += item.validate(item.value).length;
    perCall.push(Number(process.hrtime.bigint() - started) / CALLS);
  }
  if ((sink === 0) !== item.valid) throw new Error(`${item.name}: expected ${item.valid ? 'no errors' : 'errors'}`);
  return perCall.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

console.log(`Ajv validation per call (median of ${ROUNDS} x ${CALLS.toLocaleString('en')} calls), Node ${process.version}`);
for (const item of CASES) console.log(`${item.name.padEnd(58)} ${measure(item).toFixed(0).padStart(6)} ns`);
