/**
 * The owner's webhook endpoints: adding one (its URL checked, its destination public unless
 * webhook_allow_private is on), listing, removing, and rotating its secret. A secret is shown
 * once, when it is made, and never again.
 */
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { Actor } from '../domain/actor.js';
import { EVENT_TYPES } from '../domain/events.js';
import { readSettings } from '../domain/settings.js';
import {
  checkWebhookUrl,
  formatSecret,
  hostAddress,
  isPrivateAddress,
  MAX_URL_LENGTH,
  parseEventList,
  PREVIOUS_SECRET_MS,
  SECRET_BYTES,
  type UrlProblem,
} from '../domain/webhooks.js';
import type { Store, WebhookEndpointRecord } from '../store/store.js';
import { AdminError, invalid, notFound } from './admin-error.js';

export interface WebhookInput {
  readonly url: string;
  /** Comma-separated event types. */
  readonly events: string;
}

/** Resolves a host name to its addresses; the system resolver unless a test gives another. */
export type Resolver = (host: string) => Promise<readonly string[]>;

export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

const URL_PROBLEMS: Record<UrlProblem, string> = {
  syntax: 'is not an absolute URL',
  scheme: 'must start with http:// or https://',
  credentials: 'must not carry a user name or password',
  too_long: `must be at most ${MAX_URL_LENGTH} characters`,
};

/** Adds an endpoint; answers it with its new secret, which is never shown again. */
export async function addWebhook(
  store: Store,
  input: WebhookInput,
  by: Actor,
  resolve: Resolver = systemResolver,
): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
  const checked = checkWebhookUrl(input.url);
  if (!checked.ok) throw invalid({ entity: 'webhook', field: 'url', value: input.url, reason: 'syntax', detail: `url ${URL_PROBLEMS[checked.problem]}` });
  const events = parseEventList(input.events);
  if (!events.ok) {
    const given = events.unknown === '' ? 'no event type' : `no event type "${events.unknown}"`;
    throw invalid({ entity: 'webhook', field: 'events', value: events.unknown, reason: events.unknown === '' ? 'empty' : 'unknown', detail: `${given}; the types are: ${EVENT_TYPES.join(', ')}` });
  }
  await requirePublicDestination(store, checked.url, resolve);
  const secret = formatSecret(randomBytes(SECRET_BYTES));
  const endpoint = await store.addWebhookEndpoint({ url: checked.url.href, events: events.events, secret }, by);
  return { endpoint, secret };
}

/**
 * Refuses a loopback, link-local or private destination unless the owner allows them: the
 * address itself, or every address the name resolves to now (delivery checks again, since a
 * name can resolve differently later).
 */
export async function requirePublicDestination(store: Store, url: URL, resolve: Resolver = systemResolver): Promise<void> {
  if (readSettings(await store.readSettings()).webhookAllowPrivate) return;
  const address = hostAddress(url);
  let addresses: readonly string[];
  if (address !== undefined) addresses = [address];
  else {
    try {
      addresses = await resolve(url.hostname);
    } catch {
      throw invalid({ entity: 'webhook', field: 'url', value: url.hostname, reason: 'unknown', detail: `url: the name ${url.hostname} does not resolve` });
    }
  }
  const refused = addresses.find(isPrivateAddress);
  if (refused !== undefined) {
    throw invalid({
      entity: 'webhook',
      field: 'url',
      value: url.hostname,
      reason: 'reserved',
      detail: `url: ${url.hostname} is a loopback, link-local or private destination (${refused}); the setting webhook_allow_private allows them`,
    });
  }
}

export async function listWebhooks(store: Store): Promise<readonly WebhookEndpointRecord[]> {
  return store.listWebhookEndpoints();
}

export async function removeWebhook(store: Store, id: string | number, by: Actor): Promise<void> {
  const endpointId = readEndpointId(id);
  if ((await store.removeWebhookEndpoint(endpointId, by)) === 'not_found') throw notFound('webhook', String(endpointId), 'id');
}

/** A new secret, printed once; the old one keeps signing beside it for 24 hours or until the next rotation. */
export async function rotateWebhookSecret(store: Store, id: string | number, by: Actor, now = Date.now()): Promise<string> {
  const endpointId = readEndpointId(id);
  const secret = formatSecret(randomBytes(SECRET_BYTES));
  const result = await store.rotateWebhookSecret(endpointId, secret, new Date(now + PREVIOUS_SECRET_MS).toISOString(), by);
  if (result === 'not_found') throw notFound('webhook', String(endpointId), 'id');
  return secret;
}

function readEndpointId(id: string | number): number {
  const text = String(id);
  if (!/^[1-9]\d{0,14}$/.test(text)) throw new AdminError('invalid', { entity: 'webhook', field: 'id', value: text, reason: 'not_a_whole_number', detail: `id must be an endpoint's id (a whole number), not "${text}"` });
  return Number(text);
}
