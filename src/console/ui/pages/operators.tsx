/**
 * The Security page's Operators section, for owners only: every operator with its role and API
 * tokens; add one, change a role (confirmed when it is one's own), remove one, make a token
 * (shown this once) and revoke one. Every rule (the last owner, a password's length, a token's
 * label) is the server's: this section says what it answered.
 */
import { useState, type FormEvent } from 'react';
import type { operations } from '../../../admin-client/index.js';
import { api, problemText, type OperatorRole } from '../api.js';
import { ConfirmDialog, Field, LoadState, Notice, OutcomeNotice, SelectField, Time, useLoad, type Outcome } from '../components.js';
import { useSession } from '../session.js';

type OperatorEntry = operations['listOperators']['responses'][200]['content']['application/json']['data'][number];

const ROLES: readonly (readonly [OperatorRole, string])[] = [
  ['viewer', 'viewer'],
  ['admin', 'admin'],
  ['owner', 'owner'],
];
// The server's rule, stated beside the field; the server still checks it.
const MIN_PASSWORD_LENGTH = 12;

/** What waits for a confirmation: removing an operator, revoking a token, or demoting oneself. */
type Pending =
  | { readonly kind: 'remove'; readonly username: string }
  | { readonly kind: 'revoke'; readonly username: string; readonly label: string }
  | { readonly kind: 'demote-self'; readonly username: string; readonly role: OperatorRole };

export function Operators({ onSelfDemoted }: { onSelfDemoted(text: string): void }) {
  const session = useSession();
  const isSelf = (username: string) => username.toLowerCase() === session.operator.username.toLowerCase();
  const operators = useLoad(() => api.GET('/admin/v1/operators'), []);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // A new token is in memory only, shown beside its operator until the next action.
  const [madeToken, setMadeToken] = useState<{ username: string; label: string; token: string } | undefined>(undefined);

  /** Runs one change: says what it did or the server's reason, then reads the list again. */
  async function change(work: () => Promise<{ error?: unknown }>, done: string): Promise<boolean> {
    setBusy(true);
    setMadeToken(undefined);
    try {
      const { error } = await work();
      setOutcome(error === undefined ? { tone: 'ok', text: done } : { tone: 'error', text: problemText(error) });
      return error === undefined;
    } catch (error) {
      setOutcome({ tone: 'error', text: problemText(error) });
      return false;
    } finally {
      setBusy(false);
      setPending(undefined);
      operators.reload();
    }
  }

  const setRole = async (username: string, role: OperatorRole) => {
    const self = isSelf(username);
    const done = self
      ? `You are now ${role}: what only owners may do is no longer offered.`
      : `${username} is now ${role}. Their open sessions and tokens have the new role from their next request.`;
    const changed = await change(() => api.PATCH('/admin/v1/operators/{name}', { params: { path: { name: username } }, body: { role } }), done);
    // One's own new role changes what this console offers: read the session again.
    if (changed && self) {
      if (role !== 'owner') onSelfDemoted(done);
      await session.refresh();
    }
  };

  async function makeToken(username: string, label: string) {
    setBusy(true);
    setMadeToken(undefined);
    try {
      const { data, error } = await api.POST('/admin/v1/operators/{name}/tokens', { params: { path: { name: username } }, body: label === '' ? {} : { label } });
      if (data !== undefined) {
        setMadeToken({ username, label: data.label, token: data.token });
        setOutcome(undefined);
      } else setOutcome({ tone: 'error', text: problemText(error) });
      return data !== undefined;
    } catch (error) {
      setOutcome({ tone: 'error', text: problemText(error) });
      return false;
    } finally {
      setBusy(false);
      operators.reload();
    }
  }

  function confirmPending() {
    if (pending === undefined) return;
    if (pending.kind === 'remove') {
      void change(() => api.DELETE('/admin/v1/operators/{name}', { params: { path: { name: pending.username } } }), `Removed operator ${pending.username}, with their tokens and sessions.`);
    } else if (pending.kind === 'revoke') {
      void change(
        () => api.DELETE('/admin/v1/operators/{name}/tokens/{label}', { params: { path: { name: pending.username, label: pending.label } } }),
        `Revoked the token "${pending.label}" of ${pending.username}: it is refused from now on.`,
      );
    } else {
      void setRole(pending.username, pending.role);
    }
  }

  return (
    <section aria-labelledby="operators-title">
      <h2 id="operators-title">Operators</h2>
      <p className="muted small">
        The people and scripts that use the admin API and this console; only owners see this section. A <strong>viewer</strong> reads everything but secrets; an{' '}
        <strong>admin</strong> also changes users, balances and currencies, unblocks clients and imports; an <strong>owner</strong> also changes settings, keys and operators,
        and reads the audit log.
      </p>
      <OutcomeNotice outcome={outcome} />
      <LoadState loaded={operators}>
        {operators.data !== undefined && (
          <div className="operator-list">
            {operators.data.data.map((entry) => (
              <OperatorCard
                key={entry.username}
                entry={entry}
                isSelf={isSelf(entry.username)}
                busy={busy}
                madeToken={madeToken?.username === entry.username ? madeToken : undefined}
                onDismissToken={() => setMadeToken(undefined)}
                onRole={(role) => (isSelf(entry.username) && role !== 'owner' ? setPending({ kind: 'demote-self', username: entry.username, role }) : void setRole(entry.username, role))}
                onToken={(label) => makeToken(entry.username, label)}
                onRevoke={(label) => setPending({ kind: 'revoke', username: entry.username, label })}
                onRemove={() => setPending({ kind: 'remove', username: entry.username })}
              />
            ))}
          </div>
        )}
      </LoadState>
      <AddOperator busy={busy} onAdd={(body) => change(() => api.POST('/admin/v1/operators', { body }), `Added operator ${body.username} (${body.role}). They can sign in with the password now; make them an API token above if a script needs one.`)} />
      <ConfirmDialog
        open={pending !== undefined}
        title={pending === undefined ? '' : pending.kind === 'remove' ? `Remove ${pending.username}?` : pending.kind === 'revoke' ? `Revoke the token "${pending.label}"?` : `Make yourself ${pending.role}?`}
        confirmLabel={pending === undefined ? '' : pending.kind === 'remove' ? 'Remove' : pending.kind === 'revoke' ? 'Revoke' : `Make me ${pending.role}`}
        busy={busy}
        onConfirm={confirmPending}
        onCancel={() => setPending(undefined)}
      >
        {pending?.kind === 'remove' && (
          <p>
            {pending.username} and all their API tokens are removed, and their sessions end
            {isSelf(pending.username) ? ' (yours included: you will be signed out)' : ''}. This cannot be undone.
          </p>
        )}
        {pending?.kind === 'revoke' && <p>Whatever uses the token &quot;{pending.label}&quot; of {pending.username} is refused from the next request on. This cannot be undone.</p>}
        {pending?.kind === 'demote-self' && (
          <p>
            You will no longer be an owner: this section, the Audit page and the owners&apos; settings are closed to you from the next request, and only another owner can give the
            role back.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}

function OperatorCard({
  entry,
  isSelf,
  busy,
  madeToken,
  onDismissToken,
  onRole,
  onToken,
  onRevoke,
  onRemove,
}: {
  entry: OperatorEntry;
  isSelf: boolean;
  busy: boolean;
  madeToken: { label: string; token: string } | undefined;
  onDismissToken(): void;
  onRole(role: OperatorRole): void;
  onToken(label: string): Promise<boolean>;
  onRevoke(label: string): void;
  onRemove(): void;
}) {
  const [role, setRole] = useState<OperatorRole>(entry.role);
  const [label, setLabel] = useState('');
  const titleId = `operator-${entry.username}`;

  function saveRole(event: FormEvent) {
    event.preventDefault();
    onRole(role);
  }

  async function newToken(event: FormEvent) {
    event.preventDefault();
    if (await onToken(label.trim())) setLabel('');
  }

  return (
    <article className="operator" aria-labelledby={titleId}>
      <div className="section-head">
        <h3 id={titleId}>
          {entry.username}
          {isSelf && <span className="muted"> (you)</span>}
        </h3>
        <button type="button" className="danger" onClick={onRemove} disabled={busy}>
          Remove<span className="visually-hidden"> {entry.username}</span>
        </button>
      </div>
      <dl className="facts">
        <dt>Role</dt>
        <dd>{entry.role}</dd>
        <dt>Created</dt>
        <dd>
          <Time iso={entry.created_at} />
        </dd>
        <dt>Password changed</dt>
        <dd>
          <Time iso={entry.password_changed_at} />
        </dd>
      </dl>
      <form className="form-row" onSubmit={saveRole} aria-label={`Role of ${entry.username}`}>
        <SelectField label="New role" options={ROLES} value={role} onChange={(event) => setRole(event.target.value as OperatorRole)} />
        <div className="field">
          <button type="submit" disabled={busy || role === entry.role}>
            Change role<span className="visually-hidden"> of {entry.username}</span>
          </button>
        </div>
      </form>
      <h4>API tokens</h4>
      {entry.tokens.length === 0 ? (
        <p className="muted">No API token.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">API tokens of {entry.username}</caption>
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entry.tokens.map((token) => (
                <tr key={token.label}>
                  <td className="mono">{token.label}</td>
                  <td>
                    <Time iso={token.created_at} />
                  </td>
                  <td>
                    <button type="button" onClick={() => onRevoke(token.label)} disabled={busy}>
                      Revoke<span className="visually-hidden"> {token.label}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {madeToken !== undefined && <ShownToken username={entry.username} made={madeToken} onDismiss={onDismissToken} />}
      <form className="form-row" onSubmit={(event) => void newToken(event)} aria-label={`New token for ${entry.username}`}>
        <Field label="Label (optional)" hint="What it is for; token-N when left empty." value={label} maxLength={64} onChange={(event) => setLabel(event.target.value)} />
        <div className="field">
          <button type="submit" disabled={busy}>
            New token<span className="visually-hidden"> for {entry.username}</span>
          </button>
        </div>
      </form>
    </article>
  );
}

/** A token just made: shown here this once (it is kept nowhere, not even in this page once dismissed). */
function ShownToken({ username, made, onDismiss }: { username: string; made: { label: string; token: string }; onDismiss(): void }) {
  const [copied, setCopied] = useState<string | undefined>(undefined);
  async function copy() {
    try {
      await navigator.clipboard.writeText(made.token);
      setCopied('Copied.');
    } catch {
      setCopied('This browser would not copy it: select the token and copy it by hand.');
    }
  }
  return (
    <Notice tone="ok">
      <p className="token-note">
        New token &quot;{made.label}&quot; for {username}. <strong>It will not be shown again</strong>: copy it now. Scripts send it as <code>Authorization: Bearer …</code>.
      </p>
      <code className="token-once">{made.token}</code>
      <div className="actions">
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={onDismiss}>
          Done
        </button>
        {copied !== undefined && <span role="status">{copied}</span>}
      </div>
    </Notice>
  );
}

function AddOperator({ busy, onAdd }: { busy: boolean; onAdd(body: { username: string; role: OperatorRole; password: string }): Promise<boolean> }) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<OperatorRole>('viewer');
  const [password, setPassword] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await onAdd({ username: username.trim(), role, password })) {
      setUsername('');
      setRole('viewer');
    }
    // The password is not kept in the page, whatever the answer.
    setPassword('');
  }

  return (
    <form className="add-operator" onSubmit={(event) => void submit(event)} aria-labelledby="add-operator-title">
      <h3 id="add-operator-title">Add operator</h3>
      <div className="form-row">
        <Field label="Username" value={username} required autoComplete="off" maxLength={64} hint="Letters, digits and . _ @ -" onChange={(event) => setUsername(event.target.value)} />
        <SelectField label="Role" options={ROLES} value={role} onChange={(event) => setRole(event.target.value as OperatorRole)} />
        <Field
          label="Password"
          type="password"
          value={password}
          required
          autoComplete="new-password"
          hint={`At least ${MIN_PASSWORD_LENGTH} characters. Give it to them by a safe channel; it is never shown again.`}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        Add operator
      </button>
    </form>
  );
}

