/**
 * The settings of spec section 7 and Tally's own: reading them, changing any set of them at
 * once (all or none), and rotating keys, each change one writeSettings call.
 */
import type { Actor } from '../domain/actor.js';
import { isSecretSetting, isSettingName, normalizeSettingValue, SETTING_DEFINITIONS, SETTING_NAMES, type SettingName } from '../domain/settings.js';
import { newSecretKey } from '../domain/tokens.js';
import type { Store } from '../store/store.js';
import { AdminError, invalid } from './admin-error.js';

export interface SettingValue {
  readonly name: SettingName;
  /** The stored text; undefined when the database lacks the setting (it was never completed). */
  readonly stored: string | undefined;
  /** A key: listed only as set or empty, shown only when asked for by name. */
  readonly secret: boolean;
  readonly description: string;
  /** Kolmisoft's name for the same setting ('' for Tally's own). */
  readonly kolmisoftName: string;
}

/** Every setting, in the catalogue's order. */
export async function listSettings(store: Store): Promise<readonly SettingValue[]> {
  const stored = await store.readSettings();
  return SETTING_NAMES.map((name) => settingValue(name, stored.get(name)));
}

/** One setting by name, a key's value included; AdminError not_initialized when it is missing. */
export async function getSetting(store: Store, nameText: string): Promise<SettingValue> {
  const name = readSettingName(nameText);
  const stored = (await store.readSettings()).get(name);
  if (stored === undefined) throw new AdminError('not_initialized', { entity: 'setting', field: 'name', value: name });
  return settingValue(name, stored);
}

/**
 * Changes every setting given, checked first and written in one transaction: all of them or
 * none. Returns the stored texts.
 */
export async function setSettings(store: Store, values: Readonly<Record<string, string>>, by: Actor): Promise<ReadonlyMap<SettingName, string>> {
  const entries = Object.entries(values);
  if (entries.length === 0) throw new AdminError('invalid', { entity: 'setting', reason: 'nothing_to_change' });
  const normalized = new Map<SettingName, string>();
  for (const [nameText, value] of entries) {
    const name = readSettingName(nameText);
    const checked = normalizeSettingValue(name, value);
    // A key's value is never echoed, not even a refused one.
    if (!checked.ok) throw invalid({ entity: 'setting', field: name, reason: 'syntax', detail: checked.reason, ...(!isSecretSetting(name) && { value }) });
    normalized.set(name, checked.stored);
  }
  await store.writeSettings(normalized, by, 'settings.set');
  return normalized;
}

/** The settings whose key can be rotated. */
export const ROTATABLE_KEYS = ['signature_key', 'api_secret_key'] as const;
export type RotatableKey = (typeof ROTATABLE_KEYS)[number];

export type KeyRotation =
  /** A new key. `overlapping`: the old signature key stays accepted until the next rotation ends it. */
  | { readonly kind: 'started'; readonly name: RotatableKey; readonly key: string; readonly overlapping: boolean }
  /** The overlap of a signature key rotation ended: only the current key is accepted. */
  | { readonly kind: 'ended'; readonly name: 'signature_key' };

/**
 * One step of a key rotation, as one writeSettings call. The signature key rotates in two
 * steps (a new key while the old one is still accepted, then the end of the overlap), so no
 * moment accepts neither; the API secret key is replaced at once (Kolmisoft's hash has one key).
 */
export async function rotateKey(store: Store, nameText: string, by: Actor): Promise<KeyRotation> {
  const name = ROTATABLE_KEYS.find((candidate) => candidate === nameText);
  if (name === undefined) throw invalid({ entity: 'setting', field: 'name', value: nameText, reason: 'not_rotatable' });
  if (name === 'api_secret_key') {
    const key = newSecretKey();
    await store.writeSettings(new Map([['api_secret_key', key]]), by, 'settings.rotate_key');
    return { kind: 'started', name, key, overlapping: false };
  }
  const stored = await store.readSettings();
  if ((stored.get('signature_key_previous') ?? '') !== '') {
    await store.writeSettings(new Map([['signature_key_previous', '']]), by, 'settings.rotate_key');
    return { kind: 'ended', name };
  }
  const current = stored.get('signature_key') ?? '';
  const key = newSecretKey();
  const values = new Map<string, string>(current === '' ? [] : [['signature_key_previous', current]]);
  values.set('signature_key', key);
  await store.writeSettings(values, by, 'settings.rotate_key');
  return { kind: 'started', name, key, overlapping: current !== '' };
}

function readSettingName(text: string): SettingName {
  if (!isSettingName(text)) throw invalid({ entity: 'setting', field: 'name', value: text, reason: 'unknown' });
  return text;
}

function settingValue(name: SettingName, stored: string | undefined): SettingValue {
  const definition = SETTING_DEFINITIONS[name];
  return { name, stored, secret: isSecretSetting(name), description: definition.description, kolmisoftName: definition.kolmisoftName };
}
