/**
 * Settings and their keys (spec admin-api.md section 4): read them all, change any set of them
 * at once, read a key, rotate a key. A change is obeyed by this node at once (its live config is
 * refreshed before the answer) and by every other node within one poll (250 ms).
 */
import Type from 'typebox';
import { AdminError } from '../../admin/admin-error.js';
import { getSetting, listSettings, rotateKey, setSettings } from '../../admin/settings.js';
import { operation } from '../operation.js';
import { settingsView, SettingsChangeSchema, SettingsSchema, settingTexts } from '../settings-view.js';

/** The keys an owner may read and rotate. signature_key_previous is only the old key of an overlap, which clients already hold. */
export const READABLE_SECRETS = ['api_secret_key', 'signature_key'] as const;
type ReadableSecret = (typeof READABLE_SECRETS)[number];

const SecretParams = Type.Object(
  { name: Type.String({ description: '`api_secret_key` or `signature_key`.', examples: ['api_secret_key'] }) },
  { additionalProperties: false },
);

/**
 * A path naming anything but a readable key, another setting included, names no resource here:
 * 404, as for any other unknown path segment.
 */
function secretName(text: string): ReadableSecret {
  const name = READABLE_SECRETS.find((candidate) => candidate === text);
  if (name === undefined) throw new AdminError('not_found', { entity: 'setting', field: 'name', value: text, reason: 'not_rotatable' });
  return name;
}

const RotationSchema = Type.Object(
  {
    name: Type.Enum([...READABLE_SECRETS]),
    rotated: Type.Literal(true),
    step: Type.Enum(['replaced', 'started', 'ended'], {
      description:
        '`replaced`: a new api_secret_key, the old one refused at once. `started`: a new signature_key; the old one (if there was one) is still accepted until the next rotation ends the overlap. `ended`: the overlap ended, only the current signature_key is accepted.',
    }),
    previous_accepted: Type.Boolean({ description: 'True while an old signature key is still accepted beside the new one.' }),
  },
  { additionalProperties: false, description: 'What the rotation did; never the key (read it with GET /admin/v1/settings/secrets/{name}).' },
);

export const settingsOperations = [
  operation({
    id: 'listSettings',
    method: 'GET',
    path: '/admin/v1/settings',
    access: 'viewer',
    tag: 'Settings',
    summary: 'Every setting',
    description:
      "Every setting of `tally settings list`, keyed by name, each as the server obeys it (a setting missing from the database reads as the safe value the server falls back to). Keys (`api_secret_key`, `signature_key`, `signature_key_previous`) only as `{\"set\":true|false}`. Each property's description says whether it is Kolmisoft's setting (and its Kolmisoft name) or Tally's own.",
    answers: { 200: { description: 'The settings.', schema: SettingsSchema } },
    problems: [],
    async handle({ deps }) {
      return { status: 200, json: settingsView(await listSettings(deps.store)) };
    },
  }),
  operation({
    id: 'updateSettings',
    method: 'PATCH',
    path: '/admin/v1/settings',
    access: 'owner',
    tag: 'Settings',
    summary: 'Change settings',
    description:
      'Any subset of the settings, each of the type GET answers it in; a key is given as its new value (a string) and is never answered back. Every value is checked first and all are written in one transaction: one bad value changes nothing (422 naming it, with the reason). This node obeys the change before answering; every other node within 250 ms. Answers every setting, as GET.',
    body: SettingsChangeSchema,
    example: { allow_get_api: true, number_digits: 4, trusted_proxies: ['10.0.0.0/8'] },
    answers: { 200: { description: 'Every setting, after the change.', schema: SettingsSchema } },
    problems: ['invalid', 'malformed', 'unsupported_media_type', 'payload_too_large'],
    async handle({ body, actor, deps }) {
      await setSettings(deps.store, settingTexts(body as Record<string, unknown>), actor);
      await deps.liveConfig.refresh();
      return { status: 200, json: settingsView(await listSettings(deps.store)), outcome: 'settings_set' };
    },
  }),
  operation({
    id: 'getSecret',
    method: 'GET',
    path: '/admin/v1/settings/secrets/{name}',
    access: 'owner',
    tag: 'Settings',
    summary: 'Read a key',
    description:
      'The value of `api_secret_key` (appended to every Kolmisoft hash) or `signature_key` (of HMAC request signatures), as `tally settings get NAME` prints it. Any other name, another setting included, is a 404.',
    params: SecretParams,
    answers: {
      200: {
        description: 'The key.',
        schema: Type.Object({ name: Type.Enum([...READABLE_SECRETS]), value: Type.String({ description: 'Empty when the key is not set.' }) }, { additionalProperties: false }),
        example: { name: 'api_secret_key', value: 'q8Vd2mXr7Lp0sWk3' },
      },
    },
    problems: ['not_found'],
    async handle({ params, deps }) {
      const setting = await getSetting(deps.store, secretName(params.name));
      return { status: 200, json: { name: setting.name, value: setting.stored ?? '' }, outcome: 'secret_read' };
    },
  }),
  operation({
    id: 'rotateSecret',
    method: 'POST',
    path: '/admin/v1/settings/secrets/{name}/rotate',
    access: 'owner',
    tag: 'Settings',
    summary: 'Rotate a key',
    description:
      'As `tally settings rotate-key NAME`. `api_secret_key`: a new random key at once, the old one refused from this answer on (every client needs the new one). `signature_key` rotates in two steps, so that no moment accepts neither key: a first call makes a new key while the old one is still accepted, a second call ends the overlap. The answer never holds the key: read it with GET /admin/v1/settings/secrets/{name}. Any other name is a 404.',
    params: SecretParams,
    answers: {
      200: { description: 'What the rotation did.', schema: RotationSchema, example: { name: 'signature_key', rotated: true, step: 'started', previous_accepted: true } },
    },
    problems: ['not_found'],
    async handle({ params, actor, deps }) {
      const rotation = await rotateKey(deps.store, secretName(params.name), actor);
      await deps.liveConfig.refresh();
      const json =
        rotation.kind === 'ended'
          ? { name: rotation.name, rotated: true, step: 'ended', previous_accepted: false }
          : { name: rotation.name, rotated: true, step: rotation.name === 'api_secret_key' ? 'replaced' : 'started', previous_accepted: rotation.overlapping };
      return { status: 200, json, outcome: 'key_rotated' };
    },
  }),
];
