/**
 * One user: the balance in the system currency and in the user's own, the account's facts, the
 * changes an admin may make (adjust the balance, rename, change currency, close or reopen, a
 * new token), and the ledger with its chart. A viewer sees the same page without the controls.
 */
import { useEffect, useState } from 'react';
import type { operations } from '../../../admin-client/index.js';
import { allows, api } from '../api.js';
import { allLoaded, LoadState, Money, Notice, OutcomeNotice, Page, Time, useLoad, type Outcome } from '../components.js';
import { useSession } from '../session.js';
import { AdjustBalance } from './user-adjust.js';
import { ChangeCurrency, ChangeStatus, CopyToken, Rename, RotateToken } from './user-changes.js';
import { UserLedger } from './user-ledger.js';

export type User = operations['getUser']['responses'][200]['content']['application/json'];
export type Currency = operations['listCurrencies']['responses'][200]['content']['application/json']['data'][number];

// What another page did that led here (the user it added), said once on arrival. Memory only.
const announcements = new Map<string, string>();

/** Says `text` on the page of user `id` when it next opens. */
export function announceOnUserPage(id: number | string, text: string): void {
  announcements.set(String(id), text);
}

export function UserPage({ id }: { id: string }) {
  const { operator } = useSession();
  const mayChange = allows(operator.role, 'admin');
  const [arrival] = useState<Outcome>(() => {
    const text = announcements.get(id);
    return text === undefined ? undefined : { tone: 'ok', text };
  });
  useEffect(() => void announcements.delete(id), [id]);
  const user = useLoad(() => api.GET('/admin/v1/users/{id}', { params: { path: { id } } }), [id]);
  const currencies = useLoad(() => api.GET('/admin/v1/currencies'), []);
  const systemCurrency = currencies.data?.data.find((currency) => currency.system)?.code;
  // Bumped by every change, so the ledger and its chart are read again with the user.
  const [version, setVersion] = useState(0);
  const changed = () => {
    user.reload();
    setVersion((n) => n + 1);
  };
  const shown = user.data;

  return (
    <Page title={shown?.username ?? `User ${id}`} lead={shown === undefined ? undefined : `User ${shown.id} · ${shown.status}${shown.role === 'admin' ? ' · Kolmisoft admin login' : ''}`}>
      <OutcomeNotice outcome={arrival} />
      <LoadState loaded={allLoaded(user, currencies)}>
        {shown !== undefined && (
          <>
            <section aria-labelledby="account-title">
              <h2 id="account-title">Account</h2>
              {shown.status === 'closed' && <Notice tone="warning">This user is closed: the Kolmisoft API answers it “User was not found”.</Notice>}
              <dl className="figures user-balances">
                <div className="figure">
                  <dt>Balance{systemCurrency !== undefined && ` (${systemCurrency}, the system currency)`}</dt>
                  <dd><Money amount={shown.balance} currency={systemCurrency} /></dd>
                </div>
                <div className="figure">
                  <dt>Balance in {shown.currency} (the user's own)</dt>
                  <dd><Money amount={shown.balance_in_currency} currency={shown.currency} /></dd>
                </div>
              </dl>
              <dl className="facts user-facts">
                <dt>Username</dt>
                <dd>{shown.username}</dd>
                <dt>ID</dt>
                <dd>{shown.id}</dd>
                <dt>Status</dt>
                <dd className={`status-${shown.status}`}>{shown.status}</dd>
                <dt>Currency</dt>
                <dd>{shown.currency}</dd>
                <dt>Role</dt>
                <dd>{shown.role === 'admin' ? 'admin (a Kolmisoft admin login)' : shown.role}</dd>
                <dt>Created</dt>
                <dd><Time iso={shown.created_at} /></dd>
                {shown.uniquehash !== undefined && (
                  <>
                    <dt>Uniquehash</dt>
                    <dd>
                      <CopyToken token={shown.uniquehash} />
                    </dd>
                  </>
                )}
              </dl>
              {mayChange && shown.uniquehash !== undefined && <RotateToken user={shown} onChanged={changed} />}
            </section>
            {mayChange && <AdjustBalance user={shown} systemCurrency={systemCurrency} onChanged={changed} />}
            {mayChange && (
              <section aria-labelledby="manage-title">
                <h2 id="manage-title">Manage</h2>
                <div className="user-manage">
                  <Rename user={shown} onChanged={changed} />
                  <ChangeCurrency user={shown} currencies={currencies.data?.data ?? []} systemCurrency={systemCurrency} onChanged={changed} />
                  <ChangeStatus user={shown} onChanged={changed} />
                </div>
              </section>
            )}
            <UserLedger id={id} username={shown.username} systemCurrency={systemCurrency} version={version} />
          </>
        )}
      </LoadState>
    </Page>
  );
}
