/**
 * `tally serve` stops cleanly on SIGTERM: it stops accepting at once, finishes the request in
 * flight (even one whose body is still arriving), cuts connections with nothing in flight, then
 * exits 0.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { balanceXml, eventually, tempDir, type TempDir } from '../support/fixtures.js';
import { seedDatabase } from '../support/seed.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { RawConnection, type RawAnswer } from '../support/raw-http.js';

const SECRET = 'shutdown-secret';
const BODY = `username=alice&hash=${createHash('sha1').update(`alice${SECRET}`).digest('hex')}`;

/** Resolves true when a new TCP connection to `port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

interface InFlight {
  readonly connection: RawConnection;
  readonly answer: RawAnswer;
  readonly exited: Promise<number | null>;
}

/**
 * Sends a balance read's head and half its body, SIGTERMs the server, checks that new
 * connections are refused while the process lives on, sends the rest, and reads the answer.
 */
async function requestInFlightAtSigterm(serve: ServeProcess): Promise<InFlight> {
  const port = Number(new URL(serve.url).port);
  const exited = new Promise<number | null>((resolve) => serve.child.once('exit', (code) => resolve(code)));
  const connection = await RawConnection.open(port);
  // Expect: 100-continue makes the server say when it has read the head: from then on the
  // request is in flight for certain.
  await connection.write(
    'POST /billing/api/user_balance_get HTTP/1.1\r\nHost: tally.test\r\n' +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${BODY.length}\r\nExpect: 100-continue\r\n\r\n`,
  );
  assert.ok(await connection.until(() => connection.text.startsWith('HTTP/1.1 100 Continue\r\n\r\n'), 5000), connection.text);
  const half = Math.floor(BODY.length / 2);
  await connection.write(BODY.slice(0, half));

  serve.child.kill('SIGTERM');
  // The listening socket closes at once; the process lives on for the request in flight.
  assert.ok(await eventually(() => refused(port), 5000), 'new connections are still accepted after SIGTERM');
  assert.equal(serve.child.exitCode, null, 'the process must wait for the request in flight');

  await connection.write(BODY.slice(half));
  const answer = await connection.response(5000);
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('content-type'), 'text/xml; charset=utf-8');
  assert.equal(answer.body, balanceXml('26.00'));
  return { connection, answer, exited };
}

describe('tally serve on SIGTERM', () => {
  let temp: TempDir;
  const started: ServeProcess[] = [];
  const serve = async (): Promise<ServeProcess> => {
    const process = await startServeProcess(temp.db);
    started.push(process);
    return process;
  };
  before(async () => {
    temp = await tempDir();
    await seedDatabase(temp.db, { settings: { api_secret_key: SECRET }, users: [{ name: 'alice', balance: '26' }] });
  });
  after(async () => {
    for (const process of started) {
      if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
    }
    await temp.remove();
  });

  it('finishes a request whose body is still arriving, refuses new connections meanwhile, then exits 0', async () => {
    const server = await serve();
    const { connection, exited } = await requestInFlightAtSigterm(server);
    // The client is done and hangs up, as a client that does not pool connections does.
    connection.destroy();
    assert.equal(await exited, 0);
    assert.equal(await refused(Number(new URL(server.url).port)), true);
  });

  it(
    'closes the connection of the request in flight after its answer, so a pooling client cannot hold the shutdown',
    async () => {
      const server = await serve();
      const { connection, answer, exited } = await requestInFlightAtSigterm(server);
      try {
        assert.equal(answer.headers.get('connection'), 'close');
        assert.ok(await connection.closedByServer(2000), 'the server must close the connection after the answer');
        assert.equal(await exited, 0);
      } finally {
        connection.destroy();
      }
    },
  );

  it('cuts a connection still sending its head, and an idle keep-alive one, instead of waiting for them', async () => {
    const server = await serve();
    const port = Number(new URL(server.url).port);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    const stalled = await RawConnection.open(port);
    const idle = await RawConnection.open(port);
    try {
      await stalled.write('POST /billing/api/user_balance_get HTTP/1.1\r\nHost: tally.test\r\n');
      await idle.write(
        'POST /billing/api/user_balance_get HTTP/1.1\r\nHost: tally.test\r\n' +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`,
      );
      assert.equal((await idle.response(5000)).body, balanceXml('26.00'));
      const stoppedAt = Date.now();
      server.child.kill('SIGTERM');
      // Both are closed by the server, and the process exits well before its 10 s grace.
      assert.ok(await stalled.closedByServer(5000), 'the stalled connection must be cut');
      assert.ok(await idle.closedByServer(5000), 'the idle keep-alive connection must be cut');
      assert.equal(await exited, 0);
      assert.ok(Date.now() - stoppedAt < 8000, 'the stop waited for the stalled client');
    } finally {
      stalled.destroy();
      idle.destroy();
    }
  });
});
