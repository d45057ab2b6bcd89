/**
 * Helpers for the hardening tests (throttling, limits, timeouts, ops endpoints, logging): a
 * harness whose server takes TALLY_* variables and a logger, requests from a simulated client
 * address, and a raw socket that can stall mid-request.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { initializeDatabase } from '../../src/app.js';
import { isSettingName, normalizeSettingValue } from '../../src/domain/settings.js';
import { newUniquehash } from '../../src/domain/tokens.js';
import { openStore } from '../../src/store/open-store.js';
import { startTestServer, tally, tempDir } from '../support/fixtures.js';
import { API_PATH, parseRaw, send, SECRET, sign, type Answer, type Harness, type RawAnswer } from './helpers.js';
import { CLI } from '../support/actors.js';

export const FORM = 'application/x-www-form-urlencoded';
/** 40 hex digits, so well formed, but never the right hash. */
export const WRONG_HASH = '0'.repeat(40);

export interface HardenedHarnessOptions {
  /** Settings by name, as `tally settings set` takes them; api_secret_key is `secret` unless given. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Users to add (whole-unit balances in the system currency); alice with 26 unless given. */
  readonly users?: ReadonlyArray<{ readonly name: string; readonly balance: number }>;
  /** TALLY_* variables of the server (timeouts). */
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
}

/**
 * Creates and prepares a database in this process, through the store (one `tally` process per
 * step would cost more than the test): init, the settings, the users. alice's id is 1 (the admin's is 0).
 */
export async function prepareDatabase(db: string, options: Pick<HardenedHarnessOptions, 'settings' | 'users'> = {}): Promise<void> {
  const store = await openStore(db, { mustExist: false, poolSize: 1 });
  try {
    await initializeDatabase(store);
    for (const [name, value] of Object.entries({ api_secret_key: SECRET, ...options.settings })) {
      assert.ok(isSettingName(name), `no setting ${name}`);
      const normalized = normalizeSettingValue(name, value);
      assert.ok(normalized.ok, `${name} ${value}`);
      await store.writeSettings(new Map([[name, normalized.stored]]), CLI);
    }
    const currency = (await store.systemCurrency())!;
    for (const user of options.users ?? [{ name: 'alice', balance: 26 }]) {
      await store.addUser({ username: user.name, currency, balance: BigInt(user.balance) * 1_000_000n, uniquehash: newUniquehash(), role: 'user' }, CLI);
    }
  } finally {
    await store.close();
  }
}

/** A fresh database prepared by prepareDatabase, and a real server on it. */
export async function startHardenedHarness(options: HardenedHarnessOptions = {}): Promise<Harness> {
  const tmp = await tempDir();
  const db = tmp.db;
  try {
    await prepareDatabase(db, options);
  } catch (error) {
    await tmp.remove();
    throw error;
  }
  const server = await startTestServer(db, { ...(options.env && { env: options.env }), ...(options.logger && { logger: options.logger }) });
  return {
    tmp,
    db,
    server,
    url: server.url,
    port: Number(new URL(server.url).port),
    cli: (...args: string[]): Promise<string> => tally(...args, '--db', db),
    async close() {
      await server.close();
      await tmp.remove();
    },
  };
}

/** A form POST to `path` on `url`, sent as if through a proxy for `client` (no header when undefined). */
export function postFrom(url: string, client: string | undefined, params: Record<string, string>, path = API_PATH): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': FORM };
  if (client !== undefined) headers['x-forwarded-for'] = client;
  return send(url + path, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
}

/** alice's balance, asked for by `client` with the right hash (or `hash`). */
export function balanceFrom(url: string, client: string | undefined, hash = sign('alice')): Promise<Answer> {
  return postFrom(url, client, { username: 'alice', hash });
}

/**
 * A raw TCP connection to a server, for requests sent in pieces, slowly, or not finished.
 * Everything the server sends is collected; `response()` waits for one complete answer.
 */
export class RawConnection {
  private received = Buffer.alloc(0);
  private ended = false;
  private waiters: (() => void)[] = [];
  readonly connected: Promise<void>;

  private constructor(private readonly socket: Socket) {
    this.connected = new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on('error', () => undefined); // a reset counts as a close, below
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  static async open(port: number): Promise<RawConnection> {
    const connection = new RawConnection(connect(port, '127.0.0.1'));
    await connection.connected;
    return connection;
  }

  write(bytes: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Everything received so far, as text. */
  get text(): string {
    return this.received.toString('utf8');
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Waits until `ready()` holds or the connection closes or `ms` pass; returns ready(). */
  async until(ready: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!ready() && !this.ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return ready();
  }

  /**
   * Waits for one complete answer (its head and Content-Length bytes of body) and returns it;
   * interim `100 Continue` answers are skipped.
   */
  async response(ms = 5000): Promise<RawAnswer> {
    const complete = (): boolean => completeAnswer(this.text) !== undefined;
    await this.until(complete, ms);
    const answer = completeAnswer(this.text);
    assert.ok(answer !== undefined, `no complete answer within ${ms} ms; received ${JSON.stringify(this.text)}`);
    return answer;
  }

  /** Waits until the server closes the connection; true if it did within `ms`. */
  async closedByServer(ms = 3000): Promise<boolean> {
    await this.until(() => this.ended, ms);
    return this.ended;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

function completeAnswer(raw: string): RawAnswer | undefined {
  const text = raw.replace(/^(HTTP\/1\.1 100 Continue\r\n\r\n)+/, '');
  const split = text.indexOf('\r\n\r\n');
  if (split === -1) return undefined;
  const answer = parseRaw(text);
  const length = Number(answer.headers.get('content-length') ?? 0);
  return Buffer.byteLength(answer.body, 'utf8') >= length ? answer : undefined;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
