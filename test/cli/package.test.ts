/**
 * `npm pack` makes a package that installs on a machine with no checkout and gives a working
 * `tally`: the built server and CLI, the licence, the guides and the systemd unit, and nothing
 * of the tests, the benchmarks or the sources; production dependencies only.
 *
 * Packing here skips the scripts: the pack's `prepare` rebuilds dist/, which the other test
 * files are running from. The install skips them too, and takes better-sqlite3's native module
 * from the checkout instead of compiling it (two minutes on this machine); compiling is
 * better-sqlite3's own install script, checked by hand (docs/deployment.md, "Installing").
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { tempDir, type TempDir } from '../support/fixtures.js';

const CHECKOUT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

/** npm's environment without what a surrounding `npm test` set, so flags alone decide. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('npm_') && !name.startsWith('TALLY_')) env[name] = value;
  return { ...env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };
}

function npm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run('npm', args, { cwd, env: npmEnv(), maxBuffer: 16 * 1024 * 1024 });
}

function version(packageDir: string): string {
  return (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
}

describe('the npm package', () => {
  let packed: string[];
  before(async () => {
    const { stdout } = await npm(['pack', '--dry-run', '--json', '--ignore-scripts'], CHECKOUT);
    packed = (JSON.parse(stdout) as [{ files: { path: string }[] }])[0].files.map((file) => file.path);
  });

  it('holds the CLI, every built module of the server, the licence, the guides and the systemd unit', () => {
    for (const path of ['package.json', 'LICENSE', 'README.md', 'docs/deployment.md', 'deploy/tally.service', 'dist/src/cli/main.js']) {
      assert.ok(packed.includes(path), `${path} is not in the package`);
    }
    const built = readdirSync(join(CHECKOUT, 'dist/src'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
      .map((entry) => relative(CHECKOUT, join(entry.parentPath, entry.name)));
    assert.deepEqual(built.filter((path) => !packed.includes(path)), []);
  });

  it('holds no tests, benchmarks, sources, source maps or build settings', () => {
    const strays = packed.filter((path) => /^(test|bench|src|scripts|examples|dist\/(test|bench|examples))\/|\.(map|ts)$|^tsconfig|^package-lock/.test(path));
    assert.deepEqual(strays, []);
  });

  describe('installed globally from its tarball, away from the checkout', () => {
    let temp: TempDir;
    let prefix: string;
    before(async () => {
      temp = await tempDir();
      await npm(['pack', '--ignore-scripts', '--pack-destination', temp.dir], CHECKOUT);
      const tarball = join(temp.dir, `tally-${version(CHECKOUT)}.tgz`);
      prefix = join(temp.dir, 'global');
      await npm(['install', '--global', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', tarball], temp.dir);
      // What better-sqlite3's install script would have built: the same version's module.
      const installed = join(prefix, 'lib/node_modules/tally/node_modules/better-sqlite3');
      const ours = join(CHECKOUT, 'node_modules/better-sqlite3');
      assert.equal(version(installed), version(ours), 'the package resolved another better-sqlite3 than the checkout has');
      mkdirSync(join(installed, 'build/Release'), { recursive: true });
      copyFileSync(join(ours, 'build/Release/better_sqlite3.node'), join(installed, 'build/Release/better_sqlite3.node'));
    });
    after(() => temp.remove());

    it('installs no development dependency', () => {
      const modules = readdirSync(join(prefix, 'lib/node_modules/tally/node_modules'));
      const devDependencies = Object.keys((JSON.parse(readFileSync(join(CHECKOUT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies);
      // mysql2 declares @types/node a peer, which npm installs beside it: that one is mysql2's, not ours.
      const peersOfProduction = new Set(['@types/node']);
      const leaked = devDependencies.filter((name) => !peersOfProduction.has(name) && modules.includes(name.split('/')[0]!) && existsSync(join(prefix, 'lib/node_modules/tally/node_modules', name)));
      assert.deepEqual(leaked, []);
      const mysql2 = JSON.parse(readFileSync(join(prefix, 'lib/node_modules/tally/node_modules/mysql2/package.json'), 'utf8')) as { peerDependencies?: Record<string, string> };
      assert.ok(mysql2.peerDependencies?.['@types/node'] !== undefined, 'mysql2 no longer needs @types/node: drop the exception');
    });

    it('gives a tally that creates a database and adds a user', async () => {
      const bin = join(prefix, 'bin/tally');
      const env = npmEnv();
      await run(bin, ['init', '--db', temp.db], { cwd: temp.dir, env });
      const added = await run(bin, ['user', 'add', 'bob', '--balance', '12.50', '--db', temp.db], { cwd: temp.dir, env });
      assert.match(added.stdout, /^username\s+bob$/m);
      assert.match(added.stdout, /^balance\s+12\.50?$/m);
    });
  });
});
