/**
 * The changes an admin makes to a user other than its balance: a new token (the old one stops
 * working at once, so it is confirmed first), rename, another currency, close or reopen (also
 * confirmed: a closed user disappears from the Kolmisoft API). Each says what it did or why not.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { formatMoney } from '../../lib/format.js';
import { api, problemText } from '../api.js';
import { ConfirmDialog, Field, Notice, OutcomeNotice, SelectField, type Outcome } from '../components.js';
import type { Currency, User } from './user.js';

type Changed = () => void;

/** The uniquehash, selectable at one click, with a button that copies it. */
export function CopyToken({ token }: { token: string }) {
  const ref = useRef<HTMLElement>(null);
  const [said, setSaid] = useState<string | undefined>(undefined);
  useEffect(() => setSaid(undefined), [token]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(token);
      setSaid('Copied.');
    } catch {
      // No clipboard (a page not served over HTTPS or localhost): select it for Ctrl+C instead.
      const range = document.createRange();
      if (ref.current !== null) range.selectNodeContents(ref.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setSaid('Selected: press Ctrl+C (⌘C) to copy.');
    }
  }
  return (
    <span className="token">
      <code ref={ref} className="token-value">{token}</code>
      <button type="button" className="small-button" onClick={() => void copy()}>
        Copy
      </button>
      <span className="muted small" role="status">{said}</span>
    </span>
  );
}

export function RotateToken({ user, onChanged }: { user: User; onChanged: Changed }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  async function rotate() {
    if (busy) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const { data, error } = await api.POST('/admin/v1/users/{id}/uniquehash', { params: { path: { id: String(user.id) } } });
      if (data === undefined) return setFailure(problemText(error));
      setOpen(false);
      setOutcome({ tone: 'ok', text: `Rotated ${data.username}'s token: the new uniquehash is ${data.uniquehash ?? '(not shown to your role)'}. The old one no longer works.` });
      onChanged();
    } catch (error) {
      setFailure(problemText(error));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="user-token">
      <OutcomeNotice outcome={outcome} />
      <button type="button" onClick={() => (setFailure(undefined), setOutcome(undefined), setOpen(true))}>
        Rotate token
      </button>
      <ConfirmDialog open={open} title={`Rotate ${user.username}'s token?`} confirmLabel="Rotate now" busy={busy} onConfirm={() => void rotate()} onCancel={() => setOpen(false)}>
        <Notice tone="warning">
          The old uniquehash stops working at once: whatever uses it to call the Kolmisoft API for {user.username} is refused until it is given the new one.
        </Notice>
        {failure !== undefined && <Notice tone="error">{failure}</Notice>}
      </ConfirmDialog>
    </div>
  );
}

/** PATCH /admin/v1/users/{id} with one field; the answer is the user as changed, or the API's refusal. */
async function patchUser(id: number, body: { username?: string; currency?: string; status?: 'active' | 'closed' }): Promise<{ user?: User; failure?: string }> {
  try {
    const { data, error } = await api.PATCH('/admin/v1/users/{id}', { params: { path: { id: String(id) } }, body });
    return data === undefined ? { failure: problemText(error) } : { user: data };
  } catch (error) {
    return { failure: problemText(error) };
  }
}

export function Rename({ user, onChanged }: { user: User; onChanged: Changed }) {
  const [name, setName] = useState(user.username);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  useEffect(() => setName(user.username), [user.username]);
  const wanted = name.trim();
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy || wanted === '' || wanted === user.username) return;
    setBusy(true);
    const answer = await patchUser(user.id, { username: wanted });
    setBusy(false);
    if (answer.user === undefined) return setOutcome({ tone: 'error', text: answer.failure! });
    setOutcome({ tone: 'ok', text: `Renamed ${user.username} to ${answer.user.username}.` });
    onChanged();
  }
  return (
    <form className="user-change" onSubmit={submit} aria-label="Rename">
      <OutcomeNotice outcome={outcome} />
      <Field label="New username" maxLength={255} autoComplete="off" required value={name} onChange={(e) => setName(e.target.value)} />
      <button type="submit" disabled={busy || wanted === '' || wanted === user.username}>
        {busy ? 'Renaming…' : 'Rename'}
      </button>
    </form>
  );
}

export function ChangeCurrency({ user, currencies, systemCurrency, onChanged }: { user: User; currencies: readonly Currency[]; systemCurrency: string | undefined; onChanged: Changed }) {
  const [code, setCode] = useState(user.currency);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  useEffect(() => setCode(user.currency), [user.currency]);
  // An inactive currency still converts: it stays offered when it is the user's.
  const offered = currencies.filter((c) => c.active || c.code === user.currency);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy || code === user.currency) return;
    setBusy(true);
    const answer = await patchUser(user.id, { currency: code });
    setBusy(false);
    if (answer.user === undefined) return setOutcome({ tone: 'error', text: answer.failure! });
    const changed = answer.user;
    setOutcome({ tone: 'ok', text: `${changed.username}'s currency is now ${changed.currency}: the balance of ${formatMoney(changed.balance, systemCurrency)} is ${formatMoney(changed.balance_in_currency, changed.currency)}.` });
    onChanged();
  }
  return (
    <form className="user-change" onSubmit={submit} aria-label="Change currency">
      <OutcomeNotice outcome={outcome} />
      <SelectField label="Currency" options={offered.map((c) => [c.code, `${c.code} · ${c.name}`] as const)} value={code} onChange={(e) => setCode(e.target.value)} disabled={offered.length === 0} />
      <button type="submit" disabled={busy || code === user.currency}>
        {busy ? 'Changing…' : 'Change currency'}
      </button>
    </form>
  );
}

export function ChangeStatus({ user, onChanged }: { user: User; onChanged: Changed }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const closing = user.status === 'active';
  async function confirm() {
    if (busy) return;
    setBusy(true);
    setFailure(undefined);
    const answer = await patchUser(user.id, { status: closing ? 'closed' : 'active' });
    setBusy(false);
    if (answer.user === undefined) return setFailure(answer.failure);
    setOpen(false);
    setOutcome({
      tone: 'ok',
      text: closing ? `Closed ${answer.user.username}: the Kolmisoft API now answers it “User was not found”.` : `Reopened ${answer.user.username}: the Kolmisoft API answers it again.`,
    });
    onChanged();
  }
  return (
    <div className="user-change">
      <OutcomeNotice outcome={outcome} />
      <p className="muted small">{closing ? 'A closed user keeps its balance and ledger, and can be reopened.' : 'Reopening makes the user known to the Kolmisoft API again.'}</p>
      <button type="button" className={closing ? 'danger' : undefined} onClick={() => (setFailure(undefined), setOutcome(undefined), setOpen(true))}>
        {closing ? 'Close user' : 'Reopen user'}
      </button>
      <ConfirmDialog
        open={open}
        title={closing ? `Close ${user.username}?` : `Reopen ${user.username}?`}
        confirmLabel={closing ? `Close ${user.username}` : `Reopen ${user.username}`}
        busy={busy}
        onConfirm={() => void confirm()}
        onCancel={() => setOpen(false)}
      >
        {closing ? (
          <Notice tone="warning">
            While it is closed, every Kolmisoft API request for {user.username} is answered “User was not found”, and its balance cannot be adjusted. Its balance and ledger are kept; it can be reopened.
          </Notice>
        ) : (
          <p>The Kolmisoft API will answer requests for {user.username} again, with its kept balance.</p>
        )}
        {failure !== undefined && <Notice tone="error">{failure}</Notice>}
      </ConfirmDialog>
    </div>
  );
}
