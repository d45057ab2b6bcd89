/**
 * One outbound webhook request, made safe: 5 s to connect, 30 s in all, at most a small answer
 * read, no redirect followed, and no loopback, link-local or private destination unless allowed
 * (checked on the address actually connected to, so a name cannot resolve differently in between).
 */
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { hostAddress, isPrivateAddress } from '../domain/webhooks.js';

export const CONNECT_TIMEOUT_MS = 5000;
export const TOTAL_TIMEOUT_MS = 30_000;
/** Enough for any receiver's "ok"; the rest is never read. */
export const MAX_ANSWER_BYTES = 4096;

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly allowPrivate: boolean;
  readonly signal: AbortSignal;
}

/** The status of the answer, or undefined with the reason when none came. */
export type SendResult = { readonly status: number } | { readonly status?: undefined; readonly error: string };

/** Resolves like the system does, then refuses a private address. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as { address: string; family: number }[];
    const refused = list.find((entry) => isPrivateAddress(entry.address));
    if (refused !== undefined) return callback(Object.assign(new Error(`${hostname} resolves to a private address (${refused.address})`), { code: 'EPRIVATE' }), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

export function sendWebhook(request: WebhookRequest): Promise<SendResult> {
  const url = new URL(request.url);
  if (!request.allowPrivate) {
    const address = hostAddress(url);
    if (address !== undefined && isPrivateAddress(address)) return Promise.resolve({ error: `${address} is a private address` });
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: SendResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      request.signal.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(result);
    };
    const req = client.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body), 'user-agent': 'Tally-Webhooks/1', ...request.headers },
      agent: false,
      ...(request.allowPrivate ? {} : { lookup: publicOnlyLookup }),
    });
    const total = setTimeout(() => finish({ error: 'timed out' }), TOTAL_TIMEOUT_MS);
    const onAbort = (): void => finish({ error: 'stopped' });
    request.signal.addEventListener('abort', onAbort);
    req.on('socket', (socket) => {
      const connectTimer = setTimeout(() => finish({ error: 'connect timed out' }), CONNECT_TIMEOUT_MS);
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      socket.once('close', () => clearTimeout(connectTimer));
    });
    req.on('error', (error) => finish({ error: error.message }));
    req.on('response', (response) => {
      const status = response.statusCode ?? 0;
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        // The answer's body means nothing to Tally: a big one is cut, not waited for.
        if (read >= MAX_ANSWER_BYTES) finish({ status });
      });
      response.on('end', () => finish({ status }));
      response.on('error', () => finish({ status }));
    });
    req.end(request.body);
  });
}
