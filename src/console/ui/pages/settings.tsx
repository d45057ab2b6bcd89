/**
 * Settings: Kolmisoft's API tab and Tally's own settings, as GET /admin/v1/settings answers them.
 * An owner edits them in one form and saves the change as a whole with one PATCH (all or
 * nothing); the API's message for a refused value is shown next to its field. Other roles read
 * the values only. Every setting the API answers is on the page: one this page has no words for
 * is shown under "Other settings".
 */
import { useEffect, useState, type FormEvent } from 'react';
import { allows, api, problemText } from '../api.js';
import { LoadState, Notice, OutcomeNotice, Page, useLoad, type Outcome } from '../components.js';
import { useSession } from '../session.js';
import { apiValue, describeValue, GROUPS, isKey, KNOWN_SETTINGS, labelOf, sameValue, type SettingValue, type SettingsValues } from './settings-catalogue.js';
import { SettingRow, type Draft } from './settings-row.js';

interface Change {
  readonly name: string;
  readonly before: SettingValue;
  readonly after: SettingValue;
}

/** The edits that differ from the values in force (an edit back to the same value is none). */
function changesOf(settings: SettingsValues, draft: Draft): Change[] {
  return Object.entries(draft).flatMap(([name, edited]) => {
    const before = settings[name];
    if (before === undefined || isKey(before)) return [];
    const after = apiValue(edited, before);
    return sameValue(before, after) ? [] : [{ name, before, after }];
  });
}

export function SettingsPage() {
  const { operator } = useSession();
  const owner = allows(operator.role, 'owner');
  const loaded = useLoad(() => api.GET('/admin/v1/settings'), []);
  const [settings, setSettings] = useState<SettingsValues | undefined>(undefined);
  const [draft, setDraft] = useState<Draft>({});
  // A key of the owner's choosing (one moved over from Kolmisoft); write-only, empty keeps the key.
  const [ownKey, setOwnKey] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Readonly<Record<string, string>>>({});
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const [saving, setSaving] = useState(false);
  const [refusals, setRefusals] = useState(0);

  useEffect(() => {
    if (loaded.data !== undefined) setSettings(loaded.data as SettingsValues);
  }, [loaded.data]);

  // After a refused save, the first field the API named gets the focus (its message is next to it).
  useEffect(() => {
    if (refusals > 0) document.querySelector<HTMLElement>('form.settings-form [aria-invalid="true"]')?.focus();
  }, [refusals]);

  const changes = settings === undefined ? [] : changesOf(settings, draft);
  const changed = changes.length > 0 || ownKey !== '';

  function edit(name: string, value: boolean | string) {
    setDraft((previous) => ({ ...previous, [name]: value }));
    setFieldErrors(({ [name]: _, ...others }) => others);
  }

  function discard() {
    setDraft({});
    setOwnKey('');
    setFieldErrors({});
    setOutcome(undefined);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!changed || saving) return;
    const body: Record<string, SettingValue> = Object.fromEntries(changes.map((change) => [change.name, change.after]));
    if (ownKey !== '') body.api_secret_key = ownKey;
    setSaving(true);
    setOutcome(undefined);
    try {
      // The body is what the reader typed, in the API's types: the API checks every value, and one bad value changes nothing.
      const { data, error } = await api.PATCH('/admin/v1/settings', { body: body as never });
      if (data !== undefined) {
        setSettings(data as SettingsValues);
        setDraft({});
        setOwnKey('');
        setFieldErrors({});
        const said = changes.map((change) => `${labelOf(change.name)} ${describeValue(change.before)} → ${describeValue(change.after)}`);
        if (ownKey !== '') said.push('API Secret Key replaced by the key given');
        setOutcome({
          tone: 'ok',
          text: `Saved: ${said.join('; ')}. The change is live: this node obeys it already, every other node within a second.`,
        });
      } else {
        const problem = error as { errors?: readonly { field: string; message: string }[] };
        setFieldErrors(Object.fromEntries((problem.errors ?? []).map((field) => [field.field, field.message])));
        setRefusals((n) => n + 1);
        setOutcome({ tone: 'error', text: `Nothing was changed. ${problemText(error)}` });
      }
    } catch (error) {
      setOutcome({ tone: 'error', text: `${problemText(error)} Reload the page to see whether the change was made.` });
    } finally {
      setSaving(false);
    }
  }

  const names = settings === undefined ? [] : Object.keys(settings);
  const others = names.filter((name) => KNOWN_SETTINGS[name] === undefined);
  const row = (name: string) =>
    settings === undefined ? null : (
      <SettingRow
        key={name}
        name={name}
        known={KNOWN_SETTINGS[name]}
        settings={settings}
        draft={draft}
        owner={owner}
        error={fieldErrors[name]}
        onEdit={edit}
        onRotated={loaded.reload}
        ownKey={ownKey}
        onOwnKey={(value) => {
          setOwnKey(value);
          setFieldErrors(({ api_secret_key: _, ...rest }) => rest);
        }}
      />
    );

  return (
    <Page title="Settings" lead="How the Kolmisoft API answers, and Tally's own protections. A change applies to every node without a restart.">
      {!owner && <Notice tone="info">Only an owner can change settings; you are signed in as {operator.role}, so they are shown read-only.</Notice>}
      <LoadState loaded={{ ...loaded, data: settings }}>
        <form className="settings-form" onSubmit={(event) => void save(event)} noValidate aria-label="Settings">
          {GROUPS.map(({ group, title, lead }) => {
            const members = names.filter((name) => KNOWN_SETTINGS[name]?.group === group);
            return (
              members.length > 0 && (
                <section key={group} aria-labelledby={`group-${group}`}>
                  <h2 id={`group-${group}`}>{title}</h2>
                  <p className="muted small">{lead}</p>
                  {members.map(row)}
                </section>
              )
            );
          })}
          {others.length > 0 && (
            <section aria-labelledby="group-other">
              <h2 id="group-other">Other settings</h2>
              <p className="muted small">Settings this console has no description for yet, as the API answers them.</p>
              {others.map(row)}
            </section>
          )}
          {owner && (
            <div className="save-bar">
              <OutcomeNotice outcome={outcome} />
              <p className="save-state" aria-live="polite">
                {changed ? `Unsaved changes: ${[...changes.map((change) => labelOf(change.name)), ...(ownKey !== '' ? ['API Secret Key'] : [])].join(', ')}.` : 'No unsaved changes.'}
              </p>
              <div className="actions">
                <button type="submit" className="primary" disabled={!changed || saving}>
                  {saving ? 'Saving…' : 'Save changes'}
                </button>
                <button type="button" onClick={discard} disabled={!changed || saving}>
                  Discard
                </button>
              </div>
            </div>
          )}
        </form>
      </LoadState>
    </Page>
  );
}
