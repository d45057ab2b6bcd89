/**
 * The admin API's figures for `npm run bench` (issue 12): on the large database, the time of the
 * first page of GET /admin/v1/users, of a `q` prefix search, of the 200th page (its cursor found
 * by paging there once), each over repeated requests on one keep-alive connection; and a CSV
 * export of the whole ledger, streamed, with the server's resident memory sampled meanwhile, so
 * a bounded-memory export shows as a flat RSS whatever the ledger's size.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface Timing {
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly count: number;
}

export interface AdminFigures {
  readonly firstPage: Timing;
  readonly broadSearch: Timing;
  readonly narrowSearch: Timing;
  readonly page200: Timing;
  readonly export: {
    readonly entries: number;
    readonly seconds: number;
    readonly megabytes: number;
    readonly rssBeforeMb: number;
    readonly rssPeakMb: number;
    /** The server's RSS after each quarter of the export: flat when memory is bounded. */
    readonly rssByQuarterMb: readonly number[];
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string, token: string, accept = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { Authorization: `Bearer ${token}`, Accept: accept } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function timing(url: string, token: string, rounds: number): Promise<Timing> {
  for (let i = 0; i < 3; i++) await checked(url, token); // warm-up: statements prepared, caches filled
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await checked(url, token);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { medianMs: at(0.5), p95Ms: at(0.95), count: rounds };
}

async function checked(url: string, token: string): Promise<{ data: unknown[]; next_cursor: string | null }> {
  const answer = await get(url, token);
  if (answer.status !== 200) throw new Error(`GET ${url} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  return JSON.parse(answer.body) as { data: unknown[]; next_cursor: string | null };
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? 0 : Number(match[1]) / 1024;
}

/** Streams the ledger as CSV, counting lines and sampling the server's memory every 50 ms. */
function exportLedger(adminUrl: string, token: string, pid: number, expectedEntries: number): Promise<AdminFigures['export']> {
  const quarters: number[] = [];
  const rssBeforeMb = rssMb(pid);
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rssMb(pid))), 50);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${adminUrl}/admin/v1/ledger`, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/csv' } }, (res) => {
      if (res.statusCode !== 200) {
        clearInterval(sampler);
        reject(new Error(`the ledger export answered ${res.statusCode}`));
        return;
      }
      let lines = 0;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        while (quarters.length < 3 && lines >= ((quarters.length + 1) * expectedEntries) / 4) quarters.push(rssMb(pid));
      });
      res.on('end', () => {
        clearInterval(sampler);
        quarters.push(rssMb(pid));
        resolve({ entries: lines - 1, seconds: (performance.now() - started) / 1000, megabytes: bytes / 1024 / 1024, rssBeforeMb, rssPeakMb, rssByQuarterMb: quarters });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function measureAdminApi(adminUrl: string, token: string, serverPid: number, ledgerEntries: number, rounds = 30): Promise<AdminFigures> {
  const users = `${adminUrl}/admin/v1/users`;
  const firstPage = await timing(users, token, rounds);
  // `user5` matches about a ninth of the users (user5, user50…, user500000…); `user123456` one.
  const broadSearch = await timing(`${users}?q=user5`, token, rounds);
  const narrowSearch = await timing(`${users}?q=user123456`, token, rounds);
  let cursor: string | null = null;
  for (let page = 1; page < 200; page++) {
    const answer: { next_cursor: string | null } = await checked(cursor === null ? users : `${users}?cursor=${cursor}`, token);
    cursor = answer.next_cursor;
    if (cursor === null) throw new Error(`the user list ended at page ${page}`);
  }
  const page200 = await timing(`${users}?cursor=${cursor}`, token, rounds);
  const exported = await exportLedger(adminUrl, token, serverPid, ledgerEntries);
  return { firstPage, broadSearch, narrowSearch, page200, export: exported };
}

export function printAdminFigures(figures: AdminFigures, users: number): void {
  const row = (label: string, t: Timing) => console.log(`  ${label.padEnd(34)} median ${t.medianMs.toFixed(2)} ms, p95 ${t.p95Ms.toFixed(2)} ms (${t.count} requests)`);
  console.log(`\nadmin API on ${users.toLocaleString('en')} users (one keep-alive connection, after 3 warm-up requests):`);
  row('GET /admin/v1/users (first page)', figures.firstPage);
  row('GET /admin/v1/users?q=user5', figures.broadSearch);
  row('GET /admin/v1/users?q=user123456', figures.narrowSearch);
  row('GET /admin/v1/users (200th page)', figures.page200);
  const e = figures.export;
  console.log(
    `  ledger as CSV: ${e.entries.toLocaleString('en')} entries, ${e.megabytes.toFixed(1)} MB in ${e.seconds.toFixed(1)} s; server RSS ${e.rssBeforeMb.toFixed(0)} MB before, ${e.rssByQuarterMb.map((mb) => mb.toFixed(0)).join(' / ')} MB after each quarter, ${e.rssPeakMb.toFixed(0)} MB at most`,
  );
}
