/**
 * The delivery worker `tally serve` runs: claims due deliveries (leased, so every node may run
 * one), signs and sends each, and records the attempt. One slow endpoint holds only its own
 * deliveries: each claimed delivery is sent on its own, and the next claim does not wait for it.
 */
import type { Logger } from 'pino';
import { readSettings } from '../domain/settings.js';
import { attemptOutcome, retryDelayMs, signatureHeader, webhookBody, webhookId } from '../domain/webhook-delivery.js';
import type { DueDelivery, Store } from '../store/store.js';
import { sendWebhook, type SendResult } from './send-webhook.js';

/**
 * Under 30 s, so a dead node's deliveries move on soon; an attempt may last 30 s, so a live node
 * renews the lease of each attempt in flight every RENEW_MS, and no other node takes it meanwhile.
 */
export const LEASE_MS = 25_000;
const RENEW_MS = 10_000;
const POLL_MS = 500;
const CLAIM_LIMIT = 32;
/** At most this many attempts in flight per process. */
const MAX_IN_FLIGHT = 64;

export interface WebhookWorker {
  /** Stops claiming, aborts the attempts in flight (they are retried later) and waits for them. */
  stop(): Promise<void>;
}

export function startWebhookWorker(store: Store, logger: Logger, options: { pollMs?: number } = {}): WebhookWorker {
  const abort = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const attempt = async (delivery: DueDelivery, allowPrivate: boolean): Promise<void> => {
    const id = webhookId(delivery.eventId);
    const timestamp = Math.floor(Date.now() / 1000);
    const body = webhookBody(delivery.type, delivery.createdAt, delivery.data);
    const started = performance.now();
    const renewal = setInterval(() => {
      store.renewWebhookLease(delivery.eventId, delivery.endpointId, LEASE_MS).catch((error: unknown) => logger.warn({ err: error }, 'could not renew a webhook lease'));
    }, RENEW_MS);
    const result: SendResult = await sendWebhook({
      url: delivery.url,
      body,
      allowPrivate,
      signal: abort.signal,
      headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader(delivery.secrets, id, timestamp, body) },
    });
    clearInterval(renewal);
    const durationMs = performance.now() - started;
    const outcome = attemptOutcome(result.status, Date.now() - Date.parse(delivery.createdAt));
    const failures = delivery.attempts + 1;
    if (outcome !== 'delivered') logger.warn({ webhook: delivery.endpointId, event: id, status: result.status, error: result.status === undefined ? result.error : undefined, outcome }, 'webhook delivery failed');
    await store.recordWebhookAttempt({
      eventId: delivery.eventId,
      endpointId: delivery.endpointId,
      ...(result.status !== undefined && { status: result.status }),
      durationMs,
      outcome,
      ...(outcome === 'retry' && { nextAttemptAt: new Date(Date.now() + retryDelayMs(failures, Math.random())) }),
    });
  };

  const round = async (): Promise<number> => {
    const room = MAX_IN_FLIGHT - inFlight.size;
    if (room <= 0) return 0;
    const due = await store.claimWebhookDeliveries(LEASE_MS, Math.min(room, CLAIM_LIMIT));
    if (due.length === 0) return 0;
    const allowPrivate = readSettings(await store.readSettings()).webhookAllowPrivate;
    for (const delivery of due) {
      const work = attempt(delivery, allowPrivate)
        .catch((error: unknown) => logger.error({ err: error, webhook: delivery.endpointId }, 'could not record a webhook attempt'))
        .finally(() => {
          inFlight.delete(work);
          // A finished delivery may free the next event of its user: look again soon.
          if (!stopped) schedule(0);
        });
      inFlight.add(work);
    }
    return due.length;
  };

  const schedule = (delayMs: number): void => {
    if (stopped || running !== undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = round()
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'could not claim webhook deliveries');
          return 0;
        })
        .then((claimed) => {
          running = undefined;
          schedule(claimed > 0 ? 0 : (options.pollMs ?? POLL_MS));
        });
    }, delayMs);
  };

  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      abort.abort();
      await running;
      await Promise.allSettled([...inFlight]);
    },
  };
}
