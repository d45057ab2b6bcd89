/**
 * The admin listener (spec admin-api.md section 1): where `tally serve` opens it (--admin-port,
 * TALLY_ADMIN_PORT, --admin-host; off), how a bad value is refused, that neither port answers the
 * other's paths, and that it listens with --workers and on every node of a PostgreSQL deployment.
 * Where the CLI is under test, real `tally serve` processes; the path rules on the in-process
 * server of the harness.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { after, describe, test } from 'node:test';
import { BACKEND, runTally, tempDir, type TempDir } from '../support/fixtures.js';
import { errorXml } from '../support/spec-oracle.js';
import { Operator } from '../support/seed.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { adminHarness, adminRequest } from './helpers.js';

const temps: TempDir[] = [];
const servers: ServeProcess[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await Promise.all(temps.map((temp) => temp.remove()));
});

/** An initialised database of the suite's backend, removed at the end. */
async function database(): Promise<string> {
  const temp = await tempDir();
  temps.push(temp);
  await (await Operator.seed(temp.db)).close();
  return temp.db;
}

async function serve(db: string, options: Parameters<typeof startServeProcess>[1] = {}): Promise<ServeProcess> {
  const server = await startServeProcess(db, options);
  servers.push(server);
  return server;
}

/** A port free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The TCP ports a process listens on, from /proc: its socket inodes among the LISTEN sockets. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match !== null) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) ports.add(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

const portOf = (url: string): number => Number(new URL(url).port);

/** One request on a connection of its own (so that the cluster may hand it to any worker). */
function freshGet(url: string): Promise<{ status: number; requestId: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, requestId: String(res.headers['x-request-id']) }));
    }).on('error', reject);
  });
}

describe('tally serve opens the admin listener', () => {
  test('--admin-port 0 picks a free port, named by the listening line, where the admin API answers', async () => {
    const server = await serve(await database(), { args: ['--admin-port', '0'] });
    assert.ok(server.adminUrl !== undefined, server.lines.join('\n'));
    const admin = new URL(server.adminUrl);
    assert.equal(admin.hostname, '127.0.0.1');
    assert.notEqual(portOf(server.adminUrl), 0);
    assert.notEqual(portOf(server.adminUrl), portOf(server.url));
    assert.notEqual(portOf(server.adminUrl), 8081);
    assert.deepEqual(listeningPorts(server.child.pid!), [portOf(server.url), portOf(server.adminUrl)].sort((a, b) => a - b));
    const answer = await fetch(`${server.adminUrl}/admin/v1/openapi.json`);
    assert.equal(answer.status, 200);
    assert.equal(((await answer.json()) as { openapi: string }).openapi, '3.1.0');
  });

  test('TALLY_ADMIN_PORT=off opens none: the process listens on the API port alone', async () => {
    const server = await serve(await database(), { env: { TALLY_ADMIN_PORT: 'off' } });
    assert.equal(server.adminUrl, undefined, server.lines.join('\n'));
    assert.deepEqual(listeningPorts(server.child.pid!), [portOf(server.url)]);
    const answer = await fetch(`${server.url}/admin/v1/openapi.json`);
    assert.equal(answer.status, 404);
  });

  test('--admin-host puts it on that address only', async () => {
    const server = await serve(await database(), { args: ['--admin-port', '0', '--admin-host', '127.0.0.2'] });
    assert.ok(server.adminUrl !== undefined);
    assert.equal(new URL(server.adminUrl).hostname, '127.0.0.2');
    assert.equal((await fetch(`${server.adminUrl}/admin/v1/openapi.json`)).status, 200);
    await assert.rejects(fetch(`http://127.0.0.1:${portOf(server.adminUrl)}/admin/v1/openapi.json`), 'nothing on 127.0.0.1 at that port');
  });

  test('with --workers 2 every worker listens on the same admin port, and each answers', async () => {
    const server = await serve(await database(), { workers: 2 });
    const adminUrls = server.lines
      .map((line) => JSON.parse(line) as { msg?: string; adminUrl?: string })
      .filter((entry) => entry.msg === 'listening')
      .map((entry) => entry.adminUrl);
    assert.equal(adminUrls.length, 2);
    assert.equal(adminUrls[0], adminUrls[1]);
    const answers = await Promise.all(Array.from({ length: 8 }, () => freshGet(`${server.adminUrl!}/admin/v1/openapi.json`)));
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));
    // A request id the server makes starts with its process's prefix: two prefixes, two workers.
    const processes = new Set(answers.map((answer) => answer.requestId.split('-')[0]));
    assert.equal(processes.size, 2, `answered by ${[...processes].join(', ')}`);
  });
});

describe('tally serve refuses a bad admin listener', () => {
  /** One line on standard error, nothing on standard output, exit 2: as every option error. */
  function assertUsageError(result: Awaited<ReturnType<typeof runTally>>, stderr: string): void {
    assert.deepEqual({ code: result.code, stdout: result.stdout, stderr: result.stderr }, { code: 2, stdout: '', stderr });
  }

  test('a value of --admin-port or TALLY_ADMIN_PORT that is not a port or "off" is one line, exit 2', async () => {
    const db = await database();
    for (const value of ['eighty', '65536', '-1', '']) {
      assertUsageError(
        await runTally(['serve', '--port', '0', '--admin-port', value, '--db', db]),
        value === '' ? 'tally: --admin-port must be a port number from 0 to 65535, or "off", not ""\n' : `tally: --admin-port must be a port number from 0 to 65535, or "off", not "${value}"\n`,
      );
    }
    assertUsageError(
      await runTally(['serve', '--port', '0', '--db', db], { env: { TALLY_ADMIN_PORT: 'OFF' } }),
      'tally: TALLY_ADMIN_PORT must be a port number from 0 to 65535, or "off", not "OFF"\n',
    );
  });

  test('an admin port equal to the API port is refused with one line, exit 2', async () => {
    const db = await database();
    const port = String(await freePort());
    const line = `tally: the admin listener needs a port of its own: TALLY_ADMIN_PORT (--admin-port) and TALLY_PORT (--port) are both ${port}\n`;
    assertUsageError(await runTally(['serve', '--port', port, '--admin-port', port, '--db', db]), line);
    assertUsageError(await runTally(['serve', '--db', db], { env: { TALLY_PORT: port, TALLY_ADMIN_PORT: port } }), line);
  });
});

describe("neither listener answers the other's paths", () => {
  test('the Kolmisoft port answers /admin/... with its own XML 404, never the admin API', async (t) => {
    const h = await adminHarness(t);
    const expected = errorXml('status', 'There is no such API');
    for (const [method, path] of [
      ['GET', '/admin/v1/openapi.json'],
      ['GET', '/admin/v1/users'],
      ['POST', '/admin/v1/users'],
      ['GET', '/admin/docs'],
      ['GET', '/admin/docs/swagger-ui.css'],
      ['GET', '/admin/v1/no-such-thing'],
    ] as const) {
      const answer = await fetch(h.url + path, { method, headers: { Authorization: `Bearer ${h.tokens.owner}`, 'X-Request-Id': 'kolmisoft-1' } });
      assert.equal(answer.status, 404, `${method} ${path}`);
      assert.equal(answer.headers.get('content-type'), 'text/xml; charset=utf-8', `${method} ${path}`);
      assert.equal(answer.headers.get('x-request-id'), 'kolmisoft-1');
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      assert.equal(await answer.text(), expected, `${method} ${path}`);
    }
  });

  test('the admin port answers /billing/api/... and every other path with a 404 problem document', async (t) => {
    const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }] });
    for (const [method, path] of [
      ['GET', '/billing/api/user_balance_get?username=alice'],
      ['POST', '/billing/api/user_balance_get'],
      ['GET', '/readyz'],
      ['GET', '/admin/v2/users'],
      ['GET', '/admin/v1/no-such-thing'],
    ] as const) {
      const answer = await adminRequest(h, method, path, { headers: { 'X-Request-Id': 'admin-1' } });
      assert.equal(answer.status, 404, `${method} ${path}`);
      assert.equal(answer.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal(answer.headers.get('x-request-id'), 'admin-1');
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      const problem = answer.json as { type: string; status: number; code: string };
      assert.deepEqual([problem.type, problem.status, problem.code], ['/admin/docs#problem-not_found', 404, 'not_found'], `${method} ${path}`);
      assert.doesNotMatch(answer.text, /<\?xml/);
    }
  });

  test("both listeners echo a sane X-Request-Id, replace one that is not, and send Cache-Control: no-store", async (t) => {
    const h = await adminHarness(t);
    for (const base of [h.url, h.adminUrl]) {
      for (const [given, echoed] of [
        ['req-1.a:b_C', true],
        ['has space', false],
        ['x'.repeat(65), false],
      ] as const) {
        const answer = await fetch(`${base}/admin/v1/openapi.json`, { headers: { 'X-Request-Id': given } });
        await answer.arrayBuffer();
        const id = answer.headers.get('x-request-id') ?? '';
        if (echoed) assert.equal(id, given, base);
        else assert.match(id, /^[0-9a-f]{8}-[0-9a-z]+$/, `${base}: a server-made id for ${JSON.stringify(given)}`);
        assert.equal(answer.headers.get('cache-control'), 'no-store', base);
      }
    }
  });
});

describe('two tally serve nodes on one PostgreSQL database', { skip: BACKEND === 'postgres' ? false : 'the PostgreSQL half runs it' }, () => {
  test('each answers the admin API, and a user added through one is read through the other', async () => {
    const temp = await tempDir('postgres');
    temps.push(temp);
    const operator = await Operator.seed(temp.db);
    const token = await operator.operatorToken('owner1', 'owner');
    await operator.close();
    const [a, b] = await Promise.all([serve(temp.db), serve(temp.db)]);
    assert.notEqual(a!.adminUrl, b!.adminUrl);
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${a!.adminUrl!}/admin/v1/users`, { method: 'POST', headers, body: '{"username":"nodes"}' });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: number };
    for (const node of [a!, b!]) {
      const answer = await fetch(`${node.adminUrl!}/admin/v1/users/${id}`, { headers });
      assert.equal(answer.status, 200);
      assert.equal(((await answer.json()) as { username: string }).username, 'nodes');
    }
  });
});
