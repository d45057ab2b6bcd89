/**
 * A server whose standard output has lost its reader (a log collector that stopped, a parent
 * that closed the pipe) still stops on SIGTERM: the log lines it cannot write are dropped. It
 * used to close its port and database, then retry its last line forever on EPIPE.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempDir, type TempDir } from '../support/fixtures.js';
import { seedDatabase } from '../support/seed.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { exitWithin, killLeftovers, processExists, refusesConnections } from '../support/supervised-process.js';

/** Closes the read end of the server's stdout pipe: from now on its writes fail with EPIPE. */
function closeStdoutReader(server: ServeProcess): void {
  server.child.stdout!.destroy();
}

describe('tally serve without a stdout reader', () => {
  let temp: TempDir;
  const pids = new Set<number>();
  const serve = async (): Promise<ServeProcess> => {
    const server = await startServeProcess(temp.db);
    pids.add(server.child.pid!);
    return server;
  };
  before(async () => {
    temp = await tempDir();
    await seedDatabase(temp.db);
  });
  after(async () => {
    killLeftovers(pids);
    await temp.remove();
  });

  it('exits 0 promptly on SIGTERM, dropping the lines it cannot write', async () => {
    const server = await serve();
    closeStdoutReader(server);
    server.child.kill('SIGTERM');
    const exit = await exitWithin(server.child, 5000);
    assert.deepEqual(exit, { code: 0, signal: null }, exit === undefined ? 'still running 5 s after SIGTERM' : undefined);
    assert.equal(processExists(server.child.pid!), false);
  });

  it('keeps answering after its reader has gone, then exits 0 promptly on SIGTERM', async () => {
    const server = await serve();
    const port = Number(new URL(server.url).port);
    closeStdoutReader(server);
    // A refused login is logged at info: a line the server tries, and fails, to write.
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${server.url}/billing/api/user_balance_get`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=nobody&hash=0000000000000000000000000000000000000000',
      });
      assert.equal(response.status, 200);
      await response.text();
    }
    server.child.kill('SIGTERM');
    const exit = await exitWithin(server.child, 5000);
    assert.deepEqual(exit, { code: 0, signal: null }, exit === undefined ? 'still running 5 s after SIGTERM' : undefined);
    assert.equal(await refusesConnections(port), true);
  });
});
