/** Webhook rules of the domain: private destinations, URLs, event lists and secrets. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkWebhookUrl, formatSecret, isPrivateAddress, parseEventList, secretKey } from '../../src/domain/webhooks.js';

describe('isPrivateAddress', () => {
  it('refuses loopback, link-local, private, shared, multicast and unspecified addresses, IPv4 and IPv6', () => {
    for (const address of ['127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', 'fc00::9', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1']) {
      assert.equal(isPrivateAddress(address), true, address);
    }
  });

  it('allows public addresses', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      assert.equal(isPrivateAddress(address), false, address);
    }
  });
});

describe('checkWebhookUrl and parseEventList', () => {
  it('takes http and https only, without credentials', () => {
    assert.equal(checkWebhookUrl('https://example.com/x').ok, true);
    assert.equal(checkWebhookUrl('http://example.com').ok, true);
    assert.deepEqual(checkWebhookUrl('ftp://example.com'), { ok: false, problem: 'scheme' });
    assert.deepEqual(checkWebhookUrl('https://u:p@example.com'), { ok: false, problem: 'credentials' });
    assert.deepEqual(checkWebhookUrl('example.com/x'), { ok: false, problem: 'syntax' });
  });

  it('lists event types in the catalogue order, each once, and names an unknown one', () => {
    assert.deepEqual(parseEventList('balance.low, balance.changed,balance.low'), { ok: true, events: ['balance.changed', 'balance.low'] });
    assert.deepEqual(parseEventList('balance.low,nope'), { ok: false, unknown: 'nope' });
    assert.deepEqual(parseEventList(' , '), { ok: false, unknown: '' });
  });

  it('spells a secret whsec_ and base64, and signs with its decoded bytes', () => {
    const bytes = Uint8Array.from({ length: 24 }, (_, i) => i);
    const secret = formatSecret(bytes);
    assert.equal(secret, 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX');
    assert.deepEqual([...secretKey(secret)], [...bytes]);
  });
});

describe('retryDelayMs and attemptOutcome', () => {
  it('retries first within 5 seconds, then doubles with jitter up to an hour apart', async () => {
    const { retryDelayMs } = await import('../../src/domain/webhook-delivery.js');
    assert.ok(retryDelayMs(1, 0) >= 1000 && retryDelayMs(1, 0.999) <= 5000);
    assert.deepEqual([retryDelayMs(2, 0.999), retryDelayMs(3, 0.999), retryDelayMs(4, 0.999)].map((ms) => Math.round(ms / 1000)), [10, 20, 40]);
    assert.ok(retryDelayMs(2, 0) >= 7500);
    assert.equal(retryDelayMs(30, 0.9999), 3_599_910);
    assert.ok(retryDelayMs(30, 0.9999) <= 3_600_000);
  });

  it('counts 2xx only as delivered, 410 as disabled, and gives up after about three days', async () => {
    const { attemptOutcome, RETRY_FOR_MS } = await import('../../src/domain/webhook-delivery.js');
    assert.deepEqual([200, 204, 299].map((status) => attemptOutcome(status, 0)), ['delivered', 'delivered', 'delivered']);
    assert.deepEqual([undefined, 199, 301, 302, 404, 500].map((status) => attemptOutcome(status, 0)), Array(6).fill('retry'));
    assert.equal(attemptOutcome(410, 0), 'disabled');
    assert.equal(attemptOutcome(500, RETRY_FOR_MS), 'gave_up');
    assert.equal(RETRY_FOR_MS, 3 * 86_400_000);
  });
});
