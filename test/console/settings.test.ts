/**
 * The console's Settings page in a real browser: every setting the API answers is on the page
 * with its value; a change saved through the page is obeyed by the Kolmisoft API at once; a
 * refused value is named next to its field and changes nothing; hash checking's warning; the
 * API Secret Key shown and rotated, and the signature key's two rotation steps; read-only for
 * a viewer and an admin.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { balanceXml, errorXml } from '../support/spec-oracle.js';
import { assertAnswer, get, post, SECRET, signed } from '../http/helpers.js';
import { assertAccessible, consoleSuite, type ConsoleHarness } from './browser.js';

const GET_DISABLED = errorXml('status', 'GET Requests are disabled');
const BAD_HASH = errorXml('status', 'Incorrect hash');
const plan = { users: [{ name: 'alice', balance: '26.5' }] };

async function apiSettings(h: ConsoleHarness): Promise<Record<string, unknown>> {
  const { data, response } = await h.as.viewer.GET('/admin/v1/settings');
  assert.equal(response.status, 200);
  return data as Record<string, unknown>;
}

async function openSettings(h: ConsoleHarness, as: 'owner' | 'admin' | 'viewer', width = 1280): Promise<Page> {
  const page = await h.page(as, { width });
  await page.goto(h.at('/settings'));
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  await page.locator('.setting').first().waitFor();
  return page;
}

/** The row of the setting the API calls `name` (the page shows that name in each row). */
function rowOf(page: Page, name: string): Locator {
  return page.locator('.setting').filter({ has: page.locator('.setting-name code', { hasText: new RegExp(`^${name}$`) }) });
}

async function assertNoHorizontalScroll(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  assert.equal(overflow, 0, `${what}: no horizontal page scroll`);
}

const saved = (page: Page) => page.getByRole('status').filter({ hasText: /^Saved:/ });

describe('console: settings', () => {
  const h = consoleSuite(plan);

  test('every setting the API answers is shown with its value, under Kolmisoft\'s labels for its API tab', async () => {
    const settings = await apiSettings(h());
    for (const width of [1280, 390]) {
      const page = await openSettings(h(), 'owner', width);
      for (const [name, value] of Object.entries(settings)) {
        const row = rowOf(page, name);
        assert.equal(await row.count(), 1, `${name} is shown once`);
        if (typeof value === 'boolean') assert.equal(await row.getByRole('checkbox').isChecked(), value, name);
        else if (typeof value === 'number') assert.equal(await row.getByRole('textbox').inputValue(), String(value), name);
        else if (Array.isArray(value)) assert.equal(await row.getByRole('textbox').inputValue(), value.join('\n'), name);
        // A word of a fixed list is a choice; a free text (the warning balance) is a text box.
        else if (typeof value === 'string') assert.equal(await row.getByRole(name === 'signature_mode' ? 'combobox' : 'textbox').inputValue(), value, name);
        else assert.equal(await row.locator('.key-state > span').first().innerText(), (value as { set: boolean }).set ? 'Set' : 'Not set', name);
      }
      for (const label of ['Allow API', 'Allow GET API', 'Disable hash checking', 'Balance methods enabled', 'API allow Payments', 'XML API extension'])
        assert.equal(await page.getByRole('checkbox', { name: label, exact: true }).count(), 1, label);
      assert.equal(await page.getByRole('textbox', { name: 'Number digits', exact: true }).inputValue(), '2');
      await page.getByRole('group', { name: 'API Secret Key', exact: true }).waitFor();
      for (const heading of ['Kolmisoft API', 'Throttling', 'Trusted proxies', 'Request signatures', 'Balance alerts and webhooks'])
        await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
      assert.equal(await page.getByRole('heading', { name: 'Other settings' }).count(), 0, 'every setting has its own words');
      assert.equal(await page.getByRole('button', { name: 'Save changes' }).isDisabled(), true, 'nothing to save yet');
      assert.equal(await page.getByRole('button', { name: 'Discard' }).isDisabled(), true);
      await page.getByText('No unsaved changes.').waitFor();
      await assertNoHorizontalScroll(page, `settings at ${width} px`);
      await assertAccessible(page, `settings at ${width} px`);
    }
  });

  test('a setting the page has no words for is still shown, under Other settings, by its value\'s type', async () => {
    const page = await h().page('owner');
    // The answer of a newer server: settings this console was not written for.
    const added = { future_switch: true, future_count: 3, future_list: ['a', 'b'], future_word: 'fast', future_key: { set: true } };
    await page.route(h().at('/admin/v1/settings'), async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const response = await route.fetch();
      return route.fulfill({ response, json: { ...((await response.json()) as object), ...added } });
    });
    await page.goto(h().at('/settings'));
    await page.getByRole('heading', { name: 'Other settings', level: 2 }).waitFor();
    assert.equal(await rowOf(page, 'future_switch').getByRole('checkbox', { name: 'future_switch' }).isChecked(), true);
    assert.equal(await rowOf(page, 'future_count').getByRole('textbox', { name: 'future_count' }).inputValue(), '3');
    assert.equal(await rowOf(page, 'future_list').getByRole('textbox', { name: 'future_list' }).inputValue(), 'a\nb');
    assert.equal(await rowOf(page, 'future_word').getByRole('textbox', { name: 'future_word' }).inputValue(), 'fast');
    assert.equal(await rowOf(page, 'future_key').locator('.key-state > span').first().innerText(), 'Set');
    assert.equal(await rowOf(page, 'allow_api').count(), 1, 'the known ones are there too');
    await assertAccessible(page, 'settings with settings the page does not know');
  });

  test('Allow GET API and Number digits changed through the page are obeyed by the Kolmisoft API at once', async () => {
    const query = signed('alice');
    assertAnswer(await get(h(), query), GET_DISABLED);
    const page = await openSettings(h(), 'owner');
    await page.getByRole('checkbox', { name: 'Allow GET API', exact: true }).check();
    await page.getByRole('textbox', { name: 'Number digits', exact: true }).fill('4');
    await page.getByText('Unsaved changes: Allow GET API, Number digits.').waitFor();
    assert.equal(await rowOf(page, 'number_digits').getByText('unsaved').count(), 1, 'the edited field says it is unsaved');
    assert.equal(await page.getByRole('button', { name: 'Discard' }).isEnabled(), true);
    await assertAccessible(page, 'settings with unsaved changes');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const notice = saved(page);
    await notice.waitFor();
    assert.equal(
      await notice.innerText(),
      'Saved: Allow GET API off → on; Number digits 2 → 4. The change is live: this node obeys it already, every other node within a second.',
    );
    // Live when the page says so: no waiting.
    assertAnswer(await get(h(), query), balanceXml('26.5000'));
    assert.equal((await apiSettings(h())).number_digits, 4);
    await page.getByText('No unsaved changes.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save changes' }).isDisabled(), true);
    await assertAccessible(page, 'settings saved');

    await page.getByRole('checkbox', { name: 'Allow GET API', exact: true }).uncheck();
    await page.getByRole('textbox', { name: 'Number digits', exact: true }).fill('2');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await notice.filter({ hasText: 'Allow GET API on → off; Number digits 4 → 2.' }).waitFor();
    assertAnswer(await get(h(), query), GET_DISABLED);
    assertAnswer(await post(h(), query), balanceXml('26.50'));
  });

  test('an invalid value is named next to its field with the API\'s message, and nothing of the change is made', async () => {
    const before = await apiSettings(h());
    const page = await openSettings(h(), 'owner', 390);
    await page.getByRole('checkbox', { name: 'Allow API', exact: true }).uncheck();
    const digits = page.getByRole('textbox', { name: 'Number digits', exact: true });
    await digits.fill('11');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.innerText(), 'Nothing was changed. number_digits: must be a whole number from 0 to 10');
    assert.equal(await rowOf(page, 'number_digits').locator('.field-error').innerText(), 'must be a whole number from 0 to 10');
    assert.equal(await digits.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate('document.activeElement.id'), await digits.getAttribute('id'), 'the refused field has the focus');
    assert.equal(await rowOf(page, 'allow_api').locator('.field-error').count(), 0, 'only the refused field is marked');
    await assertNoHorizontalScroll(page, 'settings with an error at 390 px');
    await assertAccessible(page, 'settings with a refused value');
    assert.deepEqual(await apiSettings(h()), before, 'all or nothing: Allow API is still on');
    assertAnswer(await post(h(), signed('alice')), balanceXml('26.50'));

    // A value that is not a number at all is the API's to name, too.
    await digits.fill('four');
    assert.equal(await digits.getAttribute('aria-invalid'), null, 'editing the field clears its message');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await rowOf(page, 'number_digits').locator('.field-error').filter({ hasText: /^must be an integer$/ }).waitFor();
    assert.match(await page.getByRole('alert').innerText(), /^Nothing was changed\. .*number_digits/);
    assert.deepEqual(await apiSettings(h()), before);

    // The edits stay until discarded.
    await page.getByText('Unsaved changes: Allow API, Number digits.').waitFor();
    await page.getByRole('button', { name: 'Discard' }).click();
    await page.getByText('No unsaved changes.').waitFor();
    assert.equal(await digits.inputValue(), '2');
    assert.equal(await page.getByRole('checkbox', { name: 'Allow API', exact: true }).isChecked(), true);
    await assertAccessible(page, 'settings after discarding');
  });

  test('Disable hash checking says beside it what it exposes; saved, a request without a hash is answered', async () => {
    const page = await openSettings(h(), 'owner');
    const row = rowOf(page, 'disable_hash_checking');
    const exposure = 'anyone who can reach the API can read and change balances without the key';
    assert.equal(await row.locator('.setting-warning').innerText(), `Warning: when this is on, ${exposure}.`);
    const box = page.getByRole('checkbox', { name: 'Disable hash checking', exact: true });
    await box.check();
    assert.equal(await row.locator('.setting-warning').innerText(), `Once saved, ${exposure}.`);
    await assertAccessible(page, 'hash checking about to be disabled');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await saved(page).filter({ hasText: 'Disable hash checking off → on' }).waitFor();
    assert.equal(await row.locator('.setting-warning').innerText(), `Hash checking is disabled now: ${exposure}.`);
    assertAnswer(await post(h(), { username: 'alice' }), balanceXml('26.50'));
    await assertAccessible(page, 'hash checking disabled');

    await box.uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await saved(page).filter({ hasText: 'Disable hash checking on → off' }).waitFor();
    assertAnswer(await post(h(), { username: 'alice' }), BAD_HASH);
  });

  test('a viewer and an admin see the values read-only: no Save, no Discard, no Show, no Rotate', async () => {
    for (const role of ['viewer', 'admin'] as const) {
      const page = await openSettings(h(), role);
      await page.getByText(`Only an owner can change settings; you are signed in as ${role}`).waitFor();
      for (const name of ['Save changes', 'Discard', 'Show', 'Rotate', 'Start rotation', 'End rotation'])
        assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `${role}: no ${name}`);
      assert.equal(await page.getByRole('checkbox', { name: 'Allow API', exact: true }).isChecked(), true, `${role} reads the value`);
      assert.equal(await page.getByRole('checkbox', { name: 'Allow API', exact: true }).isDisabled(), true);
      assert.equal(await page.getByRole('textbox', { name: 'Number digits', exact: true }).isEditable(), false);
      assert.equal(await page.getByLabel('New API Secret Key').count(), 0);
      assert.equal(await rowOf(page, 'api_secret_key').locator('.key-state > span').first().innerText(), 'Set');
      await assertAccessible(page, `settings read by ${role}`);
      // Not offered, and refused all the same.
      assert.equal((await h().as[role].PATCH('/admin/v1/settings', { body: { allow_api: false } })).response.status, 403);
    }
  });
});

describe('console: settings keys', () => {
  const h = consoleSuite(plan);

  test('an owner shows the API Secret Key and rotates it: the old hash is refused, one made with the new key works', async () => {
    const page = await openSettings(h(), 'owner');
    const group = page.getByRole('group', { name: 'API Secret Key', exact: true });
    assert.equal(await group.locator('.key-shown').count(), 0, 'the key is shown only on request');
    await group.getByRole('button', { name: 'Show' }).click();
    assert.equal(await group.locator('.key-shown code').innerText(), SECRET);
    await assertAccessible(page, 'API Secret Key shown');
    await group.getByRole('button', { name: 'Hide' }).click();
    assert.equal(await group.locator('.key-shown').count(), 0);

    // Cancel writes nothing.
    await group.getByRole('button', { name: 'Rotate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the API Secret Key?' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /every client must be given the new key/);
    await assertAccessible(page, 'rotation confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assertAnswer(await post(h(), signed('alice')), balanceXml('26.50'));

    await group.getByRole('button', { name: 'Rotate' }).click();
    await dialog.getByRole('button', { name: 'Rotate the key' }).click();
    await group.getByRole('status').filter({ hasText: 'The API Secret Key was replaced: the old key is refused from now on.' }).waitFor();
    assertAnswer(await post(h(), signed('alice')), BAD_HASH);
    await group.getByRole('button', { name: 'Show' }).click();
    const key = await group.locator('.key-shown code').innerText();
    const { data } = await h().as.owner.GET('/admin/v1/settings/secrets/{name}', { params: { path: { name: 'api_secret_key' } } });
    assert.equal(key, data?.value);
    assert.notEqual(key, SECRET);
    const hash = createHash('sha1').update(`alice${key}`, 'utf8').digest('hex');
    assertAnswer(await post(h(), { username: 'alice', hash }), balanceXml('26.50'));
    await assertAccessible(page, 'API Secret Key rotated');
  });

  test('an owner sets a key of their own, saved with the form; one too short is refused next to the field', async () => {
    const page = await openSettings(h(), 'owner');
    const field = page.getByLabel('New API Secret Key');
    await field.fill('Qz7#x');
    await page.getByText('Unsaved changes: API Secret Key.').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('alert').filter({ hasText: 'api_secret_key' }).waitFor();
    assert.equal(await page.getByRole('group', { name: 'API Secret Key', exact: true }).locator('.field-error').innerText(), 'must be empty or at least 6 characters');
    await assertAccessible(page, 'a key too short');
    await field.fill('Moved-From-Kolmisoft-1');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await saved(page).filter({ hasText: 'API Secret Key replaced by the key given' }).waitFor();
    assert.equal(await field.inputValue(), '', 'the key typed is not kept in the form');
    assert.equal((await saved(page).innerText()).includes('Moved-From-Kolmisoft-1'), false, 'nor echoed');
    const hash = createHash('sha1').update('aliceMoved-From-Kolmisoft-1', 'utf8').digest('hex');
    assertAnswer(await post(h(), { username: 'alice', hash }), balanceXml('26.50'));
  });

  test('the signature key rotates in two steps: start (both keys accepted), then end (only the new one)', async () => {
    const page = await openSettings(h(), 'owner');
    const group = page.getByRole('group', { name: 'Signature key', exact: true });
    await group.getByText('no rotation under way').waitFor();
    await group.getByRole('button', { name: 'Show' }).click();
    const first = await group.locator('.key-shown code').innerText();
    assert.match(first, /^[0-9a-f]{40}$/);

    await group.getByRole('button', { name: 'Start rotation' }).click();
    const start = page.getByRole('dialog', { name: 'Start a signature key rotation?' });
    assert.match(await start.innerText(), /the current one stays accepted beside it until you end the rotation/);
    await start.getByRole('button', { name: 'Start rotation' }).click();
    await group.getByRole('status').filter({ hasText: 'the previous one is still accepted until you end the rotation' }).waitFor();
    await group.getByText('a rotation is under way: the previous key is still accepted').waitFor();
    assert.equal(await rowOf(page, 'signature_key_previous').locator('.key-state > span').first().innerText(), 'Set');
    assert.deepEqual([(await apiSettings(h())).signature_key_previous], [{ set: true }]);
    await assertAccessible(page, 'signature key rotation under way');

    await group.getByRole('button', { name: 'End rotation' }).click();
    const end = page.getByRole('dialog', { name: 'End the signature key rotation?' });
    await end.getByRole('button', { name: 'End rotation' }).click();
    await group.getByRole('status').filter({ hasText: 'The rotation ended: only the current signature key is accepted.' }).waitFor();
    await group.getByText('no rotation under way').waitFor();
    assert.deepEqual([(await apiSettings(h())).signature_key_previous], [{ set: false }]);
    await group.getByRole('button', { name: 'Show' }).click();
    assert.notEqual(await group.locator('.key-shown code').innerText(), first);
    await assertAccessible(page, 'signature key rotation ended');
  });
});
