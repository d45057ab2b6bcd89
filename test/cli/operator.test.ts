/** `tally operator`: the operators of the admin API, through the real binary. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as operators from '../../src/admin/operators.js';
import { runTally, type CliResult } from '../support/fixtures.js';
import { assertRefused, assertUnchanged, initDb, ok, on, readStore, tempDirs } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

/** `tally ARGS --db DB` with `input` on standard input. */
function withInput(db: string, input: string, ...args: string[]): Promise<CliResult> {
  return runTally([...args, '--db', db], { input });
}

describe('tally operator', () => {
  it('adds an operator with the password from standard input, less one trailing newline', async () => {
    const { db } = await initDb(dirs);
    const added = await withInput(db, 'correct horse battery\n', 'operator', 'add', 'Alice', '--role', 'owner', '--password-stdin');
    assert.deepEqual(added, { code: 0, stdout: 'added operator Alice (owner)\n', stderr: '' });
    await readStore(db, async (store) => {
      assert.equal((await operators.checkPassword(store, 'alice', 'correct horse battery'))?.role, 'owner');
      assert.equal(await operators.checkPassword(store, 'alice', 'correct horse battery\n'), undefined);
    });
  });

  it('refuses a short password, a taken name, an unknown role and a missing terminal with one line each, changing nothing', async () => {
    const { db } = await initDb(dirs);
    await withInput(db, 'correct horse battery', 'operator', 'add', 'alice', '--role', 'owner', '--password-stdin');
    const cases: [input: string | undefined, args: string[], message: string, code: number][] = [
      ['short\n', ['operator', 'add', 'bob', '--role', 'admin', '--password-stdin'], 'tally: a password has at least 12 characters\n', 2],
      ['correct horse battery\n', ['operator', 'add', 'ALICE', '--role', 'admin', '--password-stdin'], 'tally: an operator named ALICE already exists (names ignore letter case)\n', 1],
      ['correct horse battery\n', ['operator', 'add', 'bob', '--role', 'root', '--password-stdin'], 'tally: --role: a role is viewer, admin or owner, not "root"\n', 2],
      [undefined, ['operator', 'add', 'bob', '--role', 'admin'], 'tally: no terminal to type a password in: give it on standard input with --password-stdin\n', 1],
      [undefined, ['operator', 'remove', 'alice'], 'tally: alice is the last owner: make another operator an owner first; nothing changed\n', 1],
      [undefined, ['operator', 'remove', 'nobody'], 'tally: no operator named nobody\n', 1],
    ];
    for (const [input, args, message, code] of cases) {
      const result = await assertUnchanged(db, () => (input === undefined ? on(db, ...args) : withInput(db, input, ...args)), args.join(' '));
      assertRefused(result, args.join(' '));
      assert.deepEqual([result.stderr, result.code], [message, code], args.join(' '));
    }
  });

  it('changes a role, which the operator\'s token carries at once, and never demotes the last owner', async () => {
    const { db } = await initDb(dirs);
    await withInput(db, 'correct horse battery', 'operator', 'add', 'alice', '--role', 'owner', '--password-stdin');
    await withInput(db, 'correct horse battery', 'operator', 'add', 'Bot', '--role', 'viewer', '--password-stdin');
    const token = (await ok(db, 'operator', 'token', 'bot')).trim();
    assert.equal(await ok(db, 'operator', 'role', 'BOT', 'admin'), 'operator Bot is admin\n');
    await readStore(db, async (store) => assert.equal((await operators.checkToken(store, token))?.role, 'admin'));
    const listed = JSON.parse(await ok(db, 'operator', 'list', '--json')) as { username: string; role: string }[];
    assert.deepEqual(listed.map((o) => [o.username, o.role]), [['alice', 'owner'], ['Bot', 'admin']]);

    const cases: [args: string[], message: string, code: number][] = [
      [['operator', 'role', 'alice', 'admin'], 'tally: alice is the last owner: make another operator an owner first; nothing changed\n', 1],
      [['operator', 'role', 'bot', 'root'], 'tally: --role: a role is viewer, admin or owner, not "root"\n', 2],
      [['operator', 'role', 'nobody', 'admin'], 'tally: no operator named nobody\n', 1],
    ];
    for (const [args, message, code] of cases) {
      const result = await assertUnchanged(db, () => on(db, ...args), args.join(' '));
      assertRefused(result, args.join(' '));
      assert.deepEqual([result.stderr, result.code], [message, code], args.join(' '));
    }

    assert.equal(await ok(db, 'operator', 'role', 'bot', 'owner'), 'operator Bot is owner\n');
    assert.equal(await ok(db, 'operator', 'role', 'alice', 'viewer'), 'operator alice is viewer\n', 'with another owner, an owner steps down');
    await readStore(db, async (store) => {
      const [entry] = await store.auditEntries(1);
      assert.deepEqual([entry?.action, entry?.target, entry?.detail, entry?.actor.startsWith('cli:')], ['operator.role', 'operator:alice', 'role owner to viewer', true]);
    });
  });

  it('prints a new token alone on standard output, lists operators with their token labels, and revokes by label', async () => {
    const { db } = await initDb(dirs);
    await withInput(db, 'correct horse battery', 'operator', 'add', 'bot', '--role', 'viewer', '--password-stdin');
    const made = await on(db, 'operator', 'token', 'bot', '--label', 'ci');
    assert.equal(made.code, 0);
    assert.match(made.stdout, /^tally_[A-Za-z0-9_-]{43}\n$/);
    assert.equal(made.stderr, 'token "ci" of bot: shown this once, keep it now\n');
    const token = made.stdout.trim();
    await readStore(db, async (store) => assert.equal((await operators.checkToken(store, token))?.username, 'bot'));

    const listed = JSON.parse(await ok(db, 'operator', 'list', '--json')) as { username: string; role: string; tokens: { label: string }[] }[];
    assert.deepEqual(listed.map((o) => [o.username, o.role, o.tokens.map((t) => t.label)]), [['bot', 'viewer', ['ci']]]);
    assert.equal(JSON.stringify(listed).includes(token), false);

    assert.equal(await ok(db, 'operator', 'token-revoke', 'bot', 'ci'), 'revoked token "ci" of bot\n');
    await readStore(db, async (store) => assert.equal(await operators.checkToken(store, token), undefined));
    const again = await on(db, 'operator', 'token-revoke', 'bot', 'ci');
    assertRefused(again);
    assert.equal(again.stderr, 'tally: no token labelled "ci"\n');
  });
});
