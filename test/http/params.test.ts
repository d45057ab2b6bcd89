/** Spec section 1 (paths, GET, parameters and body types) and section 8 (username lookup). */
import { after, before, describe, it } from 'node:test';
import type { SeedPlan } from '../support/seed.js';
import { balanceXml, errorXml } from '../support/spec-oracle.js';
import { API_PATH, assertAnswer, get, harnessFor, OLD_API_PATH, post, send, settle, sign, signed, startHarness, type Harness } from './helpers.js';

const BAD_HASH = errorXml('status', 'Incorrect hash');
const NOT_FOUND = errorXml('page', 'User was not found');

function json(h: Harness, body: string, query = ''): ReturnType<typeof send> {
  return send(`${h.url}${API_PATH}${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

const PLAN: SeedPlan = {
  currencies: [{ code: 'EUR', rate: '0.5' }],
  users: [
    { name: 'alice', balance: '26', currency: 'EUR' },
    ...['bob', 'Mary Ann', 'c+d', '12.50', '1', 'Ärger', 'Ωmega', 'a&b<c>"\'', '1e2'].map((name, i) => ({ name, balance: String(i + 1) })),
  ],
};

describe('parameters, paths and body types', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(PLAN);
  });
  after(async () => {
    await h.close();
  });

  it('answers the same on the old path /billing/api/balance', async () => {
    assertAnswer(await post(h, signed('alice'), OLD_API_PATH), balanceXml('26.00'));
    assertAnswer(await post(h, signed('alice', { user_currency: '1' }), OLD_API_PATH), balanceXml('13.00', 'EUR'));
    assertAnswer(await post(h, { username: 'alice' }, OLD_API_PATH), BAD_HASH);
    assertAnswer(await get(h, signed('alice'), OLD_API_PATH), errorXml('status', 'GET Requests are disabled'));
  });

  it('accepts a POST with every parameter in the query string and an empty body, as the seed examples do', async () => {
    const query = new URLSearchParams(signed('alice', { currency: 'EUR' })).toString();
    assertAnswer(await send(`${h.url}${API_PATH}?${query}`, { method: 'POST' }), balanceXml('13.00'));
    assertAnswer(await send(`${h.url}${OLD_API_PATH}?${query}`, { method: 'POST', body: '' }), balanceXml('13.00'));
    const typed = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    assertAnswer(await send(`${h.url}${API_PATH}?${query}`, typed), balanceXml('13.00'));
  });

  it('accepts an empty body with any content type', async () => {
    const query = new URLSearchParams(signed('bob')).toString();
    for (const type of ['text/plain', 'application/json', 'application/xml', 'multipart/form-data; boundary=x', 'image/png']) {
      assertAnswer(await send(`${h.url}${API_PATH}?${query}`, { method: 'POST', headers: { 'content-type': type }, body: '' }), balanceXml('1.00'));
    }
  });

  it('merges query and body parameters', async () => {
    assertAnswer(await post(h, `username=alice&hash=${sign('alice', 'EUR')}`, `${API_PATH}?currency=EUR`), balanceXml('13.00'));
  });

  it('lets the body win over the query string on a clash, for the lookup and for the hash', async () => {
    const path = `${API_PATH}?username=bob&hash=${sign('bob')}`;
    assertAnswer(await post(h, signed('alice'), path), balanceXml('26.00'));
    assertAnswer(await post(h, { username: 'alice' }, path), BAD_HASH);
  });

  it('keeps the last value of a repeated name, in the query and in the body', async () => {
    assertAnswer(await post(h, `username=bob&username=alice&hash=0&hash=${sign('alice')}`), balanceXml('26.00'));
    const query = `username=bob&hash=${sign('bob')}&username=alice&hash=${sign('alice')}`;
    assertAnswer(await send(`${h.url}${API_PATH}?${query}`, { method: 'POST' }), balanceXml('26.00'));
  });

  it('decodes + as a space and %2B as a plus, in the query and in a form body', async () => {
    assertAnswer(await post(h, `username=Mary+Ann&hash=${sign('Mary Ann')}`), balanceXml('2.00'));
    assertAnswer(await send(`${h.url}${API_PATH}?username=Mary+Ann&hash=${sign('Mary Ann')}`, { method: 'POST' }), balanceXml('2.00'));
    assertAnswer(await post(h, `username=c%2Bd&hash=${sign('c+d')}`), balanceXml('3.00'));
    assertAnswer(await post(h, `username=Mary%20Ann&hash=${sign('Mary Ann')}`), balanceXml('2.00'));
  });

  it('uses values as decoded, not trimmed: the hash covers the spaces and the user is not found', async () => {
    assertAnswer(await post(h, { username: 'alice ', hash: sign('alice ') }), NOT_FOUND);
    assertAnswer(await post(h, { username: ' alice', hash: sign('alice') }), BAD_HASH);
  });

  it('takes a name without = as an empty value', async () => {
    assertAnswer(await post(h, `username=bob&currency&hash=${sign('bob')}`), balanceXml('1.00'));
  });

  it('reads media types without regard to letter case, with a charset parameter', async () => {
    const body = new URLSearchParams(signed('alice')).toString();
    for (const type of ['APPLICATION/X-WWW-FORM-URLENCODED', 'application/x-www-form-urlencoded; charset=UTF-8']) {
      assertAnswer(await send(h.url + API_PATH, { method: 'POST', headers: { 'content-type': type }, body }), balanceXml('26.00'));
    }
    assertAnswer(await send(h.url + API_PATH, { method: 'POST', headers: { 'content-type': 'Application/Json' }, body: JSON.stringify(signed('bob')) }), balanceXml('1.00'));
  });

  it('reads multipart/form-data with a quoted boundary', async () => {
    const body = `--a b\r\nContent-Disposition: form-data; name="username"\r\n\r\nbob\r\n--a b\r\nContent-Disposition: form-data; name="hash"\r\n\r\n${sign('bob')}\r\n--a b--\r\n`;
    const headers = { 'content-type': 'multipart/form-data; boundary="a b"' };
    assertAnswer(await send(h.url + API_PATH, { method: 'POST', headers, body }), balanceXml('1.00'));
  });

  it('reads multipart/form-data fields', async () => {
    const form = new FormData();
    for (const [name, value] of Object.entries(signed('alice', { currency: 'eur' }))) form.append(name, value);
    assertAnswer(await send(h.url + API_PATH, { method: 'POST', body: form }), balanceXml('13.00'));
  });

  it('lets multipart fields win over the query string', async () => {
    const form = new FormData();
    form.append('username', 'alice');
    form.append('hash', sign('alice'));
    assertAnswer(await send(`${h.url}${API_PATH}?username=bob&hash=${sign('bob')}`, { method: 'POST', body: form }), balanceXml('26.00'));
  });

  it('reads a JSON object of strings', async () => {
    assertAnswer(await json(h, JSON.stringify(signed('alice', { currency: 'EUR' }))), balanceXml('13.00'));
  });

  it('takes a JSON number as the text it has in the document (12.50 stays 12.50)', async () => {
    assertAnswer(await json(h, `{"username": 12.50, "hash": "${sign('12.50')}"}`), balanceXml('4.00'));
    assertAnswer(await json(h, `{"username": 12.50, "hash": "${sign('12.5')}"}`), BAD_HASH);
    assertAnswer(await json(h, `{"username": 1, "hash": "${sign('1')}"}`), balanceXml('5.00'));
  });

  it('takes a JSON number with an exponent as its text too', async () => {
    assertAnswer(await json(h, `{"username": 1e2, "hash": "${sign('1e2')}"}`), balanceXml('9.00'));
    assertAnswer(await json(h, `{"username": 1E2, "hash": "${sign('1E2')}"}`), balanceXml('9.00'));
  });

  it('takes JSON true and false as 1 and 0', async () => {
    assertAnswer(await json(h, `{"username":"alice","user_currency":true,"hash":"${sign('alice')}"}`), balanceXml('13.00', 'EUR'));
    assertAnswer(await json(h, `{"username":"alice","user_currency":false,"hash":"${sign('alice')}"}`), balanceXml('26.00'));
    assertAnswer(await json(h, `{"username":true,"hash":"${sign('1')}"}`), balanceXml('5.00'));
  });

  it('reads JSON with a charset parameter, escapes and white space, and lets it win over the query', async () => {
    const body = `\n{ "username" : "\\u00c4rger" ,\n "hash" : "${sign('Ärger')}" }\n`;
    const answer = await send(`${h.url}${API_PATH}?username=bob&hash=${sign('bob')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
    });
    assertAnswer(answer, balanceXml('6.00'));
  });

  it('keeps the last value of a repeated JSON member', async () => {
    assertAnswer(await json(h, `{"username":"bob","username":"alice","hash":"${sign('alice')}"}`), balanceXml('26.00'));
  });

  it('looks usernames up without regard to letter case, Unicode included, hashing the name as sent', async () => {
    assertAnswer(await post(h, signed('ALICE')), balanceXml('26.00'));
    assertAnswer(await post(h, signed('aLiCe')), balanceXml('26.00'));
    assertAnswer(await post(h, signed('äRGER')), balanceXml('6.00'));
    assertAnswer(await post(h, signed('ÄRGER')), balanceXml('6.00'));
    assertAnswer(await post(h, signed('ωMEGA')), balanceXml('7.00'));
    assertAnswer(await post(h, signed('MARY ANN')), balanceXml('2.00'));
    assertAnswer(await post(h, { username: 'ALICE', hash: sign('alice') }), BAD_HASH);
  });

  it('finds a username full of XML special characters', async () => {
    assertAnswer(await post(h, signed('a&b<c>"\'')), balanceXml('8.00'));
  });

  it('treats the admin account like any other user', async () => {
    assertAnswer(await post(h, signed('admin')), balanceXml('0.00'));
    assertAnswer(await post(h, signed('Admin', { user_currency: '1' })), balanceXml('0.00', 'USD'));
  });

  it('answers User was not found for a username far longer than any stored one', async () => {
    assertAnswer(await post(h, signed('a'.repeat(300))), NOT_FOUND);
    assertAnswer(await post(h, signed('ä'.repeat(129))), NOT_FOUND);
  });

  it('does not find a name that only resembles a user', async () => {
    for (const name of ['alic', 'alicee', 'Arger', '%']) assertAnswer(await post(h, signed(name)), NOT_FOUND);
  });

  it('does not find a name with a NUL character in it', async () => {
    // A bounded wait: a server that never answers must fail this test, not hang the suite.
    const answer = await send(h.url + API_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(signed('alice\u0000')).toString(),
      signal: AbortSignal.timeout(5000),
    });
    assertAnswer(answer, NOT_FOUND);
  });

  it('answers GET only while allow_get_api is on, on both paths', async (t) => {
    const h = await harnessFor(t, PLAN);
    assertAnswer(await get(h, signed('alice')), errorXml('status', 'GET Requests are disabled'));
    await h.operator.set('allow_get_api', 'on');
    await settle(() => get(h, signed('alice')), balanceXml('26.00'));
    assertAnswer(await get(h, signed('alice', { user_currency: '1' }), OLD_API_PATH), balanceXml('13.00', 'EUR'));
    assertAnswer(await get(h, `username=Mary+Ann&hash=${sign('Mary Ann')}`), balanceXml('2.00'));
    assertAnswer(await get(h, { username: 'alice' }), BAD_HASH);
    await h.operator.set('allow_get_api', 'off');
    await settle(() => get(h, signed('alice')), errorXml('status', 'GET Requests are disabled'));
    assertAnswer(await post(h, signed('alice')), balanceXml('26.00'));
  });
});
