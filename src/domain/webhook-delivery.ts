/**
 * Delivery by the Standard Webhooks specification (v1): the body, the signature over
 * `id.timestamp.body`, and when a failed delivery is tried again.
 */
import { createHmac } from 'node:crypto';
import { secretKey } from './webhooks.js';

/** The message id a receiver sees in webhook-id: the same on every retry of the event. */
export function webhookId(eventId: number | bigint): string {
  return `evt_${eventId}`;
}

/** `{"type","timestamp","data"}`, data as the outbox stored it (money already decimal text). */
export function webhookBody(type: string, createdAt: string, data: string): string {
  return `{"type":${JSON.stringify(type)},"timestamp":${JSON.stringify(createdAt)},"data":${data}}`;
}

/** `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` with the secret's decoded bytes. */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  return 'v1,' + createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** webhook-signature: one signature per secret in use, space-separated (two during a rotation). */
export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets.map((secret) => sign(secret, id, timestamp, body)).join(' ');
}

/** A delivery is retried for this long after its event, then the endpoint is marked failing. */
export const RETRY_FOR_MS = 3 * 24 * 60 * 60 * 1000;
const FIRST_RETRY_MAX_MS = 5000;
const MAX_RETRY_GAP_MS = 60 * 60 * 1000;

/**
 * The wait before the next try after `failures` failed ones: the first within 5 seconds, then
 * doubling up to an hour apart, each with jitter so that many endpoints' retries spread out.
 * `random` is in [0, 1).
 */
export function retryDelayMs(failures: number, random: number): number {
  if (failures <= 1) return Math.round(1000 + random * (FIRST_RETRY_MAX_MS - 1000));
  const base = Math.min(FIRST_RETRY_MAX_MS * 2 ** (failures - 1), MAX_RETRY_GAP_MS);
  // Between three quarters and the whole of the base: never more than an hour.
  return Math.round(base * (0.75 + random * 0.25));
}

/** What one attempt's answer means for the delivery and the endpoint. */
export type AttemptOutcome = 'delivered' | 'retry' | 'gave_up' | 'disabled';

export function attemptOutcome(status: number | undefined, eventAgeMs: number): AttemptOutcome {
  if (status !== undefined && status >= 200 && status < 300) return 'delivered';
  // 410 Gone: the receiver says the endpoint is no more (Standard Webhooks' advice).
  if (status === 410) return 'disabled';
  return eventAgeMs >= RETRY_FOR_MS ? 'gave_up' : 'retry';
}
