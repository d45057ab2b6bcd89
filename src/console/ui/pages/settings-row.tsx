/**
 * One row of the Settings page: a setting's label, the control its value's type calls for
 * (read-only for a role that may not change it), the API's name for it, and the API's message
 * when a save refused it. Keys are KeySetting's (settings-keys.tsx).
 */
import { useId, type ReactNode } from 'react';
import { apiValue, describeValue, formValue, isKey, sameValue, type KnownSetting, type SettingsValues } from './settings-catalogue.js';
import { KeySetting } from './settings-keys.js';

export type Draft = Readonly<Record<string, boolean | string>>;

/** One setting: its label, control (by the value's type), the API's name, and any message of the API about it. */
export function SettingRow({ name, known, settings, draft, owner, error, onEdit, onRotated, ownKey, onOwnKey }: {
  name: string;
  known: KnownSetting | undefined;
  settings: SettingsValues;
  draft: Draft;
  owner: boolean;
  error: string | undefined;
  onEdit(name: string, value: boolean | string): void;
  onRotated(): void;
  ownKey: string;
  onOwnKey(value: string): void;
}) {
  const id = useId();
  const current = settings[name]!;
  const label = known?.label ?? name;
  const meta = (
    <p className="setting-name small">
      <code>{name}</code>
      {known?.kolmisoftName !== undefined ? ` · Kolmisoft: ${known.kolmisoftName}` : known !== undefined ? " · Tally's own" : ''}
    </p>
  );

  if (isKey(current)) {
    const previous = settings.signature_key_previous;
    return (
      <KeySetting name={name} label={label} hint={known?.hint ?? 'A key: only whether it is set is shown.'} meta={meta} set={current.set} owner={owner} overlapping={isKey(previous) && previous.set} onRotated={onRotated}>
        {name === 'api_secret_key' && owner && (
          <OwnKeyField value={ownKey} onChange={onOwnKey} error={error} />
        )}
      </KeySetting>
    );
  }

  const value = draft[name] ?? formValue(current);
  const edited = !sameValue(apiValue(value, current), current);
  const describedBy = [`${id}-hint`, `${id}-meta`, ...(name === 'disable_hash_checking' ? [`${id}-warning`] : []), ...(error !== undefined ? [`${id}-error`] : [])].join(' ');
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': error !== undefined || undefined };
  const tag = edited && <span className="changed-tag">unsaved</span>;
  let control: ReactNode;
  if (typeof current === 'boolean') {
    control = (
      <div className="checkbox">
        <input type="checkbox" {...common} checked={value === true} disabled={!owner} onChange={(event) => onEdit(name, event.target.checked)} />
        <label htmlFor={id}>{label}</label>
        {tag}
      </div>
    );
  } else {
    const input =
      known?.options !== undefined ? (
        <select {...common} value={String(value)} disabled={!owner} onChange={(event) => onEdit(name, event.target.value)}>
          {known.options.map(([option, text]) => (
            <option key={option} value={option}>
              {text}
            </option>
          ))}
        </select>
      ) : Array.isArray(current) ? (
        <textarea {...common} rows={3} value={String(value)} readOnly={!owner} spellCheck={false} onChange={(event) => onEdit(name, event.target.value)} />
      ) : (
        <input
          type="text"
          {...common}
          className={typeof current === 'number' ? 'narrow' : undefined}
          inputMode={typeof current === 'number' ? 'numeric' : undefined}
          autoComplete="off"
          value={String(value)}
          readOnly={!owner}
          onChange={(event) => onEdit(name, event.target.value)}
        />
      );
    control = (
      <>
        <div className="setting-label">
          <label htmlFor={id}>{label}</label>
          {tag}
        </div>
        {input}
      </>
    );
  }

  return (
    <div className="setting">
      {control}
      {error !== undefined && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
      <p id={`${id}-hint`} className="hint small">
        {known?.hint ?? `As the API answers it: ${describeValue(current)}.`}
      </p>
      {name === 'disable_hash_checking' && <HashCheckingWarning id={`${id}-warning`} inForce={current === true} checked={value === true} />}
      <div id={`${id}-meta`}>{meta}</div>
    </div>
  );
}

/** What turning hash checking off exposes, said beside the switch before and after it is turned. */
function HashCheckingWarning({ id, inForce, checked }: { id: string; inForce: boolean; checked: boolean }) {
  const exposure = 'anyone who can reach the API can read and change balances without the key';
  const text = inForce && checked ? `Hash checking is disabled now: ${exposure}.` : checked ? `Once saved, ${exposure}.` : `Warning: when this is on, ${exposure}.`;
  return (
    <p id={id} className={`setting-warning${checked ? ' setting-warning-on' : ''}`}>
      {text}
    </p>
  );
}

/** A key typed in by the owner instead of a random one: Kolmisoft's key field, for a move-over. */
function OwnKeyField({ value, onChange, error }: { value: string; onChange(value: string): void; error: string | undefined }) {
  const id = useId();
  return (
    <div className="field own-key">
      <label htmlFor={id}>New API Secret Key</label>
      <input
        id={id}
        type="password"
        autoComplete="new-password"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={`${id}-hint${error !== undefined ? ` ${id}-error` : ''}`}
        aria-invalid={error !== undefined || undefined}
      />
      {error !== undefined && (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      )}
      <small id={`${id}-hint`} className="hint">
        To keep the key your clients already use (from Kolmisoft, say): at least 6 characters, saved with the other changes. Empty keeps the current key.
      </small>
    </div>
  );
}
