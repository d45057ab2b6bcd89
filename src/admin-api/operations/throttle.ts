/** Throttled client addresses: which are counted or blocked, and unblocking one (spec admin-api.md section 4). */
import Type from 'typebox';
import { listThrottled, unblockClient } from '../../admin/throttle.js';
import { operation } from '../operation.js';
import { ThrottledClientSchema, throttledClientView } from '../views.js';

export const throttleOperations = [
  operation({
    id: 'listThrottledClients',
    method: 'GET',
    path: '/admin/v1/throttle',
    access: 'viewer',
    tag: 'Security',
    summary: 'Throttled client addresses',
    description: 'Every address with failed authentications counted or a block in force now, on any node; the most recent window first.',
    answers: {
      200: { description: 'The addresses.', schema: Type.Object({ data: Type.Array(ThrottledClientSchema) }, { additionalProperties: false }) },
    },
    problems: [],
    async handle({ deps }) {
      const clients = await listThrottled(deps.store);
      return { status: 200, json: { data: clients.map(throttledClientView) } };
    },
  }),
  operation({
    id: 'unblockClient',
    method: 'DELETE',
    path: '/admin/v1/throttle/{address}',
    access: 'admin',
    tag: 'Security',
    summary: 'Unblock a client address',
    description:
      'Forgets the address\'s failures and block: at once on this node, on every other node within its next refresh. Answers 204 also when nothing was held against it. Any form of the address the throttle counts as one is accepted (`::ffff:192.0.2.1` is `192.0.2.1`).',
    params: Type.Object({ address: Type.String({ description: 'An IP address, or a bucket the list shows.', examples: ['192.0.2.7'] }) }, { additionalProperties: false }),
    answers: { 204: { description: 'Unblocked (or it was not blocked).' } },
    problems: ['invalid'],
    async handle({ params, actor, deps }) {
      const result = await unblockClient(deps.store, params.address, actor);
      // This node holds blocks in memory: it forgets this one now rather than at the next poll.
      await deps.throttle.refresh();
      return { status: 204, outcome: result.unblocked ? 'unblocked' : 'not_blocked' };
    },
  }),
];
