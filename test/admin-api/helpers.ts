/**
 * What the admin API's tests share: a real server (both listeners) on a seeded database of its
 * own, an operator of each role with a token, and a typed client for each (the generated one).
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { pino, type Logger } from 'pino';
import { createAdminClient, type AdminClient } from '../../src/admin-client/index.js';
import type { OperatorRole } from '../../src/domain/operators.js';
import { startHarness, type Harness, type HarnessOptions } from '../http/helpers.js';

export interface AdminHarness extends Harness {
  readonly adminUrl: string;
  readonly tokens: Readonly<Record<OperatorRole, string>>;
  /** A client signed in by each role's token, and one without credentials. */
  readonly as: Readonly<Record<OperatorRole | 'anonymous', AdminClient>>;
}

/**
 * A harness for one test, closed when it ends; operators `owner1`, `admin1`, `viewer1`. `t` is a
 * test's context, or anything that runs a function at the end (a suite's `after` hook).
 */
export async function adminHarness(t: Pick<TestContext, 'after'> | { after(fn: () => Promise<void>): void }, options: HarnessOptions = {}): Promise<AdminHarness> {
  const h = await startHarness(options);
  t.after(() => h.close());
  const adminUrl = h.server.adminUrl;
  assert.ok(adminUrl !== undefined, 'the admin listener is on');
  const [owner, admin, viewer] = await Promise.all([
    h.operator.operatorToken('owner1', 'owner'),
    h.operator.operatorToken('admin1', 'admin'),
    h.operator.operatorToken('viewer1', 'viewer'),
  ]);
  const tokens = { owner, admin, viewer };
  return {
    ...h,
    adminUrl,
    tokens,
    as: {
      owner: createAdminClient(adminUrl, { token: owner }),
      admin: createAdminClient(adminUrl, { token: admin }),
      viewer: createAdminClient(adminUrl, { token: viewer }),
      anonymous: createAdminClient(adminUrl),
    },
  };
}

/** A raw request to the admin listener: status, headers and the exact body text. */
export async function adminRequest(
  h: { adminUrl: string },
  method: string,
  path: string,
  options: { token?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const response = await fetch(h.adminUrl + path, {
    method,
    headers: {
      ...(options.token !== undefined && { Authorization: `Bearer ${options.token}` }),
      ...(options.body !== undefined && { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body !== undefined && { body: options.body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A password sign-in (POST /admin/v1/session): the answer, its Set-Cookie, the cookie to send back and the CSRF token. */
export async function signIn(h: { adminUrl: string }, username: string, password: string) {
  const answer = await adminRequest(h, 'POST', '/admin/v1/session', { body: JSON.stringify({ username, password }) });
  const setCookie = answer.headers.get('set-cookie') ?? '';
  return { answer, setCookie, cookie: setCookie.split(';', 1)[0]!, csrf: (answer.json as { csrf_token?: string } | undefined)?.csrf_token ?? '' };
}

/** A pino logger that keeps its lines in memory, to show what a request logged. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'debug', base: undefined }, { write: (line: string) => void lines.push(line) }), lines };
}
