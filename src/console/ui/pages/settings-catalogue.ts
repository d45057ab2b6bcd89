/**
 * What the Settings page knows of each setting the API answers: the words it shows (Kolmisoft's
 * own labels for its API tab) and where. The list of settings itself is the API's answer: a name
 * missing here is still shown, under "Other settings", with a control chosen by its value's type.
 */

/** A value as GET /admin/v1/settings answers it: a key only as whether it is set. */
export type SettingValue = boolean | number | string | readonly string[] | { readonly set: boolean };
export type SettingsValues = Readonly<Record<string, SettingValue>>;

export type SettingGroup = 'kolmisoft' | 'throttling' | 'proxies' | 'signatures' | 'webhooks';

export interface KnownSetting {
  readonly label: string;
  readonly group: SettingGroup;
  readonly hint: string;
  /** Kolmisoft's name of the same setting, for operators moving over. */
  readonly kolmisoftName?: string;
  /** The choices of a setting that takes one word. */
  readonly options?: readonly (readonly [string, string])[];
}

export const GROUPS: readonly { readonly group: SettingGroup; readonly title: string; readonly lead: string }[] = [
  { group: 'kolmisoft', title: 'Kolmisoft API', lead: "Kolmisoft's API tab (Settings → API), under Kolmisoft's own names." },
  { group: 'throttling', title: 'Throttling', lead: "Tally's own: how many failed authentications a client address may make." },
  { group: 'proxies', title: 'Trusted proxies', lead: "Tally's own: which client address a request is counted under." },
  { group: 'signatures', title: 'Request signatures', lead: "Tally's own: an HMAC signature over each request, on top of Kolmisoft's hash." },
  { group: 'webhooks', title: 'Balance alerts and webhooks', lead: 'When balance.low fires, and where events may be delivered (endpoints: tally webhook).' },
];

export const KNOWN_SETTINGS: Readonly<Record<string, KnownSetting>> = {
  allow_api: {
    label: 'Allow API',
    group: 'kolmisoft',
    kolmisoftName: 'Allow_API',
    hint: 'Answer Kolmisoft API requests at all. Off: every request is answered "API Requests are disabled".',
  },
  allow_get_api: {
    label: 'Allow GET API',
    group: 'kolmisoft',
    kolmisoftName: 'Allow_GET_API',
    hint: 'Accept GET as well as POST. A GET carries its parameters in the address, which proxies and logs keep: use POST in production.',
  },
  api_secret_key: {
    label: 'API Secret Key',
    group: 'kolmisoft',
    kolmisoftName: 'API_Secret_Key',
    hint: 'Appended to the values of every hash. Without it the API answers "API must have Secret Key".',
  },
  disable_hash_checking: {
    label: 'Disable hash checking',
    group: 'kolmisoft',
    kolmisoftName: 'API_Disable_hash_checking',
    hint: 'Accept requests without a valid hash.',
  },
  balance_get_enabled: {
    label: 'Balance methods enabled',
    group: 'kolmisoft',
    kolmisoftName: 'Devices_Check_Ballance',
    hint: 'user_balance_get and user_simple_balance_get. Off: they answer "Feature disabled".',
  },
  payments_enabled: {
    label: 'API allow Payments',
    group: 'kolmisoft',
    kolmisoftName: 'API allow Payments',
    hint: 'payment_create makes payments. Off: it answers "Payments are not allowed from API".',
  },
  xml_api_extension: {
    label: 'XML API extension',
    group: 'kolmisoft',
    kolmisoftName: 'XML_API_Extension',
    hint: 'On: answers are sent as text/xml. Off: as text/html, for clients that need it.',
  },
  number_digits: {
    label: 'Number digits',
    group: 'kolmisoft',
    kolmisoftName: 'Nice_Number_Digits',
    hint: 'Fractional digits of the balances the API answers, 0 to 10.',
  },
  auth_failure_limit: {
    label: 'Failed authentications per minute',
    group: 'throttling',
    hint: 'A client address that fails this many times in a minute is answered 429 Too Many Requests. 0 turns throttling off.',
  },
  auth_failure_cooldown: {
    label: 'Throttle cooldown (seconds)',
    group: 'throttling',
    hint: 'How long a throttled address is answered 429, 1 to 86400 seconds.',
  },
  trusted_proxies: {
    label: 'Trusted proxies',
    group: 'proxies',
    hint: 'Load balancers whose X-Forwarded-For is believed: one address or CIDR range a line. Empty: the connecting address is the client.',
  },
  signature_mode: {
    label: 'Signature mode',
    group: 'signatures',
    hint: 'Move clients over with optional (unsigned requests still work, signed ones must be valid), then required.',
    options: [
      ['off', 'Off: signatures are ignored'],
      ['optional', 'Optional: checked when a request carries one'],
      ['required', 'Required: every request must be signed'],
    ],
  },
  signature_key: {
    label: 'Signature key',
    group: 'signatures',
    hint: 'The key of the HMAC request signature; clients need it to sign.',
  },
  signature_key_previous: {
    label: 'Previous signature key',
    group: 'signatures',
    hint: 'The old key, still accepted beside the new one while a rotation is under way.',
  },
  warning_balance: {
    label: 'Warning balance',
    group: 'webhooks',
    kolmisoftName: 'Warning Balance',
    hint: 'balance.low fires once when a balance drops below this amount (empty: never); a user may have their own.',
  },
  webhook_allow_private: {
    label: 'Allow private webhook destinations',
    group: 'webhooks',
    hint: 'Let endpoints be on loopback, link-local and private addresses: off, a webhook cannot reach into your own network.',
  },
};

/** A key: GET answers only whether it is set. */
export function isKey(value: SettingValue | undefined): value is { readonly set: boolean } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function labelOf(name: string): string {
  return KNOWN_SETTINGS[name]?.label ?? name;
}

/** A value as the form edits it: a switch as a boolean, anything else as its text. */
export function formValue(value: SettingValue): boolean | string {
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.join('\n');
  return String(value);
}

/**
 * The form's value in the type the API takes, `current` telling which. A count that is not a
 * whole number is sent as typed, so that the API, which owns the rules, names the field.
 */
export function apiValue(edited: boolean | string, current: SettingValue): SettingValue {
  if (typeof current === 'boolean') return edited === true;
  const text = String(edited);
  if (typeof current === 'number') return /^\s*-?\d{1,15}\s*$/.test(text) ? Number(text) : text;
  if (Array.isArray(current)) return text.split(/[\s,]+/).filter((entry) => entry !== '');
  return text;
}

export function sameValue(a: SettingValue, b: SettingValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A value in a sentence: "on", "off", "none", "10.0.0.0/8, 192.168.1.10". */
export function describeValue(value: SettingValue): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  if (isKey(value)) return value.set ? 'set' : 'not set';
  return String(value) === '' ? '(empty)' : String(value);
}
