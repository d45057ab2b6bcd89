/** Small helpers shared by the HTTP tests: a seeded database behind a real server, requests, hashes. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { TestContext } from 'node:test';
import type { Logger } from 'pino';
import type { RunningServer } from '../../src/app.js';
import { eventually, startTestServer, tempDir, type TempDir } from '../support/fixtures.js';
import { Operator, type SeedPlan } from '../support/seed.js';
import { XML_TYPE } from '../support/spec-oracle.js';

export const SECRET = 'secret';
export const API_PATH = '/billing/api/user_balance_get';
export const OLD_API_PATH = '/billing/api/balance';

/** SHA1 hex of the non-empty values then the key, computed here, independently of the server. */
export function sign(...values: string[]): string {
  return createHash('sha1').update(values.filter((v) => v !== '').join('') + SECRET, 'utf8').digest('hex');
}

/** The parameters of a correctly signed request for `username` (and `currency`, if given). */
export function signed(username: string, extra: Record<string, string> = {}): Record<string, string> {
  return { username, ...extra, hash: sign(username, extra['currency'] ?? '') };
}

export interface Harness {
  readonly tmp: TempDir;
  readonly db: string;
  readonly server: RunningServer;
  readonly url: string;
  readonly port: number;
  /** Changes the database while the server runs, as an operator would with the CLI. */
  readonly operator: Operator;
  close(): Promise<void>;
}

export interface HarnessOptions extends SeedPlan {
  /** TALLY_* variables of the server (timeouts). */
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the silent default, to read what is logged. */
  readonly logger?: Logger;
}

/**
 * A fresh database of its own, seeded in this process (api_secret_key is `secret` unless the
 * plan says otherwise), and a real server on it.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const tmp = await tempDir();
  let operator: Operator | undefined;
  try {
    operator = await Operator.seed(tmp.db, { ...options, settings: { api_secret_key: SECRET, ...options.settings } });
    const server = await startTestServer(tmp.db, { ...(options.env && { env: options.env }), ...(options.logger && { logger: options.logger }) });
    const seeded = operator;
    return {
      tmp,
      db: tmp.db,
      server,
      url: server.url,
      port: Number(new URL(server.url).port),
      operator: seeded,
      async close() {
        await server.close();
        await seeded.close();
        await tmp.remove();
      },
    };
  } catch (error) {
    await operator?.close();
    await tmp.remove();
    throw error;
  }
}

/** A harness for one test alone, closed when the test ends. */
export async function harnessFor(t: TestContext, options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness(options);
  t.after(() => h.close());
  return h;
}

export interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly body: string;
  readonly headers: Headers;
}

export async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text(), headers: response.headers };
}

/** A form-encoded POST. */
export function post(h: Harness, params: Record<string, string> | string, path = API_PATH): Promise<Answer> {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return send(h.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

/** A GET with the parameters in the query string. */
export function get(h: Harness, params: Record<string, string> | string, path = API_PATH): Promise<Answer> {
  const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return send(`${h.url}${path}?${query}`);
}

/** Asserts status, Content-Type and the exact body. */
export function assertAnswer(answer: Answer, body: string, status = 200, type = XML_TYPE): void {
  assert.equal(answer.body, body);
  assert.equal(answer.status, status);
  assert.equal(answer.type, type);
}

/** Waits (after a change made while the server runs) until `request` answers `body`, then asserts the whole answer. */
export async function settle(request: () => Promise<Answer>, body: string, ms = 2000): Promise<void> {
  let last: Answer | undefined;
  const reached = await eventually(async () => {
    last = await request();
    return last.body === body;
  }, ms);
  assert.ok(reached, `expected within ${ms} ms:\n${body}\nlast answer:\n${last?.body}`);
  assertAnswer(last!, body);
}
