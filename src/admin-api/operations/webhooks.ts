/**
 * Webhook endpoints, for owners: list, add (its secret answered once), remove, and rotate the
 * secret (the new one answered once; the old one signs beside it for 24 hours). The rules are
 * src/admin/webhooks.ts's; a secret is never listed, logged nor audited.
 */
import Type from 'typebox';
import { addWebhook, listWebhooks, removeWebhook, rotateWebhookSecret } from '../../admin/webhooks.js';
import { EVENT_TYPES } from '../../domain/events.js';
import { WEBHOOK_STATES } from '../../domain/webhooks.js';
import type { WebhookEndpointRecord } from '../../store/store.js';
import { operation } from '../operation.js';
import { Page } from '../schemas.js';

const WebhookIdParams = Type.Object({ id: Type.String({ description: "The endpoint's id.", examples: ['1'] }) }, { additionalProperties: false });

const WebhookSchema = Type.Object(
  {
    id: Type.Integer({ examples: [1] }),
    url: Type.String({ examples: ['https://hooks.example.com/tally'] }),
    events: Type.Array(Type.Enum([...EVENT_TYPES]), { examples: [['balance.low']] }),
    state: Type.Enum([...WEBHOOK_STATES], { description: '`failing` after about three days of failed deliveries; `disabled` after an answer of 410.' }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const SecretDescription = 'The signing secret, `whsec_` and base64 (Standard Webhooks): shown in this answer only (the example is no real secret).';

function webhookView(endpoint: WebhookEndpointRecord): Record<string, unknown> {
  return { id: endpoint.id, url: endpoint.url, events: endpoint.events, state: endpoint.state, created_at: endpoint.createdAt };
}

export const webhookOperations = [
  operation({
    id: 'listWebhooks',
    method: 'GET',
    path: '/admin/v1/webhooks',
    access: 'owner',
    tag: 'Webhooks',
    summary: 'Every webhook endpoint',
    description: 'As `tally webhook list`: each endpoint with its events and state, never its secret. One page: `next_cursor` is always null.',
    answers: { 200: { description: 'The endpoints.', schema: Page(WebhookSchema, 'webhooks') } },
    problems: [],
    async handle({ deps }) {
      return { status: 200, json: { data: (await listWebhooks(deps.store)).map(webhookView), next_cursor: null } };
    },
  }),
  operation({
    id: 'createWebhook',
    method: 'POST',
    path: '/admin/v1/webhooks',
    access: 'owner',
    tag: 'Webhooks',
    summary: 'Add a webhook endpoint',
    description:
      'As `tally webhook add URL --events LIST`. The URL is http:// or https://; loopback, link-local and private destinations are refused unless the setting `webhook_allow_private` is on.',
    body: Type.Object(
      {
        url: Type.String({ examples: ['https://hooks.example.com/tally'] }),
        events: Type.Array(Type.String(), { description: `Event types: ${EVENT_TYPES.join(', ')}.`, examples: [['balance.low', 'balance.changed']] }),
      },
      { additionalProperties: false },
    ),
    example: { url: 'https://hooks.example.com/tally', events: ['balance.low'] },
    answers: {
      201: {
        description: 'The new endpoint and its secret.',
        schema: Type.Object({ ...WebhookSchema.properties, secret: Type.String({ description: SecretDescription, examples: [`whsec_${'X'.repeat(32)}`] }) }, { additionalProperties: false }),
      },
    },
    problems: ['invalid', 'malformed', 'unsupported_media_type', 'payload_too_large'],
    async handle({ body, actor, deps }) {
      const { endpoint, secret } = await addWebhook(deps.store, { url: body.url, events: body.events.join(',') }, actor);
      return { status: 201, json: { ...webhookView(endpoint), secret }, outcome: 'webhook_added' };
    },
  }),
  operation({
    id: 'deleteWebhook',
    method: 'DELETE',
    path: '/admin/v1/webhooks/{id}',
    access: 'owner',
    tag: 'Webhooks',
    summary: 'Remove a webhook endpoint',
    description: 'As `tally webhook remove ID`: the endpoint and its pending deliveries.',
    params: WebhookIdParams,
    answers: { 204: { description: 'Removed.' } },
    problems: ['invalid', 'not_found'],
    async handle({ params, actor, deps }) {
      await removeWebhook(deps.store, params.id, actor);
      return { status: 204, outcome: 'webhook_removed' };
    },
  }),
  operation({
    id: 'rotateWebhookSecret',
    method: 'POST',
    path: '/admin/v1/webhooks/{id}/rotate-secret',
    access: 'owner',
    tag: 'Webhooks',
    summary: "Rotate a webhook endpoint's secret",
    description: 'As `tally webhook rotate-secret ID`: the new secret is answered once; the old one keeps signing beside it for 24 hours, or until the next rotation.',
    params: WebhookIdParams,
    answers: { 200: { description: 'The new secret.', schema: Type.Object({ secret: Type.String({ description: SecretDescription, examples: [`whsec_${'X'.repeat(32)}`] }) }, { additionalProperties: false }) } },
    problems: ['invalid', 'not_found'],
    async handle({ params, actor, deps }) {
      return { status: 200, json: { secret: await rotateWebhookSecret(deps.store, params.id, actor) }, outcome: 'webhook_secret_rotated' };
    },
  }),
];
