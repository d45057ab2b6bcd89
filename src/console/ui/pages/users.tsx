/**
 * Users: one page of GET /admin/v1/users at a time (keyset cursors, so it stays fast on a
 * million users), searched by username prefix, id or uniquehash and filtered by status, both
 * kept in the address; and "New user" for the roles that may add one.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { checkAmount } from '../../lib/adjustment.js';
import { consolePath } from '../../lib/routes.js';
import { allows, api, newIdempotencyKey, problemText } from '../api.js';
import { allLoaded, Field, LoadState, Money, Notice, OutcomeNotice, Page, Pager, SelectField, Time, useLoad, usePager, type Outcome } from '../components.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { announceOnUserPage } from './user.js';

const STATUSES = [
  ['', 'All'],
  ['active', 'Active'],
  ['closed', 'Closed'],
] as const;

type StatusFilter = 'active' | 'closed' | undefined;

export function UsersPage() {
  const { operator } = useSession();
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const statusText = query.get('status') ?? '';
  const status: StatusFilter = statusText === 'active' || statusText === 'closed' ? statusText : undefined;
  const pager = usePager(`${q}\n${status ?? ''}`);
  const [adding, setAdding] = useState(false);
  const currencies = useLoad(() => api.GET('/admin/v1/currencies'), []);
  const systemCurrency = currencies.data?.data.find((currency) => currency.system)?.code;
  const users = useLoad(
    () => api.GET('/admin/v1/users', { params: { query: { ...(q !== '' && { q }), ...(status !== undefined && { status }), ...(pager.cursor !== undefined && { cursor: pager.cursor }) } } }),
    [q, status, pager.cursor],
  );
  const mayAdd = allows(operator.role, 'admin');

  const setStatus = (value: string) => navigate(consolePath('/users', { q, status: value }), { replace: true });

  return (
    <Page
      title="Users"
      lead="Search by username prefix, id or uniquehash."
      actions={
        mayAdd ? (
          <button type="button" className="primary" aria-expanded={adding} onClick={() => setAdding((open) => !open)}>
            New user
          </button>
        ) : undefined
      }
    >
      {mayAdd && adding && <NewUserForm currencies={currencies.data?.data ?? []} currenciesError={currencies.error} systemCurrency={systemCurrency} onCancel={() => setAdding(false)} />}
      <div className="users-filter">
        <UserSearch q={q} status={status} />
        <SelectField label="Status" options={STATUSES} value={status ?? ''} onChange={(event) => setStatus(event.target.value)} />
      </div>
      <LoadState loaded={allLoaded(users, currencies)}>
        {users.data !== undefined && (
          <section aria-labelledby="users-title">
            <h2 id="users-title">{q === '' ? (status === undefined ? 'Every user' : `${status === 'active' ? 'Active' : 'Closed'} users`) : `Users matching “${q}”`}</h2>
            {users.data.data.length === 0 ? (
              <p className="muted">{q === '' ? 'No user.' : `No user has a username starting with “${q}”, nor this id or uniquehash.`}</p>
            ) : (
              <div className="table-wrap">
                <table className="users-table" aria-busy={users.loading}>
                  <thead>
                    <tr>
                      <th scope="col" className="num">ID</th>
                      <th scope="col">Username</th>
                      <th scope="col" className="num">Balance{systemCurrency !== undefined && ` (${systemCurrency})`}</th>
                      <th scope="col" className="num">In own currency</th>
                      <th scope="col">Currency</th>
                      <th scope="col">Status</th>
                      <th scope="col">Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    {users.data.data.map((user) => (
                      <tr key={user.id}>
                        <td className="num">{user.id}</td>
                        <td>
                          <Link href={`/users/${user.id}`}>{user.username}</Link>
                          {user.role === 'admin' && <span className="muted small"> (Kolmisoft admin)</span>}
                        </td>
                        <td className="num"><Money amount={user.balance} currency={systemCurrency} /></td>
                        <td className="num"><Money amount={user.balance_in_currency} currency={user.currency} /></td>
                        <td>{user.currency}</td>
                        <td className={`status-${user.status}`}>{user.status}</td>
                        <td><Time iso={user.created_at} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Pager pager={pager} nextCursor={users.data.next_cursor} label="Users" />
          </section>
        )}
      </LoadState>
    </Page>
  );
}

/** The search box: a new search is a new history entry (back returns to the previous one) and keeps the status filter. */
function UserSearch({ q, status }: { q: string; status: StatusFilter }) {
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(consolePath('/users', { q: text.trim(), status }));
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <label htmlFor="users-search">Search users</label>
      <div className="inline">
        <input id="users-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="username prefix, id or uniquehash" maxLength={255} />
        <button type="submit" className="primary">
          Search
        </button>
      </div>
    </form>
  );
}

type Currency = { code: string; name: string; active: boolean; system: boolean };

/**
 * POST /admin/v1/users. The opening balance moves money, so the request carries an idempotency
 * key, kept for every retry of this form until one succeeds (a refusal claims no key), so a
 * lost answer retried does not add the user twice.
 */
function NewUserForm({ currencies, currenciesError, systemCurrency, onCancel }: {
  currencies: readonly Currency[];
  currenciesError: string | undefined;
  systemCurrency: string | undefined;
  onCancel(): void;
}) {
  const [username, setUsername] = useState('');
  const [currency, setCurrency] = useState('');
  const [balance, setBalance] = useState('');
  const [key] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const balanceCheck = balance.trim() === '' ? undefined : checkAmount(balance, { zeroAllowed: true });
  const chosen = currency === '' ? systemCurrency ?? '' : currency;
  // An inactive currency still converts; it is only left out of listings, so keep the chosen one offered.
  const offered = currencies.filter((c) => c.active || c.code === chosen);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy || balanceCheck?.ok === false) return;
    setBusy(true);
    setOutcome(undefined);
    try {
      const { data, error } = await api.POST('/admin/v1/users', {
        params: { header: { 'Idempotency-Key': key } },
        body: { username: username.trim(), ...(chosen !== '' && { currency: chosen }), ...(balanceCheck?.ok && { balance: balanceCheck.amount }) },
      });
      if (data === undefined) {
        setOutcome({ tone: 'error', text: problemText(error) });
        return;
      }
      announceOnUserPage(data.id, `Added user ${data.username} (id ${data.id}).`);
      navigate(`/users/${data.id}`);
    } catch (error) {
      setOutcome({ tone: 'error', text: `${problemText(error)} Submitting again is safe: it cannot add the user twice.` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="new-user-title">
      <h2 id="new-user-title">New user</h2>
      <OutcomeNotice outcome={outcome} />
      <form className="new-user-form" onSubmit={submit}>
        <div className="form-row">
          <Field label="Username" name="username" required maxLength={255} autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
          <SelectField
            label="Currency"
            options={offered.map((c) => [c.code, `${c.code} · ${c.name}`] as const)}
            value={chosen}
            onChange={(e) => setCurrency(e.target.value)}
            disabled={offered.length === 0}
          />
          <Field
            label={`Opening balance${systemCurrency === undefined ? '' : ` (${systemCurrency})`}`}
            name="balance"
            inputMode="decimal"
            autoComplete="off"
            placeholder="0"
            hint="Optional; in the system currency. Written as the user's first ledger entry."
            value={balance}
            onChange={(e) => setBalance(e.target.value)}
            error={balanceCheck?.ok === false ? balanceCheck.reason : undefined}
          />
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || username.trim() === ''}>
            {busy ? 'Adding…' : 'Add user'}
          </button>
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
      {currenciesError !== undefined && <Notice tone="error">{currenciesError}</Notice>}
    </section>
  );
}
