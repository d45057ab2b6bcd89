/** Users (customers): list and search, add, read (spec admin-api.md section 4). */
import Type from 'typebox';
import { addUser, findUser, searchUsers } from '../../admin/users.js';
import { AdminError } from '../../admin/admin-error.js';
import { operation } from '../operation.js';
import { CursorParam, LimitParam, Page } from '../schemas.js';
import { userView, UserSchema } from '../views.js';

export const UserIdParams = Type.Object({ id: Type.String({ description: "The user's numeric id (the Kolmisoft API's user_id).", examples: ['1'] }) }, { additionalProperties: false });

/** A page's cursor: opaque to clients, the last id seen to us. */
export function userCursor(lastId: number): string {
  return Buffer.from(`u${lastId}`, 'utf8').toString('base64url');
}

function afterIdOf(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const match = /^u(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw new AdminError('invalid', { entity: 'query', field: 'cursor', detail: 'is not a cursor this API gave' });
  return Number(match[1]);
}

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
      const afterId = afterIdOf(query.cursor);
      const page = await searchUsers(deps.store, {
        ...(query.q !== undefined && { query: query.q }),
        ...(query.status !== undefined && { status: query.status }),
        ...(query.limit !== undefined && { limit: query.limit }),
        ...(afterId !== undefined && { after: afterId }),
      });
      const currencies = deps.liveConfig.current.currencies;
      return {
        status: 200,
        json: { data: page.users.map((user) => userView(user, currencies, operator!.role)), next_cursor: page.next === undefined ? null : userCursor(page.next) },
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
      "`balance` is the opening balance in the system currency (zero when absent), written as the user's first ledger entry. With an Idempotency-Key, a replay answers the first answer again.",
    body: Type.Object(
      {
        username: Type.String({ examples: ['alice'] }),
        currency: Type.Optional(Type.String({ description: 'The system currency when absent.', examples: ['EUR'] })),
        balance: Type.Optional(Type.String({ description: 'Exact decimal in a string, in the system currency.', examples: ['10.5'] })),
      },
      { additionalProperties: false },
    ),
    example: { username: 'alice', currency: 'EUR', balance: '10.5' },
    idempotent: { replayStatus: 200 },
    answers: { 201: { description: 'The new user.', schema: UserSchema }, 200: { description: 'A replay: the first answer again.', schema: UserSchema } },
    problems: ['invalid', 'conflict', 'malformed', 'unsupported_media_type', 'payload_too_large'],
    async handle({ body, actor, operator, deps }) {
      const user = await addUser(
        deps.store,
        {
          username: body.username,
          ...(body.currency !== undefined && { currency: body.currency }),
          ...(body.balance !== undefined && { balance: body.balance }),
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
];
