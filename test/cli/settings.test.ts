import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TempDir } from '../support/fixtures.js';
import { assertRefused, assertUnchanged, initDb, ok, on, parseTable, tempDirs, withOperator } from './cli-helpers.js';

const dirs = tempDirs();
let shared: TempDir;
before(async () => {
  shared = await initDb(dirs);
});
after(() => dirs.removeAll());

const BOOLS = ['allow_api', 'allow_get_api', 'disable_hash_checking', 'balance_get_enabled', 'payments_enabled', 'xml_api_extension'];
const HARDENING = ['auth_failure_limit', 'auth_failure_cooldown', 'trusted_proxies', 'signature_mode', 'signature_key', 'signature_key_previous', 'warning_balance', 'webhook_allow_private'];
const ALL = [...BOOLS.slice(0, 2), 'api_secret_key', ...BOOLS.slice(2), 'number_digits', ...HARDENING];

/** A setting as `tally settings get` prints it, newline included, read in this process. */
async function get(db: string, name: string): Promise<string> {
  return `${await withOperator(db, (operator) => operator.setting(name))}\n`;
}

/** Sets a setting in this process, for a test whose command under test comes after. */
function set(db: string, name: string, value: string): Promise<string> {
  return withOperator(db, (operator) => operator.set(name, value));
}

/** Asserts `tally settings set NAME VALUE` is refused and changes nothing in the database. */
async function assertSetRefused(db: string, name: string, value: string): Promise<void> {
  assertRefused(await assertUnchanged(db, () => on(db, 'settings', 'set', name, value), value), value);
}

describe('tally settings get', () => {
  test('prints a bool setting as on or off', async () => {
    assert.equal(await ok(shared.db, 'settings', 'get', 'allow_api'), 'on\n');
    assert.equal(await ok(shared.db, 'settings', 'get', 'allow_get_api'), 'off\n');
  });

  test('prints the secret key itself when asked for it by name', async () => {
    const key = await ok(shared.db, 'settings', 'get', 'api_secret_key');
    assert.match(key, /^\S{32,}\n$/);
  });

  test('refuses an unknown setting name with one line', async () => {
    assertRefused(await on(shared.db, 'settings', 'get', 'no_such_setting'));
  });
});

describe('tally settings list', () => {
  test('lists every setting of section 7 and the hardening settings with their values', async () => {
    const dir = await initDb(dirs);
    const rows = parseTable(await ok(dir.db, 'settings', 'list'));
    assert.deepEqual(rows.map((r) => r.name).sort(), [...ALL].sort());
    const values = Object.fromEntries(rows.map((r) => [r.name, r.value]));
    assert.equal(values.allow_api, 'on');
    assert.equal(values.allow_get_api, 'off');
    assert.equal(values.disable_hash_checking, 'off');
    assert.equal(values.balance_get_enabled, 'on');
    assert.equal(values.payments_enabled, 'off');
    assert.equal(values.xml_api_extension, 'on');
    assert.equal(values.number_digits, '2');
    assert.equal(values.auth_failure_limit, '20');
    assert.equal(values.auth_failure_cooldown, '60');
    assert.equal(values.trusted_proxies, '(none)');
    assert.equal(values.signature_mode, 'off');
    assert.match(values.signature_key ?? '', /^\(set, 40 characters; tally settings get signature_key\)$/);
    assert.equal(values.signature_key_previous, '(empty)');
  });

  test('never prints the secret key, neither the generated one nor one set by hand', async () => {
    const dir = await initDb(dirs);
    const generated = (await get(dir.db, 'api_secret_key')).trimEnd();
    let result = await on(dir.db, 'settings', 'list');
    assert.equal(result.code, 0);
    assert.equal(result.stdout.includes(generated), false);
    assert.equal(result.stderr.includes(generated), false);

    await set(dir.db, 'api_secret_key', 'Handmade-Key-42');
    result = await on(dir.db, 'settings', 'list');
    assert.equal(result.code, 0);
    assert.equal(result.stdout.includes('Handmade-Key-42'), false);
    assert.equal(result.stderr.includes('Handmade-Key-42'), false);
  });
});

describe('tally settings set for bool settings', () => {
  // Each test first sets the other value in this process, so it sees a real change whatever ran before.
  const words: [string, string][] = [
    ['1', 'on'], ['0', 'off'], ['true', 'on'], ['false', 'off'],
    ['on', 'on'], ['off', 'off'], ['yes', 'on'], ['no', 'off'],
  ];
  for (const [word, reads] of words) {
    test(`accepts "${word}" and reads it back as ${reads}`, async () => {
      await set(shared.db, 'allow_get_api', reads === 'on' ? 'off' : 'on');
      assert.equal(await ok(shared.db, 'settings', 'set', 'allow_get_api', word), `allow_get_api = ${reads}\n`);
      assert.equal(await get(shared.db, 'allow_get_api'), `${reads}\n`);
    });
  }

  test('sets every bool setting independently', async () => {
    const dir = await initDb(dirs);
    for (const name of BOOLS) await ok(dir.db, 'settings', 'set', name, 'yes');
    await ok(dir.db, 'settings', 'set', 'xml_api_extension', 'no');
    for (const name of BOOLS) {
      const expected = name === 'xml_api_extension' ? 'off\n' : 'on\n';
      assert.equal(await get(dir.db, name), expected, name);
    }
  });
});

describe('tally settings set refusing a bool value', () => {
  before(() => set(shared.db, 'allow_api', 'on'));
  for (const bad of ['maybe', '2', '', 'onn', 'y']) {
    test(`refuses "${bad}" and keeps the old value`, async () => {
      await assertSetRefused(shared.db, 'allow_api', bad);
      assert.equal(await get(shared.db, 'allow_api'), 'on\n');
    });
  }
});

describe('tally settings set number_digits', () => {
  for (const value of ['0', '4', '10']) {
    test(`accepts ${value}`, async () => {
      assert.equal(await ok(shared.db, 'settings', 'set', 'number_digits', value), `number_digits = ${value}\n`);
      assert.equal(await get(shared.db, 'number_digits'), `${value}\n`);
    });
  }
});

describe('tally settings set refusing a number_digits value', () => {
  before(() => set(shared.db, 'number_digits', '3'));
  for (const bad of ['11', '-1', '1.5', 'two', '', '100']) {
    test(`refuses "${bad}" and keeps the old value`, async () => {
      await assertSetRefused(shared.db, 'number_digits', bad);
      assert.equal(await get(shared.db, 'number_digits'), '3\n');
    });
  }
});

describe('tally settings set api_secret_key', () => {
  test('accepts a key of 6 characters and reads it back exactly', async () => {
    const dir = await initDb(dirs);
    await ok(dir.db, 'settings', 'set', 'api_secret_key', 'abcdef');
    // Read back through the binary: what an operator copies must be the key exactly.
    assert.equal(await ok(dir.db, 'settings', 'get', 'api_secret_key'), 'abcdef\n');
  });

  test('accepts the empty key', async () => {
    const dir = await initDb(dirs);
    await ok(dir.db, 'settings', 'set', 'api_secret_key', '');
    assert.equal(await ok(dir.db, 'settings', 'get', 'api_secret_key'), '\n');
  });

  for (const bad of ['a', 'abcde']) {
    test(`refuses the ${bad.length}-character key "${bad}" and keeps the old key`, async () => {
      const dir = await initDb(dirs);
      await assertSetRefused(dir.db, 'api_secret_key', bad);
    });
  }
});

describe('tally settings set with an unknown name', () => {
  test('is refused with one line and adds no setting', async () => {
    const dir = await initDb(dirs);
    await assertSetRefused(dir.db, 'allow_everything', 'on');
  });
});

describe('tally settings set for the hardening settings', () => {
  const cases: [name: string, good: [given: string, stored: string][], bad: string[]][] = [
    ['auth_failure_limit', [['0', '0'], ['007', '7'], ['1000000', '1000000']], ['-1', '1.5', 'ten', '', '1000001']],
    ['auth_failure_cooldown', [['1', '1'], ['86400', '86400']], ['0', '86401', '1m', '']],
    ['trusted_proxies', [[' 10.0.0.0/8 , ::1,192.168.1.5', '10.0.0.0/8,::1,192.168.1.5'], ['', '']], ['10.0.0.0/33', 'example.com', '10.0.0.1/', '::1/129', '10.0.0.0/8;1.2.3.4']],
    ['signature_mode', [['OPTIONAL', 'optional'], ['required', 'required'], ['off', 'off']], ['on', 'yes', '', 'strict']],
  ];
  for (const [name, good, bad] of cases) {
    for (const [given, stored] of good) {
      test(`${name} accepts "${given}" and stores "${stored}"`, async () => {
        assert.equal(await ok(shared.db, 'settings', 'set', name, given), `${name} = ${stored === '' ? '(none)' : stored}\n`);
        assert.equal(await get(shared.db, name), `${stored}\n`);
      });
    }
    for (const value of bad) {
      test(`${name} refuses "${value}" and keeps the old value`, async () => {
        await assertSetRefused(shared.db, name, value);
      });
    }
  }
});
