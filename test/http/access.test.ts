/** Spec sections 2 and 3: the hash, and the order of the checks of user_balance_get. */
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { balanceXml, errorXml } from '../support/spec-oracle.js';
import { assertAnswer, get, harnessFor, post, settle, sign, signed, startHarness, type Harness } from './helpers.js';

const API_DISABLED = errorXml('status', 'API Requests are disabled');
const GET_DISABLED = errorXml('status', 'GET Requests are disabled');
const NO_KEY = errorXml('status', 'API must have Secret Key');
const BAD_HASH = errorXml('status', 'Incorrect hash');
const FEATURE_OFF = errorXml('page', 'Feature disabled');
const NOT_FOUND = errorXml('page', 'User was not found');

describe('order of the checks of user_balance_get (section 3)', () => {
  // Every check fails at first; each step lifts one and shows the next in line. Each test starts
  // from a database of its own in the state the steps before it leave, so none depends on another.
  const wrong = { username: 'ghost', hash: sign('someone else') };
  const allOff = { allow_api: 'off', api_secret_key: '', balance_get_enabled: 'off' };
  const apiOn = { ...allOff, allow_api: 'on' };
  const keySet = { ...apiOn, api_secret_key: 'secret' };
  const ghost = [{ name: 'ghost', balance: '7' }];

  it('answers API Requests are disabled while allow_api is off, before GET, key, hash, feature and user checks', async (t) => {
    const h = await harnessFor(t, { settings: allOff });
    assertAnswer(await post(h, wrong), API_DISABLED);
    assertAnswer(await get(h, wrong), API_DISABLED);
    assertAnswer(await post(h, {}), API_DISABLED);
  });

  it('answers GET Requests are disabled once the API is on, before the key check, while POST reaches the key check', async (t) => {
    const h = await harnessFor(t, { settings: allOff });
    await h.operator.set('allow_api', 'on');
    await settle(() => get(h, wrong), GET_DISABLED);
    assertAnswer(await post(h, wrong), NO_KEY);
  });

  it('answers API must have Secret Key with an empty key, whatever hash is sent (even the hash made with the empty key)', async (t) => {
    const h = await harnessFor(t, { settings: apiOn });
    assertAnswer(await post(h, { username: 'ghost' }), NO_KEY);
    assertAnswer(await post(h, { username: 'ghost', hash: sign('ghost') }), NO_KEY);
  });

  it('answers Incorrect hash once a key is set, before Feature disabled', async (t) => {
    const h = await harnessFor(t, { settings: apiOn });
    await h.operator.set('api_secret_key', 'secret');
    await settle(() => post(h, wrong), BAD_HASH);
    assertAnswer(await post(h, { username: 'ghost' }), BAD_HASH);
  });

  describe('with the key set and balance_get_enabled off', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ settings: keySet });
    });
    after(() => h.close());

    it('still answers GET Requests are disabled before Incorrect hash', async () => {
      assertAnswer(await get(h, wrong), GET_DISABLED);
      assertAnswer(await get(h, signed('ghost')), GET_DISABLED);
    });

    it('answers Feature disabled for a correct hash while balance_get_enabled is off, before User was not found', async () => {
      assertAnswer(await post(h, signed('ghost')), FEATURE_OFF);
    });
  });

  it('answers User was not found for an unknown user once the feature is on', async (t) => {
    const h = await harnessFor(t, { settings: keySet });
    await h.operator.set('balance_get_enabled', 'on');
    await settle(() => post(h, signed('ghost')), NOT_FOUND);
  });

  it('answers User was not found for a missing or empty username with the hash of nothing', async (t) => {
    const h = await harnessFor(t);
    assertAnswer(await post(h, { hash: sign() }), NOT_FOUND);
    assertAnswer(await post(h, { username: '', hash: sign() }), NOT_FOUND);
  });

  it('answers the balance once the user exists', async (t) => {
    const h = await harnessFor(t);
    await h.operator.addUser('ghost', { balance: '7' });
    assertAnswer(await post(h, signed('ghost')), balanceXml('7.00'));
  });

  it('answers a GET once allow_get_api is on', async (t) => {
    const h = await harnessFor(t, { users: ghost });
    await h.operator.set('allow_get_api', 'on');
    await settle(() => get(h, signed('ghost')), balanceXml('7.00'));
  });

  it('answers Incorrect hash on GET when GET is allowed and the hash is wrong', async (t) => {
    const h = await harnessFor(t, { settings: { allow_get_api: 'on' }, users: ghost });
    assertAnswer(await get(h, wrong), BAD_HASH);
  });
});

describe('the hash (section 2)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      currencies: [{ code: 'EUR', rate: '0.5' }],
      users: [
        { name: 'user_admin', balance: '10', currency: 'EUR' },
        { name: 'alice', balance: '26' },
      ],
    });
  });
  after(async () => {
    await h.close();
  });

  it('accepts the first vector: username=user_admin with 79e75e75f9cd6821e7b661250a45294b4579f262', async () => {
    assertAnswer(await post(h, { username: 'user_admin', hash: '79e75e75f9cd6821e7b661250a45294b4579f262' }), balanceXml('10.00'));
  });

  it('accepts the second vector: username=user_admin&currency=EUR with c3b91f83efe914fe0a9c86155b45dd757082126d', async () => {
    const params = { username: 'user_admin', currency: 'EUR', hash: 'c3b91f83efe914fe0a9c86155b45dd757082126d' };
    assertAnswer(await post(h, params), balanceXml('5.00'));
  });

  it('keeps the second vector valid when user_currency=1 is added, because user_currency is not hashed', async () => {
    const params = { username: 'user_admin', currency: 'EUR', user_currency: '1', hash: 'c3b91f83efe914fe0a9c86155b45dd757082126d' };
    assertAnswer(await post(h, params), balanceXml('5.00', 'EUR'));
  });

  it('accepts the hash in upper-case hex', async () => {
    assertAnswer(await post(h, { username: 'user_admin', hash: '79E75E75F9CD6821E7B661250A45294B4579F262' }), balanceXml('10.00'));
    assertAnswer(await post(h, { username: 'alice', hash: sign('alice').toUpperCase() }), balanceXml('26.00'));
  });

  it('accepts the hash in mixed-case hex', async () => {
    assertAnswer(await post(h, { username: 'user_admin', hash: '79e75e75F9CD6821e7b661250a45294b4579f262' }), balanceXml('10.00'));
  });

  it('answers Incorrect hash for a hash that is not 40 hex digits', async () => {
    const good = sign('alice');
    for (const hash of [good.slice(0, 39), good + '0', good.slice(0, 39) + 'g', ` ${good}`, `${good} `, `0x${good.slice(2)}`, '']) {
      assertAnswer(await post(h, { username: 'alice', hash }), BAD_HASH);
    }
  });

  it('answers Incorrect hash without a hash, or with the hash of another request', async () => {
    assertAnswer(await post(h, { username: 'alice' }), BAD_HASH);
    assertAnswer(await post(h, { username: 'alice', hash: sign('user_admin') }), BAD_HASH);
    assertAnswer(await post(h, { username: 'alice', currency: 'EUR', hash: sign('alice') }), BAD_HASH);
    assertAnswer(await post(h, { username: 'alice', hash: sign('alice', 'EUR') }), BAD_HASH);
  });

  it('hashes the username before the currency, with no separator', async () => {
    assertAnswer(await post(h, { username: 'alice', currency: 'EUR', hash: sign('EUR', 'alice') }), BAD_HASH);
    assertAnswer(await post(h, { username: 'alice', currency: 'EUR', hash: sign('alice', '|EUR') }), BAD_HASH);
    assertAnswer(await post(h, { username: 'alice', currency: 'EUR', hash: sign('aliceEUR') }), balanceXml('13.00'));
  });

  it('leaves u, p, test and user_currency out of the hash', async () => {
    const params = { username: 'alice', u: 'admin', p: 'pw', test: '1', user_currency: '0', hash: sign('alice') };
    assertAnswer(await post(h, params), balanceXml('26.00'));
  });

  it('answers Incorrect hash for a hash made with another key', async () => {
    const other = createHash('sha1').update('aliceother').digest('hex');
    assertAnswer(await post(h, { username: 'alice', hash: other }), BAD_HASH);
  });
});

describe('disable_hash_checking and the secret key', () => {
  const alice = [{ name: 'alice', balance: '26' }];
  const hashOff = { disable_hash_checking: 'on' };

  it('accepts any hash or none while disable_hash_checking is on', async (t) => {
    const h = await harnessFor(t, { settings: hashOff, users: alice });
    assertAnswer(await post(h, { username: 'alice' }), balanceXml('26.00'));
    assertAnswer(await post(h, { username: 'alice', hash: 'nonsense' }), balanceXml('26.00'));
    assertAnswer(await post(h, { username: 'alice', hash: sign('bob') }), balanceXml('26.00'));
    assertAnswer(await post(h, signed('alice')), balanceXml('26.00'));
  });

  it('does not ask for a secret key while disable_hash_checking is on', async (t) => {
    const h = await harnessFor(t, { settings: hashOff, users: alice });
    await h.operator.set('api_secret_key', '');
    await h.operator.set('number_digits', '3'); // a visible marker that the change is live
    await settle(() => post(h, { username: 'alice' }), balanceXml('26.000'));
    assertAnswer(await post(h, { username: 'alice', hash: 'x' }), balanceXml('26.000'));
  });

  it('answers API must have Secret Key once hash checking is back on with an empty key', async (t) => {
    const h = await harnessFor(t, { settings: { ...hashOff, api_secret_key: '', number_digits: '3' }, users: alice });
    await h.operator.set('disable_hash_checking', 'off');
    await settle(() => post(h, signed('alice')), NO_KEY);
    assertAnswer(await post(h, { username: 'alice' }), NO_KEY);
  });

  it('answers the balance for the right hash, and Incorrect hash for a missing one, once the key is set again', async (t) => {
    const h = await harnessFor(t, { settings: { api_secret_key: '', number_digits: '3' }, users: alice });
    await h.operator.set('api_secret_key', 'secret');
    await settle(() => post(h, signed('alice')), balanceXml('26.000'));
    assertAnswer(await post(h, { username: 'alice' }), BAD_HASH);
  });
});

describe('settings changed while the server runs reach it', () => {
  const alice = [{ name: 'alice', balance: '26' }];
  const otherHash = createHash('sha1').update('aliceanother-key').digest('hex');

  it('answers API Requests are disabled within one second of `tally settings set allow_api off`, without restart', async (t) => {
    const h = await harnessFor(t, { users: alice });
    assertAnswer(await post(h, signed('alice')), balanceXml('26.00'));
    await h.operator.set('allow_api', 'off');
    await settle(() => post(h, signed('alice')), API_DISABLED, 1000);
  });

  it('answers again within one second of `tally settings set allow_api on`', async (t) => {
    const h = await harnessFor(t, { settings: { allow_api: 'off' }, users: alice });
    assertAnswer(await post(h, signed('alice')), API_DISABLED);
    await h.operator.set('allow_api', 'on');
    await settle(() => post(h, signed('alice')), balanceXml('26.00'), 1000);
  });

  it('uses a new secret key within one second, and refuses hashes made with the old one', async (t) => {
    const h = await harnessFor(t, { users: alice });
    await h.operator.set('api_secret_key', 'another-key');
    await settle(() => post(h, { username: 'alice', hash: otherHash }), balanceXml('26.00'), 1000);
    assertAnswer(await post(h, signed('alice')), BAD_HASH);
  });

  it('sees a balance changed with the CLI on the next request', async (t) => {
    const h = await harnessFor(t, { settings: { api_secret_key: 'another-key' }, users: alice });
    await h.operator.setUser('alice', { balance: '-3.5' });
    await settle(() => post(h, { username: 'alice', hash: otherHash }), balanceXml('-3.50'), 1000);
  });
});
