/** The admin API's settings and keys: GET/PATCH /admin/v1/settings, reading and rotating keys. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { balanceXml, errorXml } from '../support/spec-oracle.js';
import { assertAnswer, post, signed } from '../http/helpers.js';
import { adminHarness, adminRequest, memoryLogger, type AdminHarness } from './helpers.js';

const API_DISABLED = errorXml('status', 'API Requests are disabled');
const BAD_HASH = errorXml('status', 'Incorrect hash');
const alice = [{ name: 'alice', balance: '26' }];

/** What a fresh database answers (the harness's api_secret_key is set; init made a signing key). */
const INITIAL = {
  allow_api: true,
  allow_get_api: false,
  api_secret_key: { set: true },
  disable_hash_checking: false,
  balance_get_enabled: true,
  payments_enabled: false,
  xml_api_extension: true,
  number_digits: 2,
  auth_failure_limit: 20,
  auth_failure_cooldown: 60,
  trusted_proxies: [],
  signature_mode: 'off',
  signature_key: { set: true },
  signature_key_previous: { set: false },
  warning_balance: '',
  webhook_allow_private: false,
};

async function secret(h: AdminHarness, name: 'api_secret_key' | 'signature_key'): Promise<string> {
  const { data, response } = await h.as.owner.GET('/admin/v1/settings/secrets/{name}', { params: { path: { name } } });
  assert.equal(response.status, 200);
  assert.equal(data?.name, name);
  return data!.value;
}

async function currentSettings(h: AdminHarness): Promise<unknown> {
  const { data, response } = await h.as.viewer.GET('/admin/v1/settings');
  assert.equal(response.status, 200);
  return data;
}

test('a viewer reads every setting keyed by name, each in its JSON type, keys only as set or not', async (t) => {
  const h = await adminHarness(t, { settings: { api_secret_key: 'Listed-Key-5Wq' } });
  const answer = await adminRequest(h, 'GET', '/admin/v1/settings', { token: h.tokens.viewer });
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(answer.text, JSON.stringify(INITIAL));
  assert.equal(answer.text.includes('Listed-Key-5Wq'), false, 'the key is not in the answer');
  assert.equal(answer.text.includes(await secret(h, 'signature_key')), false, 'nor the signing key');
});

test('settings answer 401 without credentials, and 403 to a viewer or an admin for every owner operation', async (t) => {
  const h = await adminHarness(t);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/settings')).status, 401);
  assert.equal((await adminRequest(h, 'PATCH', '/admin/v1/settings', { body: '{"allow_api":false}' })).status, 401);
  for (const role of ['viewer', 'admin'] as const) {
    const token = h.tokens[role];
    const refused = [
      await adminRequest(h, 'PATCH', '/admin/v1/settings', { token, body: '{"allow_api":false}' }),
      await adminRequest(h, 'GET', '/admin/v1/settings/secrets/api_secret_key', { token }),
      await adminRequest(h, 'POST', '/admin/v1/settings/secrets/api_secret_key/rotate', { token }),
      // The role is checked before the target.
      await adminRequest(h, 'GET', '/admin/v1/settings/secrets/nothing', { token }),
    ];
    assert.deepEqual(
      refused.map((answer) => [answer.status, (answer.json as { code: string }).code]),
      refused.map(() => [403, 'forbidden']),
      role,
    );
  }
  assert.deepEqual(await currentSettings(h), INITIAL, 'nothing changed');
});

test('an owner changes several settings at once, answered with every setting; a key given is never echoed', async (t) => {
  const log = memoryLogger();
  const h = await adminHarness(t, { logger: log.logger });
  const { data, response } = await h.as.owner.PATCH('/admin/v1/settings', {
    body: { allow_get_api: true, number_digits: 4, trusted_proxies: ['10.0.0.0/8', '192.168.1.10'], signature_mode: 'optional', api_secret_key: 'Chosen-Key-93xQ' },
  });
  assert.equal(response.status, 200);
  assert.deepEqual(data, { ...INITIAL, allow_get_api: true, number_digits: 4, trusted_proxies: ['10.0.0.0/8', '192.168.1.10'], signature_mode: 'optional' });
  assert.equal(await secret(h, 'api_secret_key'), 'Chosen-Key-93xQ');
  assert.equal(await h.operator.setting('allow_get_api'), 'on', 'the CLI reads the change');
  const [audit] = await h.operator.audit(1);
  assert.equal(audit?.action, 'settings.set');
  assert.equal(audit?.actor, 'owner1');
  assert.equal(JSON.stringify(await h.operator.audit()).includes('Chosen-Key-93xQ'), false, 'the audit log holds no key');
  assert.equal(log.lines.join('').includes('Chosen-Key-93xQ'), false, 'no log line holds the key');
});

test('one bad value in a batch changes nothing and is named with the reason', async (t) => {
  const h = await adminHarness(t);
  const answer = await adminRequest(h, 'PATCH', '/admin/v1/settings', { token: h.tokens.owner, body: '{"allow_get_api":true,"number_digits":11}' });
  assert.equal(answer.status, 422);
  assert.deepEqual(answer.json, {
    type: '/admin/docs#problem-invalid',
    title: 'Invalid request',
    status: 422,
    code: 'invalid',
    detail: 'number_digits: must be a whole number from 0 to 10',
    errors: [{ field: 'number_digits', message: 'must be a whole number from 0 to 10' }],
  });
  const proxies = await adminRequest(h, 'PATCH', '/admin/v1/settings', { token: h.tokens.owner, body: '{"allow_get_api":true,"trusted_proxies":["10.0.0.1","not an address"]}' });
  assert.equal(proxies.status, 422);
  assert.equal((proxies.json as { errors: { field: string }[] }).errors[0]?.field, 'trusted_proxies');
  assert.deepEqual(await currentSettings(h), INITIAL);
});

test('an unknown setting, a wrong type, malformed JSON and an empty change are refused, naming the field', async (t) => {
  const h = await adminHarness(t);
  const patch = (body: string) => adminRequest(h, 'PATCH', '/admin/v1/settings', { token: h.tokens.owner, body });
  const cases = [
    [await patch('{"allow_api":false,"allow_everything":true}'), 422, [{ field: 'allow_everything', message: 'is not a known field' }]],
    [await patch('{"allow_api":"off"}'), 422, [{ field: 'allow_api', message: 'must be a boolean' }]],
    [await patch('{"number_digits":"4"}'), 422, [{ field: 'number_digits', message: 'must be an integer' }]],
    [await patch('{"number_digits":2.5}'), 422, [{ field: 'number_digits', message: 'must be an integer' }]],
    [await patch('{"trusted_proxies":"10.0.0.1"}'), 422, [{ field: 'trusted_proxies', message: 'must be an array' }]],
    [await patch('{"signature_mode":"sometimes"}'), 422, [{ field: 'signature_mode', message: 'must be one of "off", "optional", "required"' }]],
    [await patch('{}'), 422, [{ field: 'setting', message: 'nothing to change' }]],
    [await patch('{"allow_api":false'), 400, undefined],
  ] as const;
  for (const [answer, status, errors] of cases) {
    assert.equal(answer.status, status, answer.text);
    assert.deepEqual((answer.json as { errors?: unknown }).errors, errors, answer.text);
  }
  assert.deepEqual(await currentSettings(h), INITIAL);
});

test('a key too short is refused without echoing it', async (t) => {
  const log = memoryLogger();
  const h = await adminHarness(t, { logger: log.logger });
  const answer = await adminRequest(h, 'PATCH', '/admin/v1/settings', { token: h.tokens.owner, body: '{"api_secret_key":"Qz7#x"}' });
  assert.equal(answer.status, 422);
  assert.deepEqual((answer.json as { errors: unknown }).errors, [{ field: 'api_secret_key', message: 'must be empty or at least 6 characters' }]);
  assert.equal(answer.text.includes('Qz7#x'), false);
  assert.equal(log.lines.join('').includes('Qz7#x'), false);
  assert.equal(await secret(h, 'api_secret_key'), 'secret');
});

test('allow_api turned off is obeyed by the Kolmisoft API at once, and on again', async (t) => {
  const h = await adminHarness(t, { users: alice });
  assertAnswer(await post(h, signed('alice')), balanceXml('26.00'));
  assert.equal((await h.as.owner.PATCH('/admin/v1/settings', { body: { allow_api: false } })).response.status, 200);
  assertAnswer(await post(h, signed('alice')), API_DISABLED);
  assert.equal((await h.as.owner.PATCH('/admin/v1/settings', { body: { allow_api: true } })).response.status, 200);
  assertAnswer(await post(h, signed('alice')), balanceXml('26.00'));
});

test('rotating api_secret_key refuses the old hash at once and accepts one made with the new key, which the answer does not hold', async (t) => {
  const log = memoryLogger();
  const h = await adminHarness(t, { users: alice, logger: log.logger });
  const answer = await adminRequest(h, 'POST', '/admin/v1/settings/secrets/api_secret_key/rotate', { token: h.tokens.owner });
  assert.equal(answer.status, 200);
  assert.equal(answer.text, '{"name":"api_secret_key","rotated":true,"step":"replaced","previous_accepted":false}');
  assertAnswer(await post(h, signed('alice')), BAD_HASH);
  const key = await secret(h, 'api_secret_key');
  assert.notEqual(key, 'secret');
  const hash = createHash('sha1').update(`alice${key}`, 'utf8').digest('hex');
  assertAnswer(await post(h, { username: 'alice', hash }), balanceXml('26.00'));
  const [audit] = await h.operator.audit(1);
  assert.deepEqual([audit?.action, audit?.actor], ['settings.rotate_key', 'owner1']);
  assert.equal(JSON.stringify(await h.operator.audit()).includes(key), false, 'the audit log holds no key');
  assert.equal(log.lines.join('').includes(key), false, 'no log line holds the key');
});

test('signature_key rotates in two steps: a new key beside the old one, then the end of the overlap', async (t) => {
  const h = await adminHarness(t);
  const before = await secret(h, 'signature_key');
  const rotate = () => h.as.owner.POST('/admin/v1/settings/secrets/{name}/rotate', { params: { path: { name: 'signature_key' } } });
  const started = await rotate();
  assert.deepEqual([started.response.status, started.data], [200, { name: 'signature_key', rotated: true, step: 'started', previous_accepted: true }]);
  const after = await secret(h, 'signature_key');
  assert.notEqual(after, before);
  assert.deepEqual(await currentSettings(h), { ...INITIAL, signature_key_previous: { set: true } });
  const ended = await rotate();
  assert.deepEqual(ended.data, { name: 'signature_key', rotated: true, step: 'ended', previous_accepted: false });
  assert.equal(await secret(h, 'signature_key'), after);
  assert.deepEqual(await currentSettings(h), INITIAL);
  assert.equal(JSON.stringify(await h.operator.audit()).includes(after), false);
});

test('a key path naming anything but api_secret_key or signature_key is a 404, another setting included', async (t) => {
  const h = await adminHarness(t);
  for (const name of ['allow_api', 'signature_key_previous', 'no_such_key']) {
    for (const [method, path] of [['GET', `/admin/v1/settings/secrets/${name}`], ['POST', `/admin/v1/settings/secrets/${name}/rotate`]] as const) {
      const answer = await adminRequest(h, method, path, { token: h.tokens.owner });
      assert.equal(answer.status, 404, `${method} ${path}`);
      assert.equal(
        (answer.json as { detail: string }).detail,
        `"${name}" is not a key one can read or rotate here: the keys are api_secret_key and signature_key`,
      );
    }
  }
  assert.deepEqual(await currentSettings(h), INITIAL);
});
