/**
 * Spec section 10 under load: concurrent user_balance_update requests from two separate client
 * processes lose no update, write one ledger entry each, and a retried transaction_id applies once.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { balanceXml, updatedXml } from '../support/spec-oracle.js';
import { assertAnswer, harnessFor, post, signed, type Harness } from './helpers.js';
import { assertVerified, history, update, UPDATE_PATH, userField } from './write-helpers.js';

/** A client process: waits for a common start time, fires COUNT POSTs at once, prints every answer as JSON. */
const CLIENT_SCRIPT = `
const [url, count, body, startAt] = process.argv.slice(2);
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
const headers = { 'content-type': 'application/x-www-form-urlencoded' };
const answers = await Promise.all(Array.from({ length: Number(count) }, async () => {
  try {
    const response = await fetch(url, { method: 'POST', headers, body });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  } catch (error) {
    return { status: 0, type: null, body: String(error) };
  }
}));
process.stdout.write(JSON.stringify({ pid: process.pid, answers }));
`;

interface ClientAnswer {
  readonly status: number;
  readonly type: string | null;
  readonly body: string;
}

interface ClientReport {
  readonly pid: number;
  readonly answers: ClientAnswer[];
}

function runClient(script: string, url: string, count: number, body: string, startAt: number): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, url, String(count), body, String(startAt)], (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`client failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as ClientReport);
    });
  });
}

/** Two client processes, each sending `perClient` copies of `params` concurrently; all answers. */
async function fromTwoProcesses(h: Harness, script: string, params: Record<string, string>, perClient: number): Promise<ClientAnswer[]> {
  const body = new URLSearchParams(params).toString();
  const startAt = Date.now() + 700; // both processes are up by then, so their requests overlap
  const reports = await Promise.all([1, 2].map(() => runClient(script, h.url + UPDATE_PATH, perClient, body, startAt)));
  assert.equal(reports.length, 2);
  assert.notEqual(reports[0]?.pid, reports[1]?.pid);
  assert.notEqual(reports[0]?.pid, process.pid);
  for (const report of reports) assert.equal(report.answers.length, perClient);
  return reports.flatMap((report) => report.answers);
}

/** `cents` as section 10's plain decimal: 501 → 5.01, 510 → 5.1, 600 → 6.0. */
function plainDecimal(cents: number): string {
  const fraction = String(cents % 100).padStart(2, '0').replace(/0$/, '') || '0';
  return `${Math.floor(cents / 100)}.${fraction}`;
}

/** A database of the test's own with dave at `balance`, and the client script. */
async function daveAt(t: TestContext, balance: string): Promise<{ h: Harness; dave: string; script: string }> {
  const h = await harnessFor(t, { users: [{ name: 'dave', balance }] });
  const script = join(h.tmp.dir, 'client.mjs');
  await writeFile(script, CLIENT_SCRIPT);
  return { h, dave: await userField(h, 'dave', 'id'), script };
}

describe('concurrent user_balance_update requests (section 10)', () => {
  it('applies 200 concurrent +0.01 updates from two client processes exactly: 2.00 more and 200 new ledger entries', async (t) => {
    const { h, dave, script } = await daveAt(t, '5');
    const before = await history(h, 'dave');
    assert.equal(before.length, 1);

    const answers = await fromTwoProcesses(h, script, update(dave, '0.01'), 100);

    assert.equal(answers.length, 200);
    const seen = new Set<string>();
    for (const answer of answers) {
      assert.equal(answer.status, 200, answer.body);
      assert.equal(answer.type, 'text/xml; charset=utf-8');
      const match = /<balance>([^<]*)<\/balance>/.exec(answer.body);
      const balance = match?.[1] ?? '';
      assert.equal(answer.body, updatedXml('dave', dave, balance));
      seen.add(balance);
    }
    // Every request saw its own balance: each of 5.01 … 7.0 exactly once, none lost or doubled.
    const expected = Array.from({ length: 200 }, (_, i) => plainDecimal(501 + i));
    assert.deepEqual([...seen].sort(), [...expected].sort());

    assertAnswer(await post(h, signed('dave')), balanceXml('7.00'));
    const now = await history(h, 'dave');
    assert.equal(now.length, before.length + 200);
    assert.deepEqual(now.slice(200), before);
    const added = now.slice(0, 200);
    assert.ok(added.every((entry) => entry.amount === '0.01' && entry.source === 'api' && entry.key === null));
    // Newest first: each entry's balance is the previous one plus 0.01.
    assert.deepEqual(
      added.map((entry) => entry.balanceAfter),
      expected.slice().reverse(),
    );
    await assertVerified(h);
  });

  it('applies a transaction_id retried 100 times at once from two processes exactly once, answering the same bytes every time', async (t) => {
    const { h, dave, script } = await daveAt(t, '7');
    const before = await history(h, 'dave');
    const params = update(dave, '3.5', { transaction_id: 'retry-storm-1' });

    const answers = await fromTwoProcesses(h, script, params, 50);

    assert.equal(answers.length, 100);
    const first = updatedXml('dave', dave, '10.5');
    for (const answer of answers) {
      assert.equal(answer.status, 200, answer.body);
      assert.equal(answer.body, first);
    }
    const now = await history(h, 'dave');
    assert.equal(now.length, before.length + 1);
    assert.deepEqual(now.slice(1), before);
    assert.equal(now[0]?.key, 'retry-storm-1');
    assert.equal(now[0]?.amount, '3.5');
    assertAnswer(await post(h, signed('dave')), balanceXml('10.50'));
    await assertVerified(h);
  });

  it('keeps answering the first bytes for that transaction_id afterwards, and Duplicate transaction_id for another amount', async (t) => {
    const { h, dave, script } = await daveAt(t, '7');
    assertAnswer(await post(h, update(dave, '3.5', { transaction_id: 'retry-storm-1' }), UPDATE_PATH), updatedXml('dave', dave, '10.5'));
    assertAnswer(await post(h, update(dave, '3.5', { transaction_id: 'retry-storm-1' }), UPDATE_PATH), updatedXml('dave', dave, '10.5'));
    const answers = await fromTwoProcesses(h, script, update(dave, '4', { transaction_id: 'retry-storm-1' }), 10);
    for (const answer of answers) assert.match(answer.body, /<error>Duplicate transaction_id<\/error>/);
    assertAnswer(await post(h, signed('dave')), balanceXml('10.50'));
    await assertVerified(h);
  });
});
