/**
 * A key among the settings. GET /admin/v1/settings says only whether it is set; an owner reads it
 * on request ("Show", GET …/secrets/{name}) and rotates it (POST …/secrets/{name}/rotate) after a
 * confirmation: api_secret_key in one step, signature_key in two (start, then end the overlap).
 */
import { useId, useState, type ReactNode } from 'react';
import { api, problemText } from '../api.js';
import { ConfirmDialog, OutcomeNotice, type Outcome } from '../components.js';

/** The keys the API lets an owner read and rotate. */
export type ReadableKey = 'api_secret_key' | 'signature_key';

export function isReadableKey(name: string): name is ReadableKey {
  return name === 'api_secret_key' || name === 'signature_key';
}

interface RotationStep {
  readonly button: string;
  readonly title: string;
  readonly body: string;
  readonly confirm: string;
}

/** What rotating `name` does now; signature_key's step depends on whether an overlap is under way. */
function rotationStep(name: ReadableKey, set: boolean, overlapping: boolean): RotationStep {
  if (name === 'api_secret_key')
    return {
      button: 'Rotate',
      title: 'Rotate the API Secret Key?',
      body: 'A new random key replaces the current one at once, and every request hashed with the old key is answered "Incorrect hash" from then on: every client must be given the new key.',
      confirm: 'Rotate the key',
    };
  if (overlapping)
    return {
      button: 'End rotation',
      title: 'End the signature key rotation?',
      body: 'Only the current signature key is accepted from then on: a request signed with the previous key is refused. End the rotation once every client signs with the new key.',
      confirm: 'End rotation',
    };
  return {
    button: 'Start rotation',
    title: 'Start a signature key rotation?',
    body: set
      ? 'A new signature key is made, and the current one stays accepted beside it until you end the rotation, so no client is refused meanwhile. Give every client the new key, then end the rotation.'
      : 'A signature key is made (there is none now). Give it to every client that signs its requests.',
    confirm: 'Start rotation',
  };
}

type Rotation = { step: 'replaced' | 'started' | 'ended'; previous_accepted: boolean };

function rotatedText(name: ReadableKey, rotation: Rotation): string {
  if (name === 'api_secret_key') return 'The API Secret Key was replaced: the old key is refused from now on. Show the new one to give it to every client.';
  if (rotation.step === 'ended') return 'The rotation ended: only the current signature key is accepted.';
  return rotation.previous_accepted
    ? 'A new signature key is in force; the previous one is still accepted until you end the rotation. Show the new key to give it to every client.'
    : 'A new signature key is in force.';
}

/**
 * A key's row: set or not, and for an owner Show/Hide and the rotation of a readable key.
 * `overlapping` (signature_key only) is whether signature_key_previous is set.
 */
export function KeySetting({ name, label, hint, meta, set, owner, overlapping, onRotated, children }: {
  name: string;
  label: string;
  hint: string;
  meta: ReactNode;
  set: boolean;
  owner: boolean;
  overlapping: boolean;
  onRotated(): void;
  children?: ReactNode;
}) {
  const id = useId();
  const [shown, setShown] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const readable = isReadableKey(name) && owner;
  const step = isReadableKey(name) ? rotationStep(name, set, overlapping) : undefined;

  async function show() {
    if (!isReadableKey(name)) return;
    setBusy(true);
    try {
      const { data, error } = await api.GET('/admin/v1/settings/secrets/{name}', { params: { path: { name } } });
      if (data !== undefined) {
        setShown(data.value);
        setOutcome(undefined);
      } else setOutcome({ tone: 'error', text: problemText(error) });
    } catch (error) {
      setOutcome({ tone: 'error', text: problemText(error) });
    } finally {
      setBusy(false);
    }
  }

  async function rotate() {
    if (!isReadableKey(name)) return;
    setBusy(true);
    try {
      const { data, error } = await api.POST('/admin/v1/settings/secrets/{name}/rotate', { params: { path: { name } } });
      if (data !== undefined) {
        // The key shown is the old one now: hide it rather than show a key that no longer works.
        setShown(undefined);
        setOutcome({ tone: 'ok', text: rotatedText(name, data) });
        onRotated();
      } else setOutcome({ tone: 'error', text: problemText(error) });
    } catch (error) {
      setOutcome({ tone: 'error', text: problemText(error) });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <fieldset className="setting setting-key" aria-describedby={`${id}-hint`}>
      <legend>{label}</legend>
      <p className="key-state">
        {/* Only a missing API Secret Key stops the API; no previous signature key is the usual state. */}
        <span className={set ? 'key-set' : name === 'api_secret_key' ? 'key-unset' : 'key-none'}>{set ? 'Set' : 'Not set'}</span>
        {name === 'signature_key' && <span className="muted"> · {overlapping ? 'a rotation is under way: the previous key is still accepted' : 'no rotation under way'}</span>}
      </p>
      <p id={`${id}-hint`} className="hint small">
        {hint}
        {isReadableKey(name) && !owner && ' Only an owner can show or rotate it.'}
      </p>
      {meta}
      {readable && (
        <div className="actions">
          <button type="button" onClick={() => (shown === undefined ? void show() : setShown(undefined))} disabled={busy} aria-expanded={shown !== undefined} aria-controls={`${id}-value`}>
            {shown === undefined ? 'Show' : 'Hide'}
          </button>
          {step !== undefined && (
            <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={busy}>
              {step.button}
            </button>
          )}
        </div>
      )}
      <div id={`${id}-value`}>
        {shown !== undefined && (
          <p className="key-shown">
            <span className="muted">{label}: </span>
            {shown === '' ? <span className="muted">(not set)</span> : <code>{shown}</code>}
          </p>
        )}
      </div>
      <OutcomeNotice outcome={outcome} />
      {children}
      {step !== undefined && readable && (
        <ConfirmDialog open={confirming} title={step.title} confirmLabel={step.confirm} busy={busy} onConfirm={() => void rotate()} onCancel={() => setConfirming(false)}>
          <p>{step.body}</p>
        </ConfirmDialog>
      )}
    </fieldset>
  );
}
