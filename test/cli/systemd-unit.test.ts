/**
 * deploy/tally.service, the systemd unit docs/deployment.md quotes: hardened, and its commands
 * work as written. systemd does not run here, so the test runs the unit's ExecStart itself,
 * with the unit's Environment, stops it with the unit's KillSignal and expects the clean exit
 * systemd would see; `systemd-analyze verify` checks the unit's syntax where it is installed.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { TALLY_BIN, tempDir, type TempDir } from '../support/fixtures.js';
import { seedDatabase } from '../support/seed.js';
import { exitWithin, killLeftovers, refusesConnections, untilListening } from '../support/supervised-process.js';

const CHECKOUT = fileURLToPath(new URL('../../../', import.meta.url));
const UNIT_PATH = join(CHECKOUT, 'deploy/tally.service');
const ENV_FILE_PATH = join(CHECKOUT, 'deploy/tally.env');
const run = promisify(execFile);

/** A unit file's settings: section -> key -> every value given, in order. */
type Unit = Map<string, Map<string, string[]>>;

function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const line of text.split('\n').map((raw) => raw.trim())) {
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header !== null) {
      section = new Map();
      unit.set(header[1]!, section);
      continue;
    }
    const setting = /^(\w+)=(.*)$/.exec(line);
    assert.ok(setting !== null && section !== undefined, `not a setting: ${line}`);
    section.set(setting[1]!, [...(section.get(setting[1]!) ?? []), setting[2]!]);
  }
  return unit;
}

/** The one value of a [Service] setting. */
function serviceSetting(unit: Unit, key: string): string {
  const values = unit.get('Service')?.get(key) ?? [];
  assert.equal(values.length, 1, `[Service] must set ${key} once`);
  return values[0]!;
}

/** Environment= assignments (space-separated NAME=value, double quotes allowed), in order. */
function environmentOf(unit: Unit): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of unit.get('Service')?.get('Environment') ?? []) {
    for (const [, quoted, bare] of value.matchAll(/"([^"]*)"|(\S+)/g)) {
      const assignment = quoted ?? bare!;
      const at = assignment.indexOf('=');
      env[assignment.slice(0, at)] = assignment.slice(at + 1);
    }
  }
  return env;
}

/** An EnvironmentFile's NAME=value lines. */
function environmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const assignment = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (assignment !== null) env[assignment[1]!] = assignment[2]!;
  }
  return env;
}

describe('the systemd unit', () => {
  const text = readFileSync(UNIT_PATH, 'utf8');
  const unit = parseUnit(text);
  let temp: TempDir;
  const pids = new Set<number>();
  before(async () => {
    temp = await tempDir();
  });
  after(async () => {
    killLeftovers(pids);
    await temp.remove();
  });

  it('is quoted whole in docs/deployment.md, with its example environment file', () => {
    const guide = readFileSync(join(CHECKOUT, 'docs/deployment.md'), 'utf8');
    assert.ok(guide.includes('```ini\n' + text + '```\n'), 'docs/deployment.md must quote deploy/tally.service as it is');
    assert.ok(guide.includes('```sh\n' + readFileSync(ENV_FILE_PATH, 'utf8') + '```\n'), 'docs/deployment.md must quote deploy/tally.env as it is');
  });

  it('runs as its own user, without new privileges, on a read-only system but for its database directory', () => {
    assert.match(serviceSetting(unit, 'User'), /^(?!root$)\w+$/);
    assert.equal(serviceSetting(unit, 'NoNewPrivileges'), 'yes');
    assert.equal(serviceSetting(unit, 'ProtectSystem'), 'strict');
    const writable = serviceSetting(unit, 'ReadWritePaths').split(/\s+/);
    for (const env of [environmentOf(unit), environmentFile(readFileSync(ENV_FILE_PATH, 'utf8'))]) {
      assert.ok(writable.includes(dirname(env['TALLY_DB']!)), `ReadWritePaths must hold the directory of ${env['TALLY_DB']} (the -wal and -shm files go beside it)`);
    }
    // V8 compiles to memory it writes and then executes.
    assert.equal(unit.get('Service')?.get('MemoryDenyWriteExecute'), undefined);
  });

  it('restarts on failure, stops with SIGTERM, and waits longer than serve takes to finish its requests', () => {
    assert.equal(serviceSetting(unit, 'Restart'), 'on-failure');
    assert.equal(serviceSetting(unit, 'KillSignal'), 'SIGTERM');
    // serve gives requests in flight 10 s (SHUTDOWN_GRACE_MS in src/app.ts) before cutting them.
    assert.ok(Number(serviceSetting(unit, 'TimeoutStopSec')) > 10);
    assert.match(serviceSetting(unit, 'EnvironmentFile'), /^-?\/etc\/tally\/tally\.env$/);
  });

  it('takes settings Tally accepts, from its Environment and from the example environment file', () => {
    for (const env of [environmentOf(unit), environmentFile(readFileSync(ENV_FILE_PATH, 'utf8'))]) {
      assert.ok(Object.keys(env).every((name) => name.startsWith('TALLY_')), JSON.stringify(env));
      loadConfig({}, env);
    }
  });

  it('starts with its ExecStart and Environment as written, and exits 0 on its KillSignal', async () => {
    await seedDatabase(temp.db);
    const [executable, ...args] = serviceSetting(unit, 'ExecStart').split(/\s+/);
    assert.match(executable!, /\/tally$/, 'ExecStart runs the installed tally');
    // The installed executable is this checkout's build; the database is the test's, the ports the system's pick
    // (tests run in parallel: never the admin listener's 8081).
    const env = { PATH: process.env.PATH, ...environmentOf(unit), TALLY_DB: temp.db, TALLY_PORT: '0', TALLY_ADMIN_PORT: '0' };
    const child = spawn(process.execPath, [TALLY_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    pids.add(child.pid!);
    const server = await untilListening(child);
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    await ready.text();

    child.kill(serviceSetting(unit, 'KillSignal') as NodeJS.Signals);
    const exit = await exitWithin(child, Number(serviceSetting(unit, 'TimeoutStopSec')) * 1000);
    assert.deepEqual(exit, { code: 0, signal: null }, 'systemd would count anything else as a failure and restart it');
    assert.equal(await refusesConnections(server.port), true);
  });

  it('passes systemd-analyze verify', async (t) => {
    try {
      await run('systemd-analyze', ['--version']);
    } catch {
      t.skip('systemd-analyze is not installed');
      return;
    }
    // verify checks that ExecStart's executable exists: this checkout's build stands in for it.
    const copy = join(temp.dir, 'tally.service');
    writeFileSync(copy, text.replace(/^ExecStart=\S+/m, `ExecStart=${TALLY_BIN}`));
    const { stdout, stderr } = await run('systemd-analyze', ['verify', copy]);
    assert.equal(stdout + stderr, '');
  });
});
