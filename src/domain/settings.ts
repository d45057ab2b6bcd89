/** The settings catalogue of spec section 7: names, types, initial values and validation. */

export interface Settings {
  readonly allowApi: boolean;
  readonly allowGetApi: boolean;
  /** Empty, or at least 6 characters. Never logged. */
  readonly apiSecretKey: string;
  readonly disableHashChecking: boolean;
  readonly balanceGetEnabled: boolean;
  readonly xmlApiExtension: boolean;
  /** 0 to 10. */
  readonly numberDigits: number;
}

type Kind = 'bool' | 'secret' | 'digits';

interface SettingDefinition {
  readonly kind: Kind;
  /** Kolmisoft's name for the same setting, for operators moving over. */
  readonly kolmisoftName: string;
  readonly description: string;
  /** Stored text after `tally init`; the secret key gets a fresh random value instead. */
  readonly initial: string;
}

export const SETTING_DEFINITIONS = {
  allow_api: { kind: 'bool', kolmisoftName: 'Allow_API', description: 'Answer API requests at all', initial: '1' },
  allow_get_api: { kind: 'bool', kolmisoftName: 'Allow_GET_API', description: 'Accept GET as well as POST', initial: '0' },
  api_secret_key: { kind: 'secret', kolmisoftName: 'API_Secret_Key', description: 'Key appended to every hash', initial: '' },
  disable_hash_checking: { kind: 'bool', kolmisoftName: 'API_Disable_hash_checking', description: 'Accept requests without a valid hash', initial: '0' },
  balance_get_enabled: { kind: 'bool', kolmisoftName: 'Devices_Check_Ballance', description: 'Enable the balance methods', initial: '1' },
  xml_api_extension: { kind: 'bool', kolmisoftName: 'XML_API_Extension', description: 'Content-Type text/xml (on) or text/html (off)', initial: '1' },
  number_digits: { kind: 'digits', kolmisoftName: 'Nice_Number_Digits', description: 'Fractional digits in balances (0-10)', initial: '2' },
} as const satisfies Record<string, SettingDefinition>;

export type SettingName = keyof typeof SETTING_DEFINITIONS;
export const SETTING_NAMES = Object.keys(SETTING_DEFINITIONS) as SettingName[];

export const MIN_SECRET_KEY_LENGTH = 6;
export const MAX_NUMBER_DIGITS = 10;

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(SETTING_DEFINITIONS, name);
}

const TRUE_WORDS = new Set(['1', 'true', 'on', 'yes']);
const FALSE_WORDS = new Set(['0', 'false', 'off', 'no']);

/** Reads an on/off word (`1/0`, `true/false`, `on/off`, `yes/no`, any case), or undefined. */
export function parseSwitch(text: string): boolean | undefined {
  const word = text.toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}
// Any text without control characters: a key moved from Kolmisoft must keep working as it is.
const SECRET_SYNTAX = /^[^\u0000-\u001f\u007f-\u009f]*$/u;

/**
 * Validates an operator's value and returns the text to store ('1'/'0' for booleans),
 * or a one-line reason.
 */
export function normalizeSettingValue(
  name: SettingName,
  value: string,
): { ok: true; stored: string } | { ok: false; reason: string } {
  switch (SETTING_DEFINITIONS[name].kind) {
    case 'bool': {
      const on = parseSwitch(value);
      if (on === undefined) return { ok: false, reason: `${name} takes on/off, true/false, yes/no or 1/0` };
      return { ok: true, stored: on ? '1' : '0' };
    }
    case 'secret':
      if (value === '') return { ok: true, stored: '' };
      if ([...value].length < MIN_SECRET_KEY_LENGTH)
        return { ok: false, reason: `${name} must be empty or at least ${MIN_SECRET_KEY_LENGTH} characters` };
      if (!SECRET_SYNTAX.test(value))
        return { ok: false, reason: `${name} cannot contain control characters` };
      return { ok: true, stored: value };
    case 'digits': {
      if (!/^\d{1,2}$/.test(value) || Number(value) > MAX_NUMBER_DIGITS)
        return { ok: false, reason: `${name} must be a whole number from 0 to ${MAX_NUMBER_DIGITS}` };
      return { ok: true, stored: String(Number(value)) };
    }
  }
}

/** How a stored value reads back to an operator. */
export function displaySettingValue(name: SettingName, stored: string): string {
  return SETTING_DEFINITIONS[name].kind === 'bool' ? (stored === '1' ? 'on' : 'off') : stored;
}

/**
 * Builds the typed settings from stored texts. A missing or damaged value falls back to the
 * safest reading (API off, hash checking on), never to a permissive one.
 */
export function readSettings(stored: ReadonlyMap<string, string>): Settings {
  const bool = (name: SettingName, fallback: boolean): boolean => {
    const value = stored.get(name);
    return value === '1' ? true : value === '0' ? false : fallback;
  };
  const digits = Number(stored.get('number_digits'));
  return Object.freeze({
    allowApi: bool('allow_api', false),
    allowGetApi: bool('allow_get_api', false),
    apiSecretKey: stored.get('api_secret_key') ?? '',
    disableHashChecking: bool('disable_hash_checking', false),
    balanceGetEnabled: bool('balance_get_enabled', false),
    xmlApiExtension: bool('xml_api_extension', true),
    numberDigits: Number.isInteger(digits) && digits >= 0 && digits <= MAX_NUMBER_DIGITS ? digits : 2,
  });
}
