/**
 * The console's Generate hash page in a real browser: the hash shown is the one `tally hash` and
 * POST /admin/v1/hash give, and a Kolmisoft request sent with it is answered; the values it
 * covers are listed in order and the key never appears; a bad URI is refused with the API's
 * detail; a viewer may use it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { runTally } from '../support/fixtures.js';
import { balanceXml } from '../support/spec-oracle.js';
import { assertAnswer, post, SECRET, sign } from '../http/helpers.js';
import { assertAccessible, consoleSuite } from './browser.js';

async function generate(page: Page, uri: string): Promise<void> {
  await page.getByLabel('Request URI').fill(uri);
  await page.getByRole('button', { name: 'Generate' }).click();
}

/** The result's facts, term by term. */
async function facts(page: Page): Promise<Record<string, string>> {
  const result = page.getByRole('region', { name: 'Result' });
  await result.waitFor();
  const terms = await result.locator('dt').allInnerTexts();
  const details = await result.locator('dd').allInnerTexts();
  return Object.fromEntries(terms.map((term, index) => [term, details[index]!]));
}

describe('console: generate hash', () => {
  const h = consoleSuite({ currencies: [{ code: 'EUR', rate: '0.5', name: 'Euro' }], users: [{ name: 'alice', balance: '26' }] });

  test('a viewer gets the hash tally hash and the API give, with its values in order, and the Kolmisoft API accepts it', async () => {
    const uri = 'http://tally.example:8080/billing/api/user_balance_get?username=alice&currency=EUR';
    for (const width of [1280, 390]) {
      const page = await h().page('viewer', { width });
      await page.goto(h().at('/hash'));
      await page.getByRole('heading', { name: 'Generate hash', level: 1 }).waitFor();
      await assertAccessible(page, `generate hash at ${width} px`);
      await generate(page, uri);
      const shown = await facts(page);
      const { data } = await h().as.viewer.POST('/admin/v1/hash', { body: { uri } });
      const cli = await runTally(['hash', uri, '--db', h().db]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.equal(shown.Hash, data?.hash);
      assert.equal(shown.Hash, cli.stdout.trim());
      assert.equal(shown.Hash, sign('alice', 'EUR'));
      assert.equal(shown.Method, 'user_balance_get');
      assert.deepEqual(await page.locator('.hash-values li').allInnerTexts(), ['alice', 'EUR']);
      assert.equal(shown['Made as'], 'SHA1("alice" + "EUR" + API Secret Key)');
      assert.equal((await page.locator('main').innerText()).includes(SECRET), false, 'the key never appears');
      assertAnswer(await post(h(), { username: 'alice', currency: 'EUR', hash: shown.Hash! }), balanceXml('13.00'));
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.equal(overflow, 0, `no horizontal page scroll at ${width} px`);
      await assertAccessible(page, `a generated hash at ${width} px`);
    }
  });

  test('a bare query hashes for user_balance_get, as in Kolmisoft\'s tool', async () => {
    const page = await h().page('viewer');
    await page.goto(h().at('/hash'));
    await generate(page, 'username=alice');
    const shown = await facts(page);
    assert.equal(shown.Hash, sign('alice'));
    assert.equal(shown.Method, 'user_balance_get');
    assertAnswer(await post(h(), { username: 'alice', hash: shown.Hash! }), balanceXml('26.00'));
  });

  test('a URI naming no method with a hash, or with a broken escape, is refused with the API\'s detail', async () => {
    const page = await h().page('admin', { width: 390 });
    await page.goto(h().at('/hash'));
    for (const uri of ['/billing/api/no_such_method?username=alice', '/billing/api/user_balance_get?username=%zz']) {
      const refused = await h().as.viewer.POST('/admin/v1/hash', { body: { uri } });
      assert.equal(refused.response.status, 422);
      const problem = refused.error as { detail: string; errors: { field: string; message: string }[] };
      await generate(page, uri);
      await page.getByRole('alert').filter({ hasText: problem.detail }).waitFor();
      assert.equal(await page.getByRole('alert').innerText(), problem.detail);
      assert.equal(await page.locator('.field-error').innerText(), problem.errors.find((error) => error.field === 'uri')?.message);
      assert.equal(await page.getByLabel('Request URI').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByRole('region', { name: 'Result' }).count(), 0, 'no hash is shown');
      await assertAccessible(page, `a refused URI ${uri}`);
    }
  });
});
