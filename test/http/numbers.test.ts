/** Spec sections 5 and 6: rounding and formatting of balances, and the bytes on the wire. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../support/fixtures.js';
import type { SeedPlan } from '../support/seed.js';
import { balanceXml, errorXml, HTML_TYPE, XML_TYPE } from '../support/spec-oracle.js';
import { API_PATH, assertAnswer, harnessFor, post, send, settle, signed, startHarness, type Harness } from './helpers.js';

/** Balances in the system currency, USD. */
const USERS: Record<string, string> = {
  r1005: '1.005',
  r2675: '2.675',
  rneg1005: '-1.005',
  rneg0001: '-0.001',
  r26: '26',
  r0145: '0.145',
  rneg0005: '-0.005',
  r25: '2.5',
  rneg25: '-2.5',
  rneg04: '-0.4',
  rzero: '0',
  rbig: '999999999.995',
  rmicro: '1.000001',
  r115: '1.15',
  rneg115: '-1.15',
  r0004999: '0.004999',
};

async function balanceOf(h: Harness, username: string, extra: Record<string, string> = {}): Promise<string> {
  const answer = await post(h, signed(username, extra));
  assert.equal(answer.status, 200);
  assert.equal(answer.type, XML_TYPE);
  const match = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<page>\n {2}<balance>([^<]*)<\/balance>\n<\/page>\n$/.exec(answer.body);
  assert.ok(match, `not a balance document: ${JSON.stringify(answer.body)}`);
  return match[1]!;
}

const ROUNDING: SeedPlan = {
  currencies: [
    { code: 'EUR', rate: '0.7351' },
    { code: 'ODD', rate: '1.5' },
    { code: 'TINY', rate: '0.12345678' },
  ],
  users: Object.entries(USERS).map(([name, balance]) => ({ name, balance })),
};

/** Sets number_digits while the server runs and waits until the server formats with it. */
async function digits(h: Harness, n: number, probe: string): Promise<void> {
  await h.operator.set('number_digits', String(n));
  await settle(() => post(h, signed('rzero')), balanceXml(probe));
}

describe('rounding and formatting through the API (section 5)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(ROUNDING);
  });
  after(async () => {
    await h.close();
  });

  it('rounds half away from zero at 2 places (the default): 1.005 → 1.01, 2.675 → 2.68, -1.005 → -1.01', async () => {
    assert.equal(await balanceOf(h, 'r1005'), '1.01');
    assert.equal(await balanceOf(h, 'r2675'), '2.68');
    assert.equal(await balanceOf(h, 'rneg1005'), '-1.01');
    assert.equal(await balanceOf(h, 'r0145'), '0.15');
    assert.equal(await balanceOf(h, 'rneg0005'), '-0.01');
    assert.equal(await balanceOf(h, 'r0004999'), '0.00');
  });

  it('prints no sign on a value that rounds to zero: -0.001 → 0.00', async () => {
    assert.equal(await balanceOf(h, 'rneg0001'), '0.00');
    assert.equal(await balanceOf(h, 'rzero'), '0.00');
  });

  it('always prints exactly 2 places, without grouping', async () => {
    assert.equal(await balanceOf(h, 'r26'), '26.00');
    assert.equal(await balanceOf(h, 'r25'), '2.50');
    assert.equal(await balanceOf(h, 'rbig'), '1000000000.00');
  });

  it('converts exactly before rounding: 26 × 0.7351 → 19.11, 1.15 × 1.5 = 1.725 → 1.73', async () => {
    assert.equal(await balanceOf(h, 'r26', { currency: 'EUR' }), '19.11');
    assert.equal(await balanceOf(h, 'r115', { currency: 'ODD' }), '1.73');
    assert.equal(await balanceOf(h, 'rneg115', { currency: 'ODD' }), '-1.73');
    assert.equal(await balanceOf(h, 'rneg25', { currency: 'ODD' }), '-3.75');
  });

  it('prints exactly 4 places at number_digits 4: 26 → 26.0000, 26 × 0.7351 → 19.1126', async (t) => {
    const h = await harnessFor(t, ROUNDING);
    await digits(h, 4, '0.0000');
    assert.equal(await balanceOf(h, 'r26'), '26.0000');
    assert.equal(await balanceOf(h, 'r26', { currency: 'EUR' }), '19.1126');
    assert.equal(await balanceOf(h, 'r1005'), '1.0050');
    assert.equal(await balanceOf(h, 'r0004999'), '0.0050');
    assert.equal(await balanceOf(h, 'rneg0001'), '-0.0010');
  });

  it('prints whole numbers without a separator at number_digits 0, rounding half away from zero', async (t) => {
    const h = await harnessFor(t, ROUNDING);
    await digits(h, 0, '0');
    assert.equal(await balanceOf(h, 'r25'), '3');
    assert.equal(await balanceOf(h, 'rneg25'), '-3');
    assert.equal(await balanceOf(h, 'rneg04'), '0');
    assert.equal(await balanceOf(h, 'r26'), '26');
    assert.equal(await balanceOf(h, 'r26', { currency: 'EUR' }), '19');
    assert.equal(await balanceOf(h, 'rbig'), '1000000000');
  });

  it('keeps every stored and converted digit at number_digits 10', async (t) => {
    const h = await harnessFor(t, ROUNDING);
    await digits(h, 10, '0.0000000000');
    assert.equal(await balanceOf(h, 'r1005'), '1.0050000000');
    assert.equal(await balanceOf(h, 'rmicro'), '1.0000010000');
    assert.equal(await balanceOf(h, 'r26', { currency: 'EUR' }), '19.1126000000');
    // 1.000001 × 0.12345678 = 0.12345690345678
    assert.equal(await balanceOf(h, 'rmicro', { currency: 'TINY' }), '0.1234569035');
    assert.equal(await balanceOf(h, 'rneg0001'), '-0.0010000000');
  });

  it('rounds at 2 places again once number_digits goes back to 2', async (t) => {
    const h = await harnessFor(t, { ...ROUNDING, settings: { number_digits: '10' } });
    await digits(h, 2, '0.00');
    assert.equal(await balanceOf(h, 'r2675'), '2.68');
  });
});

describe('bytes on the wire and Content-Type (section 6)', () => {
  const plan = (settings: Record<string, string> = {}): SeedPlan => ({
    settings,
    currencies: [{ code: 'EUR', rate: '0.7351' }],
    users: [{ name: 'alice', balance: '26', currency: 'EUR' }],
  });
  let h: Harness;
  before(async () => {
    h = await startHarness(plan());
  });
  after(async () => {
    await h.close();
  });

  it('writes the balance document byte for byte, LF line ends and a final LF', async () => {
    const answer = await post(h, signed('alice', { user_currency: '1' }));
    assertAnswer(answer, '<?xml version="1.0" encoding="UTF-8"?>\n<page>\n  <balance>19.11</balance>\n  <currency>EUR</currency>\n</page>\n');
    assert.equal(answer.headers.get('content-length'), String(Buffer.byteLength(answer.body)));
  });

  it('writes error documents byte for byte', async () => {
    assertAnswer(await post(h, { username: 'alice' }), '<?xml version="1.0" encoding="UTF-8"?>\n<status>\n  <error>Incorrect hash</error>\n</status>\n');
    assertAnswer(await post(h, signed('nobody')), '<?xml version="1.0" encoding="UTF-8"?>\n<page>\n  <error>User was not found</error>\n</page>\n');
  });

  it('answers text/xml; charset=utf-8 while xml_api_extension is on', async () => {
    assert.equal((await post(h, signed('alice'))).type, XML_TYPE);
    assert.equal((await post(h, { username: 'alice' })).type, XML_TYPE);
  });

  it('answers text/html; charset=utf-8 with the same bytes while xml_api_extension is off', async (t) => {
    const h = await harnessFor(t, plan());
    await h.operator.set('xml_api_extension', 'off');
    assert.ok(await eventually(async () => (await post(h, signed('alice'))).type === HTML_TYPE));
    assertAnswer(await post(h, signed('alice')), balanceXml('26.00'), 200, HTML_TYPE);
    assertAnswer(await post(h, signed('alice', { user_currency: '1' })), balanceXml('19.11', 'EUR'), 200, HTML_TYPE);
    assertAnswer(await post(h, { username: 'alice' }), errorXml('status', 'Incorrect hash'), 200, HTML_TYPE);
    assertAnswer(await post(h, signed('nobody')), errorXml('page', 'User was not found'), 200, HTML_TYPE);
  });

  it('answers transport faults as text/html too while xml_api_extension is off', async (t) => {
    const h = await harnessFor(t, plan({ xml_api_extension: 'off' }));
    assertAnswer(await send(h.url + '/billing/api/nope'), errorXml('status', 'There is no such API'), 404, HTML_TYPE);
    const bad = await send(`${h.url}${API_PATH}?username=%ZZ`, { method: 'POST' });
    assertAnswer(bad, errorXml('status', 'Malformed request'), 400, HTML_TYPE);
  });

  it('answers text/xml again once xml_api_extension is back on', async (t) => {
    const h = await harnessFor(t, plan({ xml_api_extension: 'off' }));
    assertAnswer(await post(h, signed('alice')), balanceXml('26.00'), 200, HTML_TYPE);
    await h.operator.set('xml_api_extension', 'on');
    assert.ok(await eventually(async () => (await post(h, signed('alice'))).type === XML_TYPE));
    assertAnswer(await post(h, signed('alice')), balanceXml('26.00'));
  });
});
