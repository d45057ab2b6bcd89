/**
 * The operator's endpoints: /healthz (the process answers), /readyz (the database answers
 * too) and /metrics (Prometheus text format, checked with an independent parser, and moving
 * by exactly what the test did).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import parsePrometheus from 'parse-prometheus-text-format';
import { eventually, execSql } from '../support/fixtures.js';
import { balanceXml, errorXml, TEXT_TYPE, updatedXml } from '../support/spec-oracle.js';
import { assertAnswer, send, sign, type Answer, type Harness } from './helpers.js';
import { balanceFrom, postFrom, startHardenedHarness, WRONG_HASH } from './hardening-helpers.js';
import { update, UPDATE_PATH } from './write-helpers.js';

const PROMETHEUS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const BALANCE = balanceXml('26.00');
const INCORRECT_HASH = errorXml('status', 'Incorrect hash');

type Families = parsePrometheus.Family[];

function family(families: Families, name: string): parsePrometheus.Family {
  const found = families.find((candidate) => candidate.name === name);
  assert.ok(found !== undefined, `no metric family ${name}`);
  return found;
}

/** A counter's or gauge's value for exactly these labels; 0 when the series is absent. */
function value(families: Families, name: string, labels: Record<string, string> = {}): number {
  const sample = family(families, name).metrics.find((candidate) => {
    const own = candidate.labels ?? {};
    return Object.keys(own).length === Object.keys(labels).length && Object.entries(labels).every(([key, v]) => own[key] === v);
  });
  return sample === undefined ? 0 : Number(sample.value);
}

describe('ops endpoints', () => {
  let h: Harness;
  before(async () => {
    h = await startHardenedHarness({ settings: { trusted_proxies: '127.0.0.1' } });
  });
  after(async () => {
    await h.close();
  });

  async function scrape(): Promise<Families> {
    const answer = await send(`${h.url}/metrics`);
    assert.equal(answer.status, 200);
    assert.equal(answer.type, PROMETHEUS_TYPE);
    return parsePrometheus(answer.body); // throws on anything that is not the text format
  }

  function assertText(answer: Answer, body: string, status = 200): void {
    assert.equal(answer.body, body);
    assert.equal(answer.status, status);
    assert.equal(answer.type, TEXT_TYPE);
  }

  it('answers GET /healthz 200 ok', async () => {
    assertText(await send(`${h.url}/healthz`), 'ok\n');
    const head = await send(`${h.url}/healthz`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  it('answers GET /readyz 200 ready, 503 database unreachable while the database does not answer, and 200 again after', async () => {
    assertText(await send(`${h.url}/readyz`), 'ready\n');
    await execSql(h.db, 'ALTER TABLE config_version RENAME TO config_version_away');
    try {
      let last: Answer | undefined;
      const down = await eventually(async () => (last = await send(`${h.url}/readyz`)).status === 503, 5000);
      assert.ok(down, `still ${last?.status} ${last?.body}`);
      assertText(last!, 'database unreachable\n', 503);
      assertText(await send(`${h.url}/healthz`), 'ok\n'); // the process itself is fine
    } finally {
      await execSql(h.db, 'ALTER TABLE config_version_away RENAME TO config_version');
    }
    let last: Answer | undefined;
    const up = await eventually(async () => (last = await send(`${h.url}/readyz`)).status === 200, 5000);
    assert.ok(up, `still ${last?.status} ${last?.body}`);
    assertText(last!, 'ready\n');
    assertAnswer(await balanceFrom(h.url, undefined), BALANCE);
  });

  it('answers other methods 405 with Allow: GET, HEAD', async () => {
    for (const path of ['/metrics', '/healthz', '/readyz']) {
      const answer = await send(h.url + path, { method: 'POST', body: 'x=1' });
      assertText(answer, 'method not allowed\n', 405);
      assert.equal(answer.headers.get('allow'), 'GET, HEAD');
    }
  });

  it('exposes the families, with their types and labels, in valid Prometheus text format', async () => {
    assertAnswer(await balanceFrom(h.url, undefined), BALANCE); // at least one API request
    const families = await scrape();
    const types = Object.fromEntries(families.map((f) => [f.name, f.type]));
    assert.equal(types['tally_http_requests_total'], 'COUNTER');
    assert.equal(types['tally_http_request_duration_seconds'], 'HISTOGRAM');
    assert.equal(types['tally_auth_failures_total'], 'COUNTER');
    assert.equal(types['tally_throttled_requests_total'], 'COUNTER');
    assert.equal(types['tally_throttled_clients'], 'GAUGE');
    assert.equal(types['tally_ledger_entries_written_total'], 'COUNTER');

    const requests = family(families, 'tally_http_requests_total').metrics;
    assert.ok(requests.length > 0);
    for (const sample of requests) {
      assert.deepEqual(Object.keys(sample.labels ?? {}).sort(), ['method', 'outcome']);
      assert.match(sample.value ?? '', /^\d+$/);
    }

    const [histogram, ...others] = family(families, 'tally_http_request_duration_seconds').metrics;
    assert.equal(others.length, 0);
    const buckets = Object.entries(histogram!.buckets ?? {})
      .map(([le, count]) => ({ le: le === '+Inf' ? Infinity : Number(le), count: Number(count) }))
      .sort((a, b) => a.le - b.le);
    assert.ok(buckets.length >= 2, 'some finite buckets and +Inf');
    assert.equal(buckets.at(-1)!.le, Infinity);
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]!.count >= buckets[i - 1]!.count, `buckets must be cumulative: ${JSON.stringify(buckets)}`);
    assert.equal(buckets.at(-1)!.count, Number(histogram!.count));
    assert.ok(Number(histogram!.count) > 0);
    assert.ok(Number(histogram!.sum) >= 0);
  });

  it('counts balance reads, requests and their latencies exactly', async () => {
    const before = await scrape();
    const n = 7;
    for (let i = 0; i < n; i++) assertAnswer(await balanceFrom(h.url, undefined), BALANCE);
    const after = await scrape();
    const reads = { method: 'user_balance_get', outcome: 'balance' };
    assert.equal(value(after, 'tally_http_requests_total', reads) - value(before, 'tally_http_requests_total', reads), n);
    // Every answered request is observed once: the n reads and the first scrape itself.
    const count = (families: Families): number => Number(family(families, 'tally_http_request_duration_seconds').metrics[0]!.count);
    assert.equal(count(after) - count(before), n + 1);
    const scrapes = { method: 'metrics', outcome: 'metrics' };
    assert.equal(value(after, 'tally_http_requests_total', scrapes) - value(before, 'tally_http_requests_total', scrapes), 1);
  });

  it('counts failed authentications', async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) assertAnswer(await balanceFrom(h.url, '198.51.100.31', WRONG_HASH), INCORRECT_HASH);
    assertAnswer(await postFrom(h.url, '198.51.100.31', update('1', '1', {}, 'nobody'), UPDATE_PATH), errorXml('status', 'Bad login'));
    const after = await scrape();
    assert.equal(value(after, 'tally_auth_failures_total') - value(before, 'tally_auth_failures_total'), 4);
    const hashes = { method: 'user_balance_get', outcome: 'incorrect_hash' };
    assert.equal(value(after, 'tally_http_requests_total', hashes) - value(before, 'tally_http_requests_total', hashes), 3);
  });

  it('counts a ledger entry for a balance update', async () => {
    const before = await scrape();
    const answer = await postFrom(h.url, undefined, update('1', '1.5', { transaction_id: 'ops-1' }), UPDATE_PATH);
    assertAnswer(answer, updatedXml('alice', '1', '27.5'));
    // A retry with the same transaction_id writes nothing.
    assertAnswer(await postFrom(h.url, undefined, update('1', '1.5', { transaction_id: 'ops-1' }), UPDATE_PATH), updatedXml('alice', '1', '27.5'));
    const after = await scrape();
    assert.equal(value(after, 'tally_ledger_entries_written_total') - value(before, 'tally_ledger_entries_written_total'), 1);
    // Back to 26 for the other tests.
    assertAnswer(await postFrom(h.url, undefined, update('1', '-1.5'), UPDATE_PATH), updatedXml('alice', '1', '26.0'));
  });

  it('counts throttled requests and throttled clients', async () => {
    const client = '198.51.100.32';
    const before = await scrape();
    assert.equal(value(before, 'tally_throttled_clients'), 0);
    for (let i = 0; i < 20; i++) assertAnswer(await balanceFrom(h.url, client, WRONG_HASH), INCORRECT_HASH);
    let first: Answer | undefined;
    const blocked = await eventually(async () => (first = await balanceFrom(h.url, client)).status === 429, 2000);
    assert.ok(blocked, `not throttled: ${first?.status} ${first?.body}`);
    // The polls above may have been answered before the block landed: count from here.
    const middle = await scrape();
    assert.equal((await balanceFrom(h.url, client)).status, 429);
    assert.equal((await postFrom(h.url, client, { username: 'alice', hash: sign('alice') })).status, 429);
    const after = await scrape();
    assert.equal(value(after, 'tally_throttled_requests_total') - value(middle, 'tally_throttled_requests_total'), 2);
    const throttled = { method: 'user_balance_get', outcome: 'too_many_failed_attempts' };
    assert.equal(value(after, 'tally_http_requests_total', throttled) - value(middle, 'tally_http_requests_total', throttled), 2);
    assert.equal(value(after, 'tally_auth_failures_total') - value(before, 'tally_auth_failures_total'), 20);
    assert.equal(value(after, 'tally_throttled_clients'), 1);
    assert.ok(value(after, 'tally_throttled_requests_total') - value(before, 'tally_throttled_requests_total') >= 3);
  });
});
