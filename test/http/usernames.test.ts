/** Ids and names through the real server: the largest addressable id, and either spelling of a name. */
import { after, before, describe, it } from 'node:test';
import { BACKEND, execSql } from '../support/fixtures.js';
import { balanceXml, errorXml, updatedXml } from '../support/spec-oracle.js';
import { assertAnswer, harnessFor, post, sign, signed, startHarness, type Harness } from './helpers.js';
import { postUpdate, update, userField } from './write-helpers.js';

const NOT_FOUND = errorXml('page', 'User was not found');
const NFC = 'Jos\u00e9';
const NFD = 'Jose\u0301';

describe('user ids up to 2147483647 through user_balance_update', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    // As `tally import` of `id,username,currency,balance` / `2147483647,top,USD,10`.
    await h.operator.importUsers([{ id: 2147483647, username: 'top', currency: 'USD', balance: '10' }]);
    // A user an older Tally imported past the bound, straight into the table.
    const placeholder = BACKEND === 'postgres' ? '$1' : '?';
    await execSql(h.db, `INSERT INTO users (id, username, username_key, currency, balance, uniquehash) VALUES (2147483648, 'beyond', 'beyond', 'USD', 0, ${placeholder})`, [
      'beyondtoken00001',
    ]);
  });
  after(async () => {
    await h.close();
  });

  it('updates the user with id 2147483647, hashed as its integer text', async () => {
    assertAnswer(await postUpdate(h, update('2147483647', '1.5')), updatedXml('top', '2147483647', '11.5'));
    const padded = { u: 'admin', user_id: '002147483647', balance: '1', hash: sign('2147483647', '1') };
    assertAnswer(await postUpdate(h, padded), updatedXml('top', '2147483647', '12.5'));
  });

  it('answers User was not found for a user_id above 2147483647, even where a row holds that id', async () => {
    assertAnswer(await postUpdate(h, update('2147483648', '1')), NOT_FOUND);
    assertAnswer(await postUpdate(h, update('999999999999999', '1')), NOT_FOUND);
  });
});

describe('either Unicode spelling of a username through user_balance_get', () => {
  const jose = { users: [{ name: NFD, balance: '26.5' }] };
  let h: Harness;
  before(async () => {
    h = await startHarness(jose);
  });
  after(async () => {
    await h.close();
  });

  it('answers the balance for the composed, the decomposed and the upper-case decomposed spelling, each hashed as sent', async () => {
    for (const spelling of [NFC, NFD, 'JOSE\u0301']) assertAnswer(await post(h, signed(spelling)), balanceXml('26.50'));
  });

  it('answers Incorrect hash for the decomposed spelling hashed as the composed one', async () => {
    assertAnswer(await post(h, { username: NFD, hash: sign(NFC) }), errorXml('status', 'Incorrect hash'));
  });

  it('names the user in NFC in the user_balance_update answer', async (t) => {
    const h = await harnessFor(t, jose);
    const id = await userField(h, NFC, 'id');
    assertAnswer(await postUpdate(h, update(id, '1')), updatedXml(NFC, id, '27.5'));
  });
});

describe('two spellings the NFC migration left apart, through the real server', () => {
  let h: Harness;
  before(async () => {
    // B holds the composed spelling; A, as an older Tally stored it, the decomposed one with its
    // plain lower case as key: the pair `tally verify` reports.
    h = await startHarness({ users: [{ name: NFC, balance: '10' }] });
    const placeholder = (n: number): string => (BACKEND === 'postgres' ? `$${n}` : '?');
    const balance = BACKEND === 'postgres' ? '77' : String(77 * 1_000_000);
    await execSql(
      h.db,
      `INSERT INTO users (id, username, username_key, currency, balance, uniquehash) VALUES (500, ${placeholder(1)}, ${placeholder(2)}, 'USD', ${balance}, 'legacytoken00001')`,
      [NFD, NFD.toLowerCase()],
    );
  });
  after(async () => {
    await h.close();
  });

  it('answers each spelling with its own customer, never the other one', async () => {
    assertAnswer(await post(h, signed(NFD)), balanceXml('77.00'));
    assertAnswer(await post(h, signed(NFC)), balanceXml('10.00'));
  });
});
