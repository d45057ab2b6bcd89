/** Helpers for the tests of the section 10 methods: paths, expected documents, CLI read-backs. */
import assert from 'node:assert/strict';
import { runTally } from '../support/fixtures.js';
import { post, sign, type Answer, type Harness } from './helpers.js';

export const UPDATE_PATH = '/billing/api/user_balance_update';
export const OLD_UPDATE_PATH = '/billing/api/user_balance_change';
export const RATE_PATH = '/billing/api/exchange_rate_update';
export const TEXT_TYPE = 'text/plain; charset=utf-8';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** The success document of user_balance_update, byte for byte as section 10 shows it. */
export function updatedXml(username: string, id: string, balance: string): string {
  return (
    `${DECLARATION}<page>\n  <page>\n    <status>User balance updated</status>\n    <user>\n` +
    `      <username>${username}</username>\n      <id>${id}</id>\n      <balance>${balance}</balance>\n` +
    `    </user>\n  </page>\n</page>\n`
  );
}

/** The success document of exchange_rate_update. */
export const RATE_UPDATED = `${DECLARATION}<page>\n  <status>\n    <success>Currency successfully updated</success>\n  </status>\n</page>\n`;

/** exchange_rate_update's own errors: `<page><status><error>`. */
export function pageStatusErrorXml(text: string): string {
  return `${DECLARATION}<page>\n  <status>\n    <error>${text}</error>\n  </status>\n</page>\n`;
}

/** Parameters of a signed user_balance_update (user_id hashed as written here: pass it canonical). */
export function update(userId: string, balance: string, extra: Record<string, string> = {}, u = 'admin'): Record<string, string> {
  return { u, user_id: userId, balance, ...extra, hash: sign(userId, balance, extra['transaction_id'] ?? '') };
}

export function postUpdate(h: Harness, params: Record<string, string>, path = UPDATE_PATH): Promise<Answer> {
  return post(h, params, path);
}

/** One row of `tally user show NAME`. */
export async function userField(h: Harness, name: string, field: 'id' | 'uniquehash' | 'balance'): Promise<string> {
  const out = await h.cli('user', 'show', name);
  for (const line of out.split('\n')) {
    const match = /^(\S+)\s+(.*)$/.exec(line);
    if (match?.[1] === field) return match[2] ?? '';
  }
  throw new Error(`no ${field} in:\n${out}`);
}

export interface HistoryEntry {
  readonly id: number;
  readonly amount: string;
  readonly balanceAfter: string;
  readonly source: string;
  readonly key: string | null;
  readonly comment: string;
}

/** Every ledger entry of a user, newest first, from `tally balance history NAME --json`. */
export async function history(h: Harness, name: string): Promise<HistoryEntry[]> {
  return JSON.parse(await h.cli('balance', 'history', name, '--json', '--limit', '100000')) as HistoryEntry[];
}

/** Asserts that `tally verify` exits 0 and says every balance matches its ledger. */
export async function assertVerified(h: Harness): Promise<void> {
  const result = await runTally(['verify', '--db', h.db]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^ok: /);
}
