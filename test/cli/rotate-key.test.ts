/**
 * `tally settings rotate-key` as an operator sees it: what it prints, and that `settings list`
 * never shows a signing key. What the servers accept during and after a rotation is tested in
 * test/http/signature.test.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { initDb, ok, on, tempDirs, withOperator } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

/** A setting as `tally settings get` prints it (without the newline), read in this process. */
function setting(db: string, name: string): Promise<string> {
  return withOperator(db, (operator) => operator.setting(name));
}

async function assertKeysNotListed(db: string, ...keys: string[]): Promise<string> {
  const listed = await on(db, 'settings', 'list');
  assert.equal(listed.code, 0, listed.stderr);
  for (const secret of keys) {
    assert.equal(listed.stdout.includes(secret), false, 'settings list shows a signing key');
    assert.equal(listed.stderr.includes(secret), false, 'settings list shows a signing key');
  }
  assert.match(listed.stdout, /^signature_key +\(set, \d+ characters; tally settings get signature_key\) /m);
  return listed.stdout;
}

describe('tally settings rotate-key', () => {
  it('prints the new key and keeps the old one as previous, then ends the overlap without printing a key', async () => {
    const { db } = await initDb(dirs);
    const oldKey = await setting(db, 'signature_key');

    const started = await ok(db, 'settings', 'rotate-key');
    const newKey = /^new signature_key: (\S+)$/m.exec(started)?.[1];
    assert.ok(newKey !== undefined, `the output names the new key:\n${started}`);
    assert.match(newKey, /^\S{32,}$/);
    assert.notEqual(newKey, oldKey);
    assert.match(started, /old key is still accepted/);
    assert.equal(await setting(db, 'signature_key'), newKey);
    assert.equal(await setting(db, 'signature_key_previous'), oldKey);
    assert.match(await assertKeysNotListed(db, oldKey, newKey), /^signature_key_previous +\(set, \d+ characters; /m);

    const ended = await ok(db, 'settings', 'rotate-key');
    assert.match(ended, /rotation ended/);
    assert.equal(ended.includes(newKey) || ended.includes(oldKey), false);
    assert.equal(await setting(db, 'signature_key'), newKey);
    assert.equal(await setting(db, 'signature_key_previous'), '');
    assert.match(await assertKeysNotListed(db, oldKey, newKey), /^signature_key_previous +\(empty\) /m);
  });
});
