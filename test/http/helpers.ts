/** Small helpers shared by the HTTP tests: a prepared database behind a real server, requests, hashes. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { RunningServer } from '../../src/app.js';
import { eventually, startTestServer, tally, tempDir, type TempDir } from '../support/fixtures.js';

export const SECRET = 'secret';
export const API_PATH = '/billing/api/user_balance_get';
export const OLD_API_PATH = '/billing/api/balance';
export const XML_TYPE = 'text/xml; charset=utf-8';
export const HTML_TYPE = 'text/html; charset=utf-8';

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
  /** Runs `tally ARGS --db DB`. */
  cli(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * A fresh database prepared through the real CLI (init, the key `secret`, then each command
 * with `--db` appended), and a real server on it.
 */
export async function startHarness(commands: string[][] = [], options: { currency?: string } = {}): Promise<Harness> {
  const tmp = await tempDir();
  const db = tmp.db;
  const cli = (...args: string[]): Promise<string> => tally(...args, '--db', db);
  await cli('init', ...(options.currency === undefined ? [] : ['--currency', options.currency]));
  await cli('settings', 'set', 'api_secret_key', SECRET);
  for (const command of commands) await cli(...command);
  const server = await startTestServer(db);
  const port = Number(new URL(server.url).port);
  return {
    tmp,
    db,
    server,
    url: server.url,
    port,
    cli,
    async close() {
      await server.close();
      await tmp.remove();
    },
  };
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

/** Waits (after a CLI change) until `request` answers `body`, then asserts the whole answer. */
export async function settle(request: () => Promise<Answer>, body: string, ms = 2000): Promise<void> {
  let last: Answer | undefined;
  const reached = await eventually(async () => {
    last = await request();
    return last.body === body;
  }, ms);
  assert.ok(reached, `expected within ${ms} ms:\n${body}\nlast answer:\n${last?.body}`);
  assertAnswer(last!, body);
}

export interface RawAnswer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** Splits a raw HTTP/1.1 answer into status, headers and body. */
export function parseRaw(raw: string): RawAnswer {
  const split = raw.indexOf('\r\n\r\n');
  assert.notEqual(split, -1, `no complete HTTP head in ${JSON.stringify(raw)}`);
  const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: raw.slice(split + 4) };
}
