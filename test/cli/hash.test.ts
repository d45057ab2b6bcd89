import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { runTally } from '../support/fixtures.js';
import { assertRefused, initDb, ok, on, tempDirs, withOperator } from './cli-helpers.js';

const dirs = tempDirs();
let db: string;
before(async () => {
  db = (await initDb(dirs)).db;
});
after(() => dirs.removeAll());

const VECTOR_1 = '79e75e75f9cd6821e7b661250a45294b4579f262'; // username=user_admin, key "secret"
const VECTOR_2 = 'c3b91f83efe914fe0a9c86155b45dd757082126d'; // username=user_admin&currency=EUR

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

async function hashWith(secret: string, uri: string): Promise<{ stdout: string; stderr: string }> {
  const result = await runTally(['hash', uri, '--secret', secret]);
  assert.equal(result.code, 0, result.stderr);
  return result;
}

describe('tally hash --secret', () => {
  test('reproduces the first spec vector from a bare query, printing the hash alone', async () => {
    const { stdout } = await hashWith('secret', 'username=user_admin');
    assert.equal(stdout, `${VECTOR_1}\n`);
  });

  test('knows the recipes of payment_create, payments_get and user_details_get, old names included', async () => {
    const create = await hashWith('secret', '/billing/api/payment_create?u=admin&currency=EUR&amount=10&user_id=007&comment=x&transaction_id=t1&description=d&fee=1');
    assert.equal(create.stdout, `${sha1('7d101EURt1secret')}\n`);
    const old = await hashWith('secret', '/billing/api/create_payment?user_id=7&amount=10&currency=EUR');
    assert.equal(old.stdout, `${sha1('710EURsecret')}\n`);
    // payments_get: the key alone, whatever filters the URI carries.
    assert.equal((await hashWith('secret', '/billing/api/payments_get?u=admin&user_id_s=3&from_s=1')).stdout, `${sha1('secret')}\n`);
    assert.equal((await hashWith('secret', '/billing/api/payments_list?u=admin')).stdout, `${sha1('secret')}\n`);
    assert.equal((await hashWith('secret', '/billing/api/user_details_get?username=alice&u=admin&user_id=2&p=x')).stdout, `${sha1('2alicesecret')}\n`);
    assert.equal((await hashWith('secret', '/billing/api/user_details?username=alice')).stdout, `${sha1('alicesecret')}\n`);
  });

  test('reproduces the second spec vector from a request URI', async () => {
    const { stdout } = await hashWith('secret', '/billing/api/user_balance_get?username=user_admin&currency=EUR');
    assert.equal(stdout, `${VECTOR_2}\n`);
  });

  test('accepts a full http:// URL with host and port', async () => {
    const { stdout } = await hashWith('secret', 'http://127.0.0.1:8080/billing/api/user_balance_get?username=user_admin&currency=EUR');
    assert.equal(stdout, `${VECTOR_2}\n`);
  });

  test('accepts a query that starts with a question mark', async () => {
    assert.equal((await hashWith('secret', '?username=user_admin')).stdout, `${VECTOR_1}\n`);
  });

  test('hashes the old method name /billing/api/balance the same way', async () => {
    const { stdout } = await hashWith('secret', '/billing/api/balance?username=user_admin&currency=EUR');
    assert.equal(stdout, `${VECTOR_2}\n`);
  });

  test('leaves user_currency, hash, u, p and test out of the hash', async () => {
    // The URI's own hash is the right one: a wrong one makes tally hash exit 1.
    const uri =
      `/billing/api/user_balance_get?u=admin&username=user_admin&p=pw&currency=EUR&user_currency=1&test=1&hash=${VECTOR_2}`;
    assert.equal((await hashWith('secret', uri)).stdout, `${VECTOR_2}\n`);
  });

  test('puts username before currency whatever their order in the URI', async () => {
    const { stdout, stderr } = await hashWith('secret', 'currency=EUR&username=user_admin');
    assert.equal(stdout, `${VECTOR_2}\n`);
    const u = stderr.indexOf('user_admin');
    const c = stderr.indexOf('EUR');
    assert.ok(u !== -1 && c !== -1 && u < c, stderr);
  });

  test('leaves an empty currency out of the hash', async () => {
    assert.equal((await hashWith('secret', 'username=user_admin&currency=')).stdout, `${VECTOR_1}\n`);
  });

  test('hashes the decoded values: percent escapes and + as a space', async () => {
    assert.equal((await hashWith('secret', 'username=user%5Fadmin&currency=%45UR')).stdout, `${VECTOR_2}\n`);
    assert.equal((await hashWith('secret', 'username=john+smith')).stdout, `${sha1('john smithsecret')}\n`);
    assert.equal((await hashWith('secret', 'username=J%C3%BCrgen')).stdout, `${sha1('Jürgensecret')}\n`);
  });

  test('uses the last value of a repeated parameter', async () => {
    assert.equal((await hashWith('secret', 'username=someone&username=user_admin')).stdout, `${VECTOR_1}\n`);
  });

  test('lets the shell capture the hash with $(tally hash ...)', async () => {
    const { stdout } = await hashWith('another-key', 'username=alice&currency=EUR');
    assert.match(stdout, /^[0-9a-f]{40}\n$/);
    assert.equal(stdout.trim(), sha1('aliceEURanother-key'));
  });

  test('shows the concatenated values in order on stderr', async () => {
    const { stderr } = await hashWith('secret', '/billing/api/user_balance_get?username=user_admin&currency=EUR&user_currency=1');
    assert.ok(stderr.length > 0);
    assert.match(stderr, /user_admin[\s\S]*EUR/);
    assert.equal(stderr.includes('user_currency'), false, stderr);
  });

  test('never prints the key given with --secret', async () => {
    const secret = 'Zx9-very-distinctive-KEY';
    const { stdout, stderr } = await hashWith(secret, 'username=user_admin&currency=EUR');
    assert.equal(stdout.includes(secret), false);
    assert.equal(stderr.includes(secret), false);
  });

  test('refuses a URI with a broken percent escape with one line', async () => {
    assertRefused(await runTally(['hash', 'username=%zz', '--secret', 'secret']));
  });
});

describe('tally hash with the configured key', () => {
  test('uses api_secret_key when --secret is not given', async () => {
    const key = await withOperator(db, (operator) => operator.setting('api_secret_key'));
    const result = await on(db, 'hash', '/billing/api/user_balance_get?username=alice&currency=EUR');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${sha1(`aliceEUR${key}`)}\n`);
    assert.equal(result.stdout.includes(key), false);
    assert.equal(result.stderr.includes(key), false);
  });

  test('follows a key set with tally settings set', async () => {
    const dir = await initDb(dirs, { settings: { api_secret_key: 'secret' } });
    assert.equal(await ok(dir.db, 'hash', 'username=user_admin'), `${VECTOR_1}\n`);
    assert.equal(await ok(dir.db, 'hash', 'username=user_admin&currency=EUR'), `${VECTOR_2}\n`);
  });

  test('prefers --secret over the configured key', async () => {
    assert.equal(await ok(db, 'hash', 'username=user_admin', '--secret', 'secret'), `${VECTOR_1}\n`);
  });
});
