/** Users (customers): list and search, add, read, change, a new token, balance adjustments (spec admin-api.md section 4). */
import Type from 'typebox';
import { adjustBalance } from '../../admin/balances.js';
import { addUser, changeUser, findUser, rotateToken, searchUsers } from '../../admin/users.js';
import { pageCursor, readCursor } from '../../admin/raw-input.js';
import { operation } from '../operation.js';
import { CursorParam, LimitParam, Page, SignedMoney } from '../schemas.js';
import { ledgerEntryView, LedgerEntrySchema, userView, UserSchema } from '../views.js';

const PersonName = (example: string) =>
  Type.String({ description: 'At most 255 characters, no control characters; kept as given, spaces included. Empty clears it.', examples: [example] });

export const UserIdParams = Type.Object({ id: Type.String({ description: "The user's numeric id (the Kolmisoft API's user_id).", examples: ['1'] }) }, { additionalProperties: false });

export const userOperations = [
  operation({
    id: 'listUsers',
    method: 'GET',
    path: '/admin/v1/users',
    access: 'viewer',
    tag: 'Users',
    summary: 'List and search users',
    description: '`q` matches a username prefix (any case), an exact id, or an exact uniquehash. Ordered by id, ascending; keyset-paged.',
    query: Type.Object(
      {
        q: Type.Optional(Type.String({ description: 'A username prefix, an id or a uniquehash.', examples: ['ali'] })),
        status: Type.Optional(Type.Enum(['active', 'closed'], { description: 'Only users of this status (both when absent).' })),
        limit: Type.Optional(LimitParam),
        cursor: Type.Optional(CursorParam),
      },
      { additionalProperties: false },
    ),
    answers: { 200: { description: 'A page of users.', schema: Page(UserSchema, 'users') } },
    problems: ['invalid'],
    async handle({ query, operator, deps }) {
      // The cursor is the admin layer's (pageCursor): opaque here, the last id of a page there.
      const afterId = query.cursor === undefined ? undefined : readCursor('cursor', query.cursor);
      const page = await searchUsers(deps.store, {
        ...(query.q !== undefined && { query: query.q }),
        ...(query.status !== undefined && { status: query.status }),
        ...(query.limit !== undefined && { limit: query.limit }),
        ...(afterId !== undefined && { after: afterId }),
      });
      const currencies = deps.liveConfig.current.currencies;
      return {
        status: 200,
        json: { data: page.users.map((user) => userView(user, currencies, operator!.role)), next_cursor: page.next === undefined ? null : pageCursor(page.next) },
      };
    },
  }),
  operation({
    id: 'createUser',
    method: 'POST',
    path: '/admin/v1/users',
    access: 'admin',
    tag: 'Users',
    summary: 'Add a user',
    description:
      "`balance` is the opening balance in the system currency (zero when absent), written as the user's first ledger entry. With an Idempotency-Key, a replay answers the first answer again, and the key becomes the opening entry's: a key any ledger entry carries already is a 409.",
    body: Type.Object(
      {
        username: Type.String({ examples: ['alice'] }),
        currency: Type.Optional(Type.String({ description: 'The system currency when absent.', examples: ['EUR'] })),
        balance: Type.Optional(Type.String({ description: 'Exact decimal in a string, in the system currency.', examples: ['10.5'] })),
        first_name: Type.Optional(PersonName('Ada')),
        last_name: Type.Optional(PersonName('Lovelace')),
      },
      { additionalProperties: false },
    ),
    example: { username: 'alice', currency: 'EUR', balance: '10.5', first_name: 'Ada', last_name: 'Lovelace' },
    idempotent: { replayStatus: 200 },
    answers: { 201: { description: 'The new user.', schema: UserSchema }, 200: { description: 'A replay: the first answer again.', schema: UserSchema } },
    problems: ['invalid', 'conflict', 'malformed', 'unsupported_media_type', 'payload_too_large'],
    async handle({ body, actor, operator, idempotencyKey, deps }) {
      const user = await addUser(
        deps.store,
        {
          username: body.username,
          ...(body.currency !== undefined && { currency: body.currency }),
          ...(body.balance !== undefined && { balance: body.balance }),
          ...(body.first_name !== undefined && { firstName: body.first_name }),
          ...(body.last_name !== undefined && { lastName: body.last_name }),
          ...(idempotencyKey !== undefined && { idempotencyKey }),
        },
        actor,
      );
      return { status: 201, json: userView(user, deps.liveConfig.current.currencies, operator!.role), outcome: 'user_added' };
    },
  }),
  operation({
    id: 'getUser',
    method: 'GET',
    path: '/admin/v1/users/{id}',
    access: 'viewer',
    tag: 'Users',
    summary: 'One user',
    params: UserIdParams,
    answers: { 200: { description: 'The user.', schema: UserSchema } },
    problems: ['not_found', 'invalid'],
    async handle({ params, operator, deps }) {
      const user = await findUser(deps.store, { id: params.id });
      return { status: 200, json: userView(user, deps.liveConfig.current.currencies, operator!.role) };
    },
  }),
  operation({
    id: 'updateUser',
    method: 'PATCH',
    path: '/admin/v1/users/{id}',
    access: 'admin',
    tag: 'Users',
    summary: 'Rename, change the names or the currency of, close or reopen a user',
    description:
      'All of it or nothing: every field is checked first (a name unique in any letter case and not the current one, first and last names by their rule, a known currency, a status that changes), then the whole change is written at once. A closed user keeps its ledger; every Kolmisoft method answers it as `User was not found`.',
    params: UserIdParams,
    body: Type.Object(
      {
        username: Type.Optional(Type.String({ examples: ['alice2'] })),
        currency: Type.Optional(Type.String({ examples: ['USD'] })),
        status: Type.Optional(Type.Enum(['active', 'closed'])),
        first_name: Type.Optional(PersonName('Ada')),
        last_name: Type.Optional(PersonName('King')),
        warning_balance: Type.Optional(
          Type.String({ description: 'The user\'s own warning balance in the system currency (`balance.low`); "" clears it, so the global `warning_balance` applies.', examples: ['5.00'] }),
        ),
      },
      { additionalProperties: false },
    ),
    example: { username: 'alice2', currency: 'USD', last_name: 'King' },
    answers: { 200: { description: 'The user as changed.', schema: UserSchema } },
    problems: ['invalid', 'not_found', 'conflict', 'malformed', 'unsupported_media_type', 'payload_too_large'],
    async handle({ params, body, actor, operator, deps }) {
      const user = await changeUser(
        deps.store,
        { id: params.id },
        {
          ...(body.username !== undefined && { username: body.username }),
          ...(body.currency !== undefined && { currency: body.currency }),
          ...(body.status !== undefined && { status: body.status }),
          ...(body.first_name !== undefined && { firstName: body.first_name }),
          ...(body.last_name !== undefined && { lastName: body.last_name }),
          ...(body.warning_balance !== undefined && { warningBalance: body.warning_balance }),
        },
        actor,
      );
      return { status: 200, json: userView(user, deps.liveConfig.current.currencies, operator!.role), outcome: 'user_changed' };
    },
  }),
  operation({
    id: 'rotateUserToken',
    method: 'POST',
    path: '/admin/v1/users/{id}/uniquehash',
    access: 'admin',
    tag: 'Users',
    summary: "A new uniquehash for a user",
    description: 'A new random token; the old one stops working at once. Answers the user with its new `uniquehash`.',
    params: UserIdParams,
    answers: { 200: { description: 'The user, with its new uniquehash.', schema: UserSchema } },
    problems: ['invalid', 'not_found'],
    async handle({ params, actor, operator, deps }) {
      const user = await rotateToken(deps.store, { id: params.id }, actor);
      return { status: 200, json: userView(user, deps.liveConfig.current.currencies, operator!.role), outcome: 'token_rotated' };
    },
  }),
  operation({
    id: 'createAdjustment',
    method: 'POST',
    path: '/admin/v1/users/{id}/adjustments',
    access: 'admin',
    tag: 'Balances',
    summary: "Adjust a user's balance",
    description:
      "Adds a signed, non-zero amount in the system currency as one ledger entry (source `admin`, naming the operator and the request). With an Idempotency-Key (the entry's key, in the namespace every surface shares), the same request again answers the first answer with 200 and changes nothing; the key used for anything else (another body, another user, a Kolmisoft `transaction_id`) is a 409. A closed user is a 409.",
    params: UserIdParams,
    body: Type.Object(
      {
        amount: { ...SignedMoney, description: 'Signed, not zero, in the system currency: an exact decimal in a string.' },
        comment: Type.String({ description: 'Why: at most 500 printable characters; kept in the ledger.', examples: ['goodwill credit, ticket 4411'] }),
      },
      { additionalProperties: false },
    ),
    example: { amount: '-3.25', comment: 'refund of a double charge' },
    idempotent: { replayStatus: 200 },
    answers: {
      201: { description: 'The new ledger entry.', schema: LedgerEntrySchema },
      200: { description: 'A replay: the first answer again.', schema: LedgerEntrySchema },
    },
    problems: ['invalid', 'not_found', 'conflict', 'malformed', 'unsupported_media_type', 'payload_too_large'],
    async handle({ params, body, actor, idempotencyKey, deps }) {
      const adjustment = await adjustBalance(
        deps.store,
        { id: params.id },
        { amount: body.amount, comment: body.comment, ...(idempotencyKey !== undefined && { idempotencyKey }) },
        actor,
      );
      const applied = adjustment.kind === 'applied';
      return { status: applied ? 201 : 200, json: ledgerEntryView(adjustment.entry, adjustment.username), outcome: applied ? 'adjusted' : 'replayed' };
    },
  }),
];
