/**
 * What Tally's own request path costs beside the ceiling's, without sockets: the CPU time per
 * user_balance_get of Tally's request handler (the transport, the API surface, the throttle,
 * the metrics, the method, the store's look-up) and of the ceiling's (bench/ceiling.ts), each
 * called in this process with the same requests on the same SQLite database, through a
 * stand-in for node:http's request and response that delivers the body and takes the answer.
 *
 *   npm run bench:path [-- --users N] [--requests N] [--rounds N]
 *
 * Node's HTTP parsing and socket writes are the same for both servers and are left out here, so
 * the gap is not diluted by them nor hidden in the noise of a load generator sharing the cores:
 * this is the figure to work on when `npm run bench` shows Tally below its ceiling. Both
 * handlers' answers are compared byte for byte before anything is measured.
 */
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startServer } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createCeilingHandler } from './ceiling.js';
import { balanceGetForm, mixKind, TALLY, timed, writeUsersCsv } from './tools.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const { values } = parseArgs({
  options: { users: { type: 'string', default: '100000' }, requests: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' } },
});
const users = Number(values.users);
const requests = Number(values.requests);
const rounds = Number(values.rounds);
if (![users, requests, rounds].every((n) => Number.isInteger(n) && n > 0)) {
  throw new Error('usage: npm run bench:path [-- --users N] [--requests N] [--rounds N]');
}

// One socket for every request, as one keep-alive connection: Tally keeps per-socket state.
const socket = Object.assign(new EventEmitter(), { remoteAddress: '127.0.0.1', destroyed: false, destroy() {} });

const dir = await mkdtemp(join(tmpdir(), 'tally-bench-path-'));
try {
  const db = join(dir, 'tally.db');
  const csv = join(dir, 'users.csv');
  await writeUsersCsv(csv, users);
  timed('init', ['init', '--db', db]);
  timed('currency', ['currency', 'set', 'EUR', '--rate', '0.7351', '--db', db]);
  timed('currency', ['currency', 'set', 'GBP', '--rate', '0.79', '--db', db]);
  timed('import', ['import', csv, '--db', db]);
  const secret = execFileSync(process.execPath, [TALLY, 'settings', 'get', 'api_secret_key', '--db', db], { encoding: 'utf8' }).trim();

  const running = await startServer(loadConfig({ db, port: '0', host: '127.0.0.1', adminPort: 'off' }, {}), pino({ level: 'silent' }), { init: false });
  const tally = running.server.listeners('request')[0] as Handler;
  const ceiling = await createCeilingHandler(db, secret);
  const bodies = requestBodies(users, secret);

  for (const body of bodies.slice(0, 1000)) {
    const [fromTally, fromCeiling] = [await call(tally, body), await call(ceiling, body)];
    if (fromTally !== fromCeiling) throw new Error(`the ceiling answers ${JSON.stringify(fromCeiling)} where Tally answers ${JSON.stringify(fromTally)}`);
  }
  console.log('both handlers answer the first 1,000 requests alike, byte for byte');

  const figures = { tally: [] as number[], ceiling: [] as number[] };
  await measure(tally, bodies, Math.min(requests, 20_000)); // warm-up: both JIT-compiled before the rounds
  await measure(ceiling, bodies, Math.min(requests, 20_000));
  for (let round = 1; round <= rounds; round++) {
    // Each goes first in every other round: neither always inherits the other's garbage.
    const order = [['tally', tally], ['ceiling', ceiling]] as const;
    for (const [name, handler] of round % 2 === 1 ? order : [...order].reverse()) {
      const micros = await measure(handler, bodies, requests);
      figures[name].push(micros);
      console.log(`${name.padEnd(8)} round ${round}   ${micros.toFixed(2)} µs of CPU per request`);
    }
  }
  const [t, c] = [median(figures.tally), median(figures.ceiling)];
  console.log(`\nmedian of ${rounds} rounds of ${requests.toLocaleString('en-US')} requests, ${users.toLocaleString('en-US')} users:`);
  console.log(`tally ${t.toFixed(2)} µs, ceiling ${c.toFixed(2)} µs: Tally's own work costs ${(t - c).toFixed(2)} µs more per request (ceiling / tally ${(c / t).toFixed(2)})`);
  await running.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** The load generator's mix (bench/load.ts): 70% plain, 20% converted to EUR, 10% in the user's own currency. */
function requestBodies(count: number, secret: string): Buffer[] {
  const bodies: Buffer[] = [];
  // Every user of a database up to 200,000, so that a large one is read as widely as under load.
  for (let i = 0; i < Math.min(count, 200_000); i++) bodies.push(Buffer.from(balanceGetForm(`user${1 + ((i * 7919) % count)}`, mixKind(i), secret)));
  return bodies;
}

async function measure(handler: Handler, bodies: readonly Buffer[], count: number): Promise<number> {
  const started = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    await call(handler, bodies[i % bodies.length]!);
    // A turn of the event loop per 50 requests, as with the load generator's 50 connections: the
    // read snapshot of a turn ends (COMMIT) and the next begins, as it does in service.
    if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / count;
}

/**
 * One POST to user_balance_get through a stand-in for node:http: the request emits its body and
 * ends; the response records its status, headers and body and emits close, as a real one does.
 */
function call(handler: Handler, body: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const req = Object.assign(new EventEmitter(), {
      method: 'POST',
      url: '/billing/api/user_balance_get',
      httpVersion: '1.1',
      complete: false,
      socket,
      headers: { host: '127.0.0.1', 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) },
    });
    let status = 0;
    let contentType = '';
    const res = Object.assign(new EventEmitter(), {
      socket,
      destroyed: false,
      writeHead(code: number, headers: readonly string[] | readonly (readonly string[])[]) {
        status = code;
        const flat = headers.flat();
        contentType = flat[flat.findIndex((name) => name.toLowerCase() === 'content-type') + 1] ?? '';
        return res;
      },
      end(document: string) {
        resolve(`${status} ${contentType}\n${document}`);
        res.emit('close');
      },
    });
    handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    req.emit('data', body);
    req.complete = true;
    req.emit('end');
    req.emit('close');
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
