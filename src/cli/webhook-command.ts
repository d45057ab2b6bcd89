/** `tally webhook add|list|remove|rotate-secret`: the endpoints events are delivered to. */
import type { Command } from 'commander';
import * as webhooks from '../admin/webhooks.js';
import { EVENT_TYPES } from '../domain/events.js';
import { cliActor, print, withDbOption, withStore, type DbOption } from './context.js';
import { json } from './format.js';

export function registerWebhook(program: Command): void {
  const webhook = program.command('webhook').description('add, list and remove webhook endpoints, and rotate their signing secrets');

  withDbOption(
    webhook
      .command('add')
      .description('add an endpoint; prints its id and its secret, which is shown only now')
      .argument('<url>', 'http:// or https:// (private destinations need the setting webhook_allow_private)')
      .requiredOption('--events <list>', `comma-separated event types: ${EVENT_TYPES.join(', ')}`),
  ).action(async (url: string, options: DbOption & { events: string }) =>
    withStore(options, async (store) => {
      const { endpoint, secret } = await webhooks.addWebhook(store, { url, events: options.events }, cliActor());
      print(`id      ${endpoint.id}`, `secret  ${secret}`);
    }),
  );

  withDbOption(webhook.command('list').description('list the endpoints: id, url, events and state').option('--json', 'one JSON array')).action(
    async (options: DbOption & { json?: boolean }) =>
      withStore(options, async (store) => {
        const all = await webhooks.listWebhooks(store);
        if (options.json) {
          print(json(all.map((e) => ({ id: e.id, url: e.url, events: e.events, state: e.state, created_at: e.createdAt }))));
          return;
        }
        print(['ID', 'URL', 'EVENTS', 'STATE'].join('\t'));
        for (const e of all) print([String(e.id), e.url, e.events.join(','), e.state].join('\t'));
      }),
  );

  withDbOption(webhook.command('remove').description('remove an endpoint and its pending deliveries').argument('<id>')).action(
    async (id: string, options: DbOption) =>
      withStore(options, async (store) => {
        await webhooks.removeWebhook(store, id, cliActor());
        print(`removed webhook ${id}`);
      }),
  );

  withDbOption(
    webhook
      .command('rotate-secret')
      .description('give an endpoint a new secret and print it; the old one keeps signing beside it for 24 hours or until the next rotation')
      .argument('<id>'),
  ).action(async (id: string, options: DbOption) =>
    withStore(options, async (store) => print(await webhooks.rotateWebhookSecret(store, id, cliActor()))),
  );
}
