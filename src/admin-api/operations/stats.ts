/** `/admin/v1/stats`: the figures of the console's home page. */
import Type from 'typebox';
import { operation } from '../operation.js';
import { Money } from '../schemas.js';

const Recent = Type.Object(
  { last_minute: Type.Integer({ examples: [120] }), last_hour: Type.Integer({ examples: [7200] }) },
  { additionalProperties: false, description: 'Counted by the node that answers.' },
);

const StatsSchema = Type.Object(
  {
    users: Type.Integer({ description: 'Every user, closed ones included.', examples: [1000] }),
    balance_total: { ...Money, description: 'The sum of every balance, in the system currency.' },
    system_currency: Type.String({ examples: ['USD'] }),
    ledger_entries: Type.Integer({ examples: [5000] }),
    requests: Recent,
    failed_authentications: Recent,
    blocked_clients: Type.Integer({ description: 'Client addresses blocked now.', examples: [0] }),
  },
  { additionalProperties: false },
);

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export const statsOperations = [
  operation({
    id: 'getStats',
    method: 'GET',
    path: '/admin/v1/stats',
    access: 'viewer',
    tag: 'Tools',
    summary: 'Statistics',
    description:
      'Users, the total of balances and ledger entries (the whole database, read at most every 5 seconds); requests answered and failed authentications in the last minute and hour, on this node (both listeners); client addresses blocked now.',
    answers: { 200: { description: 'The figures.', schema: StatsSchema } },
    problems: [],
    async handle({ deps }) {
      const totals = await deps.databaseStats();
      const minute = deps.activity.recent(MINUTE_MS);
      const hour = deps.activity.recent(HOUR_MS);
      return {
        status: 200,
        json: {
          users: totals.users,
          balance_total: totals.balanceTotal,
          system_currency: deps.liveConfig.current.currencies.system.code,
          ledger_entries: totals.ledgerEntries,
          requests: { last_minute: minute.requests, last_hour: hour.requests },
          failed_authentications: { last_minute: minute.authFailures, last_hour: hour.authFailures },
          blocked_clients: deps.throttle.blockedCount(),
        },
      };
    },
  }),
];
