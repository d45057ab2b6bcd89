/**
 * The settings catalogue: spec section 7's Kolmisoft settings, then Tally's own hardening
 * settings (throttling, proxies, request signatures). Names, types, initial values, validation.
 */
import { formatMoney, parseMoney, parseStoredMoney } from './money.js';
import { parseProxyList } from './proxies.js';

export interface Settings {
  readonly allowApi: boolean;
  readonly allowGetApi: boolean;
  /** Empty, or at least 6 characters. Never logged. */
  readonly apiSecretKey: string;
  readonly disableHashChecking: boolean;
  readonly balanceGetEnabled: boolean;
  /** payment_create may make payments (Kolmisoft's "API allow Payments"). */
  readonly paymentsEnabled: boolean;
  readonly xmlApiExtension: boolean;
  /** 0 to 10. */
  readonly numberDigits: number;
  /** Failed authentications a client address may make in a minute; 0 turns throttling off. */
  readonly authFailureLimit: number;
  /** How long a throttled address is answered 429. */
  readonly authFailureCooldownSeconds: number;
  /** Addresses and CIDR ranges of load balancers whose X-Forwarded-For is believed. */
  readonly trustedProxies: readonly string[];
  readonly signatureMode: SignatureMode;
  /** The signing keys accepted: the current one, then the previous one during a rotation. Never logged. */
  readonly signatureKeys: readonly string[];
  /** The global warning balance in millionths (balance.low), undefined when none is set. */
  readonly warningBalance: bigint | undefined;
  /** Webhooks may be sent to loopback, link-local and private addresses (off: a webhook is no way into the operator's network). */
  readonly webhookAllowPrivate: boolean;
}

export const SIGNATURE_MODES = ['off', 'optional', 'required'] as const;
/** off: ignored; optional: checked when a request carries one; required: every request must. */
export type SignatureMode = (typeof SIGNATURE_MODES)[number];

type Kind = 'bool' | 'secret' | 'digits' | 'count' | 'seconds' | 'proxies' | 'signature_mode' | 'money_or_empty';

interface SettingDefinition {
  readonly kind: Kind;
  /** Kolmisoft's name for the same setting, for operators moving over ('' for Tally's own). */
  readonly kolmisoftName: string;
  readonly description: string;
  /** Stored text after `tally init`. */
  readonly initial: string;
  /** `tally init` stores a fresh random key instead of `initial`. */
  readonly generated?: boolean;
}

export const SETTING_DEFINITIONS = {
  allow_api: { kind: 'bool', kolmisoftName: 'Allow_API', description: 'Answer API requests at all', initial: '1' },
  allow_get_api: { kind: 'bool', kolmisoftName: 'Allow_GET_API', description: 'Accept GET as well as POST', initial: '0' },
  api_secret_key: { kind: 'secret', kolmisoftName: 'API_Secret_Key', description: 'Key appended to every hash', initial: '', generated: true },
  disable_hash_checking: { kind: 'bool', kolmisoftName: 'API_Disable_hash_checking', description: 'Accept requests without a valid hash', initial: '0' },
  balance_get_enabled: { kind: 'bool', kolmisoftName: 'Devices_Check_Ballance', description: 'Enable the balance methods', initial: '1' },
  payments_enabled: { kind: 'bool', kolmisoftName: 'API allow Payments', description: 'Allow payment_create to make payments', initial: '0' },
  xml_api_extension: { kind: 'bool', kolmisoftName: 'XML_API_Extension', description: 'Content-Type text/xml (on) or text/html (off)', initial: '1' },
  number_digits: { kind: 'digits', kolmisoftName: 'Nice_Number_Digits', description: 'Fractional digits in balances (0-10)', initial: '2' },
  auth_failure_limit: { kind: 'count', kolmisoftName: '', description: 'Failed authentications per client and minute before 429 (0: off)', initial: '20' },
  auth_failure_cooldown: { kind: 'seconds', kolmisoftName: '', description: 'Seconds a throttled client is answered 429', initial: '60' },
  trusted_proxies: { kind: 'proxies', kolmisoftName: '', description: 'Load balancers whose X-Forwarded-For is believed (addresses, CIDRs)', initial: '' },
  signature_mode: { kind: 'signature_mode', kolmisoftName: '', description: 'HMAC request signatures: off, optional or required', initial: 'off' },
  signature_key: { kind: 'secret', kolmisoftName: '', description: 'Key of the HMAC request signature', initial: '', generated: true },
  signature_key_previous: { kind: 'secret', kolmisoftName: '', description: 'Old signing key, accepted until a rotation ends', initial: '' },
  warning_balance: {
    kind: 'money_or_empty',
    kolmisoftName: 'Warning Balance',
    description: 'balance.low fires when a balance drops below this (empty: none; a user may set their own)',
    initial: '',
  },
  webhook_allow_private: {
    kind: 'bool',
    kolmisoftName: '',
    description: 'Allow webhook endpoints on loopback, link-local and private addresses',
    initial: '0',
  },
} as const satisfies Record<string, SettingDefinition>;

export type SettingName = keyof typeof SETTING_DEFINITIONS;
export const SETTING_NAMES = Object.keys(SETTING_DEFINITIONS) as SettingName[];

export const MIN_SECRET_KEY_LENGTH = 6;
export const MAX_NUMBER_DIGITS = 10;
const MAX_COUNT = 1_000_000;
const MAX_SECONDS = 86_400;

/** True for settings whose value is a key: never listed, never logged. */
export function isSecretSetting(name: SettingName): boolean {
  return SETTING_DEFINITIONS[name].kind === 'secret';
}

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
    case 'count':
      if (!/^\d{1,7}$/.test(value) || Number(value) > MAX_COUNT)
        return { ok: false, reason: `${name} must be a whole number from 0 to ${MAX_COUNT}` };
      return { ok: true, stored: String(Number(value)) };
    case 'seconds':
      if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > MAX_SECONDS)
        return { ok: false, reason: `${name} must be a whole number of seconds from 1 to ${MAX_SECONDS}` };
      return { ok: true, stored: String(Number(value)) };
    case 'proxies': {
      const proxies = parseProxyList(value);
      if (!proxies.ok) return { ok: false, reason: `${name}: ${proxies.reason}` };
      return { ok: true, stored: proxies.entries.join(',') };
    }
    case 'signature_mode': {
      const mode = SIGNATURE_MODES.find((candidate) => candidate === value.toLowerCase());
      if (mode === undefined) return { ok: false, reason: `${name} takes ${SIGNATURE_MODES.join(', ')}` };
      return { ok: true, stored: mode };
    }
    case 'money_or_empty': {
      if (value === '') return { ok: true, stored: '' };
      const amount = parseMoney(value);
      if (!amount.ok) return { ok: false, reason: `${name} must be empty or an amount such as 5 or 2.50` };
      return { ok: true, stored: formatMoney(amount.value) };
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
  const whole = (name: SettingName, min: number, max: number, fallback: number): number => {
    const value = Number(stored.get(name));
    return stored.has(name) && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
  };
  const proxies = parseProxyList(stored.get('trusted_proxies') ?? '');
  // A damaged mode reads as required: a deployment that asked for signatures never loses them.
  const mode = stored.get('signature_mode') ?? 'off';
  const signatureKeys = [stored.get('signature_key') ?? '', stored.get('signature_key_previous') ?? ''].filter((key) => key !== '');
  return Object.freeze({
    allowApi: bool('allow_api', false),
    allowGetApi: bool('allow_get_api', false),
    apiSecretKey: stored.get('api_secret_key') ?? '',
    disableHashChecking: bool('disable_hash_checking', false),
    balanceGetEnabled: bool('balance_get_enabled', false),
    paymentsEnabled: bool('payments_enabled', false),
    xmlApiExtension: bool('xml_api_extension', true),
    numberDigits: Number.isInteger(digits) && digits >= 0 && digits <= MAX_NUMBER_DIGITS ? digits : 2,
    authFailureLimit: whole('auth_failure_limit', 0, MAX_COUNT, 20),
    authFailureCooldownSeconds: whole('auth_failure_cooldown', 1, MAX_SECONDS, 60),
    trustedProxies: proxies.ok ? proxies.entries : [],
    signatureMode: SIGNATURE_MODES.find((candidate) => candidate === mode) ?? 'required',
    signatureKeys,
    warningBalance: storedWarningBalance(stored.get('warning_balance')),
    webhookAllowPrivate: bool('webhook_allow_private', false),
  });
}

/** The stored global warning balance in millionths; empty, missing or damaged reads as none. */
export function storedWarningBalance(stored: string | undefined): bigint | undefined {
  return stored === undefined || stored === '' ? undefined : parseStoredMoney(stored);
}
