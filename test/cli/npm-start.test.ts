/**
 * `npm start` under a supervisor: the supervisor signals the npm process it started, and the
 * server must stop with it, not live on orphaned on its port. npm 11 forwards SIGTERM and SIGINT
 * to the shell running the script; the script `exec`s node, so the shell is the server.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { tempDir, type TempDir } from '../support/fixtures.js';
import { exitWithin, killLeftovers, processExists, refusesConnections, untilListening } from '../support/supervised-process.js';

// dist/test/cli/ -> the checkout, where package.json's scripts run.
const CHECKOUT = fileURLToPath(new URL('../../../', import.meta.url));

/** `npm start` in the checkout, on `db`, on a port of the system's choice. */
function npmStart(db: string): ChildProcess {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TALLY_')) env[name] = value;
  // The admin listener on a free port too: tests run in parallel, and never on 8081.
  Object.assign(env, { TALLY_DB: db, TALLY_PORT: '0', TALLY_ADMIN_PORT: '0', TALLY_HOST: '127.0.0.1', TALLY_LOG_LEVEL: 'info', npm_config_update_notifier: 'false' });
  return spawn('npm', ['start'], { cwd: CHECKOUT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('npm start under a supervisor', () => {
  const temps: TempDir[] = [];
  const pids = new Set<number>();
  after(async () => {
    killLeftovers(pids);
    await Promise.all(temps.map((temp) => temp.remove()));
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops the server when the npm process gets ${signal}: its port closes and no process is left`, async () => {
      const temp = await tempDir();
      temps.push(temp);
      const npm = npmStart(temp.db);
      pids.add(npm.pid!);
      let stderr = '';
      npm.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      const lines: string[] = [];
      const server = await untilListening(npm, lines);
      pids.add(server.pid);
      assert.equal(await refusesConnections(server.port), false, 'the server must answer before the signal');

      npm.kill(signal);
      const exit = await exitWithin(npm, 10_000);
      assert.ok(exit !== undefined, `npm start did not exit within 10 s of ${signal}`);
      assert.deepEqual(exit, { code: 0, signal: null }, stderr);
      assert.equal(processExists(server.pid), false, `the server (pid ${server.pid}) outlived npm`);
      assert.equal(await refusesConnections(server.port), true, 'the port still answers');
      assert.ok(lines.some((line) => line.includes('"msg":"stopped"')), `the server did not log a clean stop:\n${lines.join('\n')}`);
    });
  }
});
