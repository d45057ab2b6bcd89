/** `tally throttle list|unblock`: client addresses held back after failed authentications. */
import type { Command } from 'commander';
import { listThrottled, unblockClient } from '../admin/throttle.js';
import { cliActor, print, table, withDbOption, withStore, type DbOption } from './context.js';
import { json, time } from './format.js';
import { throttledJson } from './json-views.js';

export function registerThrottle(program: Command): void {
  const throttle = program.command('throttle').description('see and unblock client addresses throttled after failed authentications');

  withDbOption(
    throttle
      .command('list')
      .description('every address with failures counted in its window or a block in force, most recent first')
      .option('--json', 'one JSON array'),
  ).action(async (options: DbOption & { json?: boolean }) =>
    withStore(options, async (store) => {
      const clients = await listThrottled(store);
      if (options.json) {
        print(json(clients.map(throttledJson)));
        return;
      }
      const rows = clients.map((c) => [c.address, String(c.failures), time(c.windowStartMs), c.blockedUntilMs === undefined ? '-' : time(c.blockedUntilMs)]);
      print(...table([['ADDRESS', 'FAILURES', 'WINDOW', 'BLOCKED UNTIL'], ...rows]));
    }),
  );

  withDbOption(
    throttle
      .command('unblock')
      .description('forget an address\'s failures and block: every server stops refusing it within a second')
      .argument('<address>', 'an IP address, in any spelling of it, or a bucket as "throttle list" shows it'),
  ).action(async (address: string, options: DbOption) =>
    withStore(options, async (store) => {
      const result = await unblockClient(store, address, cliActor());
      print(result.unblocked ? `unblocked ${result.address}` : `${result.address} was not throttled; nothing changed`);
    }),
  );
}
