/**
 * The settings as the admin API shows and takes them: one JSON type per setting, the same in
 * GET's answer and PATCH's body (switches as booleans, counts as integers, the proxy list as an
 * array of strings, the signature mode as its word), except keys: GET shows a key only as
 * `{"set":true|false}`, PATCH takes the new key as a string. Built from the catalogue
 * (domain/settings.ts), so a new setting cannot be left out of the document.
 */
import Type, { type TSchema } from 'typebox';
import type { SettingValue } from '../admin/settings.js';
import { invalid } from '../admin/admin-error.js';
import { formatMoney } from '../domain/money.js';
import { MIN_SECRET_KEY_LENGTH, readSettings, SETTING_DEFINITIONS, SETTING_NAMES, SIGNATURE_MODES, type SettingName, type Settings } from '../domain/settings.js';

type Kind = (typeof SETTING_DEFINITIONS)[SettingName]['kind'];
type SecretName = { [N in SettingName]: (typeof SETTING_DEFINITIONS)[N]['kind'] extends 'secret' ? N : never }[SettingName];
type PlainName = Exclude<SettingName, SecretName>;

/**
 * The value in force of every setting that is not a key, read as the server reads it: a
 * stored value as it is, a missing or damaged one as the safe reading the server falls back to.
 */
const IN_FORCE: { readonly [N in PlainName]: (settings: Settings) => boolean | number | string | readonly string[] } = {
  allow_api: (s) => s.allowApi,
  allow_get_api: (s) => s.allowGetApi,
  disable_hash_checking: (s) => s.disableHashChecking,
  balance_get_enabled: (s) => s.balanceGetEnabled,
  payments_enabled: (s) => s.paymentsEnabled,
  xml_api_extension: (s) => s.xmlApiExtension,
  number_digits: (s) => s.numberDigits,
  auth_failure_limit: (s) => s.authFailureLimit,
  auth_failure_cooldown: (s) => s.authFailureCooldownSeconds,
  trusted_proxies: (s) => s.trustedProxies,
  signature_mode: (s) => s.signatureMode,
  warning_balance: (s) => (s.warningBalance === undefined ? '' : formatMoney(s.warningBalance)),
  webhook_allow_private: (s) => s.webhookAllowPrivate,
};

function kindOf(name: SettingName): Kind {
  return SETTING_DEFINITIONS[name].kind;
}

function isKey(name: SettingName): name is SecretName {
  return kindOf(name) === 'secret';
}

/** The catalogue's meaning, its range, and whose setting it is. */
function describeSetting(name: SettingName, forPatch: boolean): string {
  const definition = SETTING_DEFINITIONS[name];
  const whose = definition.kolmisoftName === '' ? "Tally's own (Kolmisoft has no such setting)." : `Kolmisoft's \`${definition.kolmisoftName}\`.`;
  const range: Partial<Record<Kind, string>> = {
    count: '0 to 1000000.',
    seconds: '1 to 86400.',
    proxies: 'Addresses and CIDR ranges; empty for none.',
    money_or_empty: 'A decimal amount in the system currency, as a string; "" for none.',
    secret: forPatch
      ? `Write-only: the new key, empty or at least ${MIN_SECRET_KEY_LENGTH} characters without control characters ("" clears it).${name === 'signature_key_previous' ? '' : ' Read it with GET /admin/v1/settings/secrets/{name}.'}`
      : 'A key: only whether it is set.',
  };
  return [`${definition.description}.`, range[kindOf(name)], whose].filter((part) => part !== undefined).join(' ');
}

function valueSchema(name: SettingName, forPatch: boolean): TSchema {
  const description = describeSetting(name, forPatch);
  switch (kindOf(name)) {
    case 'bool':
      return Type.Boolean({ description });
    case 'digits':
    case 'count':
    case 'seconds':
      return Type.Integer({ description });
    case 'proxies':
      return Type.Array(Type.String(), { description, examples: [['10.0.0.0/8', '192.168.1.10']] });
    case 'signature_mode':
      return Type.Enum([...SIGNATURE_MODES], { description });
    case 'money_or_empty':
      return Type.String({ description, examples: ['5.0'] });
    case 'secret':
      return forPatch ? Type.String({ description }) : Type.Object({ set: Type.Boolean() }, { additionalProperties: false, description });
  }
}

const EXAMPLE = {
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
} satisfies Record<SettingName, unknown>;

export const SettingsSchema = Type.Object(Object.fromEntries(SETTING_NAMES.map((name) => [name, valueSchema(name, false)])), {
  additionalProperties: false,
  description: 'Every setting by name, as the server obeys it. Keys only as whether they are set.',
  examples: [EXAMPLE],
});

export const SettingsChangeSchema = Type.Object(Object.fromEntries(SETTING_NAMES.map((name) => [name, Type.Optional(valueSchema(name, true))])), {
  additionalProperties: false,
  description: 'Any of the settings, each of the type GET answers it in (a key as its new value, a string).',
});

/** The answer of GET (and PATCH): every setting by name, a key only as whether it is set. */
export function settingsView(all: readonly SettingValue[]): Record<string, unknown> {
  const stored = new Map(all.flatMap((setting) => (setting.stored === undefined ? [] : [[setting.name, setting.stored] as const])));
  const settings = readSettings(stored);
  return Object.fromEntries(all.map(({ name }) => [name, isKey(name) ? { set: (stored.get(name) ?? '') !== '' } : IN_FORCE[name](settings)]));
}

/** PATCH's body as the texts setSettings takes (the CLI's words: `1`/`0`, digits, a comma list). */
export function settingTexts(body: Readonly<Record<string, unknown>>): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'boolean') texts[name] = value ? '1' : '0';
    else if (typeof value === 'number') texts[name] = String(value);
    else if (Array.isArray(value)) {
      // One entry is one address or range: a comma inside would be read as two.
      const entries = value as readonly string[];
      if (entries.some((entry) => entry.includes(','))) throw invalid({ entity: 'setting', field: name, reason: 'syntax', detail: 'each entry is one address or CIDR range, without a comma' });
      texts[name] = entries.join(',');
    } else texts[name] = String(value);
  }
  return texts;
}
