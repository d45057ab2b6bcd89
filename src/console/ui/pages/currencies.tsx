/**
 * Currencies: the exchange rates with their last change, a rate edited only after a
 * confirmation that shows the old rate and the new, a currency added; and each currency's own
 * page with its rate history and a chart of it. Changing needs the admin role: a viewer is not
 * offered the controls (and the server refuses them anyway).
 */
import { useId, useState, type FormEvent } from 'react';
import type { paths } from '../../../admin-client/index.js';
import { allows, api, problemText } from '../api.js';
import { ConfirmDialog, Field, LoadState, OutcomeNotice, Page, Pager, StepChart, Time, useLoad, usePager, type Outcome } from '../components.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';

type Currency = paths['/admin/v1/currencies']['get']['responses'][200]['content']['application/json']['data'][number];
type RateChange = paths['/admin/v1/currencies/{code}/history']['get']['responses'][200]['content']['application/json']['data'][number];

const SOURCE_NAMES: Readonly<Record<RateChange['source'], string>> = { admin: 'Admin API and console', api: 'Kolmisoft API', cli: 'Command line', import: 'Import' };
const HISTORY_PAGE = 50;

/**
 * The currencies with the time of each one's last rate change. The list does not carry that
 * time, so it is each currency's newest history entry: a handful of small reads, side by side.
 */
async function loadCurrencies() {
  const listed = await api.GET('/admin/v1/currencies');
  if (listed.data === undefined) return { error: listed.error };
  const histories = await Promise.all(listed.data.data.map((currency) => api.GET('/admin/v1/currencies/{code}/history', { params: { path: { code: currency.code } } })));
  return {
    data: listed.data.data.map((currency, index) => ({ ...currency, changedAt: histories[index]?.data?.data[0]?.created_at })),
  };
}

export function CurrenciesPage() {
  const { operator } = useSession();
  const mayChange = allows(operator.role, 'admin');
  const currencies = useLoad(loadCurrencies, []);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const [editing, setEditing] = useState<Currency | undefined>(undefined);
  const done = (result: Outcome) => {
    setOutcome(result);
    if (result?.tone === 'ok') currencies.reload();
  };
  return (
    <Page title="Currencies" lead="Exchange rates: units of each currency that one unit of the system currency buys.">
      <OutcomeNotice outcome={outcome} />
      <section aria-labelledby="rates-title">
        <h2 id="rates-title">Rates</h2>
        <LoadState loaded={currencies}>
          {currencies.data !== undefined && (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Code</th>
                    <th scope="col">Name</th>
                    <th scope="col" className="num">
                      Rate
                    </th>
                    <th scope="col">Active</th>
                    <th scope="col">Last change</th>
                    {mayChange && <th scope="col">Change</th>}
                  </tr>
                </thead>
                <tbody>
                  {currencies.data.map((currency) => (
                    <tr key={currency.code}>
                      <td>
                        <Link href={`/currencies/${currency.code}`}>{currency.code}</Link>
                        {currency.system && <span className="badge">system currency</span>}
                      </td>
                      <td>{currency.name}</td>
                      <td className="num mono">{currency.rate}</td>
                      <td>{currency.active ? 'yes' : 'no'}</td>
                      <td>{currency.changedAt === undefined ? <span className="muted">never</span> : <Time iso={currency.changedAt} />}</td>
                      {mayChange && (
                        <td>
                          {currency.system ? (
                            <span className="muted small">fixed at 1</span>
                          ) : (
                            <button type="button" onClick={() => (setOutcome(undefined), setEditing(currency))} aria-label={`Edit rate of ${currency.code}`}>
                              Edit rate
                            </button>
                          )}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </LoadState>
        <p className="muted small">The system currency's rate is always 1: balances are kept in it, and it cannot be changed.</p>
      </section>
      {mayChange && editing !== undefined && <EditRate key={editing.code} currency={editing} onClose={() => setEditing(undefined)} onDone={done} />}
      {mayChange && currencies.data !== undefined && <AddCurrency known={currencies.data.map((c) => c.code)} onDone={done} />}
    </Page>
  );
}

/** A new rate typed in, then a confirmation of the old and the new before anything is written. */
function EditRate({ currency, onClose, onDone }: { currency: Currency; onClose(): void; onDone(outcome: Outcome): void }) {
  const [rate, setRate] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const review = (event: FormEvent) => {
    event.preventDefault();
    if (rate.trim() !== '') setConfirming(true);
  };
  const confirm = async () => {
    setBusy(true);
    const { data, error } = await api.PUT('/admin/v1/currencies/{code}', { params: { path: { code: currency.code } }, body: { rate: rate.trim() } }).catch((e: unknown) => ({ data: undefined, error: e }));
    setBusy(false);
    setConfirming(false);
    if (data === undefined) {
      onDone({ tone: 'error', text: `The rate of ${currency.code} was not changed: ${problemText(error)}` });
      return;
    }
    onDone({ tone: 'ok', text: `The rate of ${data.code} is now ${data.rate} (it was ${currency.rate}).` });
    onClose();
  };
  return (
    <section aria-labelledby={titleId}>
      <h2 id={titleId}>Edit the rate of {currency.code}</h2>
      <form onSubmit={review}>
        <div className="form-row">
          <Field label="Current rate" value={currency.rate} readOnly />
          <Field label="New rate" value={rate} onChange={(e) => setRate(e.target.value)} inputMode="decimal" autoComplete="off" required autoFocus hint={`${currency.code} per 1 unit of the system currency`} />
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Review change
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
      <ConfirmDialog open={confirming} title={`Change the rate of ${currency.code}?`} confirmLabel="Change rate" busy={busy} onConfirm={() => void confirm()} onCancel={() => setConfirming(false)}>
        <dl className="facts">
          <dt>Old rate</dt>
          <dd className="mono">{currency.rate}</dd>
          <dt>New rate</dt>
          <dd className="mono">{rate.trim()}</dd>
        </dl>
        <p className="small">The Kolmisoft API converts balances to {currency.code} at the new rate as soon as it is saved.</p>
      </ConfirmDialog>
    </section>
  );
}

/** Adds a currency; a code that exists already is for "Edit rate", not for this form. */
function AddCurrency({ known, onDone }: { known: readonly string[]; onDone(outcome: Outcome): void }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [rate, setRate] = useState('');
  const [active, setActive] = useState(true);
  const [busy, setBusy] = useState(false);
  const activeId = useId();
  const add = async (event: FormEvent) => {
    event.preventDefault();
    const wanted = code.trim().toUpperCase();
    if (known.includes(wanted)) {
      onDone({ tone: 'error', text: `${wanted} exists already: change its rate with "Edit rate".` });
      return;
    }
    setBusy(true);
    const body = { rate: rate.trim(), active, ...(name.trim() !== '' && { name: name.trim() }) };
    const { data, error, response } = await api.PUT('/admin/v1/currencies/{code}', { params: { path: { code: code.trim() } }, body }).catch((e: unknown) => ({ data: undefined, error: e, response: undefined }));
    setBusy(false);
    if (data === undefined) {
      onDone({ tone: 'error', text: `The currency was not added: ${problemText(error)}` });
      return;
    }
    onDone({ tone: 'ok', text: response?.status === 201 ? `Added ${data.code} (${data.name}) at rate ${data.rate}.` : `${data.code} existed already; it is now at rate ${data.rate}.` });
    setCode('');
    setName('');
    setRate('');
    setActive(true);
  };
  return (
    <section aria-labelledby="add-currency-title">
      <h2 id="add-currency-title">Add currency</h2>
      <form onSubmit={(event) => void add(event)}>
        <div className="form-row">
          <Field label="Code" value={code} onChange={(e) => setCode(e.target.value)} required minLength={3} maxLength={5} autoComplete="off" hint="3 to 5 letters or digits" />
          <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} maxLength={64} autoComplete="off" hint="the code when left empty" />
          <Field label="Rate" value={rate} onChange={(e) => setRate(e.target.value)} required inputMode="decimal" autoComplete="off" hint="per 1 unit of the system currency" />
        </div>
        <div className="checkbox">
          <input id={activeId} type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
          <label htmlFor={activeId}>Active (an inactive currency still converts; it is only listed apart)</label>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Add currency
          </button>
        </div>
      </form>
    </section>
  );
}

/** One currency: what it is, a chart of its rate over time and every change, newest first, in pages. */
export function CurrencyPage({ code }: { code: string }) {
  const upper = code.toUpperCase();
  const currency = useLoad(async () => {
    const listed = await api.GET('/admin/v1/currencies');
    if (listed.data === undefined) return { error: listed.error };
    const found = listed.data.data.find((candidate) => candidate.code === upper);
    return found === undefined ? { error: { detail: `There is no currency ${upper}.` } } : { data: found };
  }, [upper]);
  const history = useLoad(() => api.GET('/admin/v1/currencies/{code}/history', { params: { path: { code: upper } } }), [upper]);
  const pager = usePager(upper);
  const changes = history.data?.data ?? [];
  // The API answers the whole history at once; it is shown a page at a time (the cursor is the offset).
  const start = Number(pager.cursor ?? '0');
  const shown = changes.slice(start, start + HISTORY_PAGE);
  const next = start + HISTORY_PAGE < changes.length ? String(start + HISTORY_PAGE) : null;
  const points = [...changes].reverse().map((change) => ({ time: Date.parse(change.created_at), value: change.new_rate }));
  return (
    <Page title={`Currency ${upper}`} lead={<Link href="/currencies">All currencies</Link>}>
      <LoadState loaded={currency}>
        {currency.data !== undefined && (
          <section aria-labelledby="currency-facts">
            <h2 id="currency-facts">{currency.data.name}</h2>
            <dl className="facts">
              <dt>Rate</dt>
              <dd className="mono">{currency.data.rate}</dd>
              <dt>Active</dt>
              <dd>{currency.data.active ? 'yes' : 'no'}</dd>
              <dt>System currency</dt>
              <dd>{currency.data.system ? 'yes: balances are kept in it, its rate is always 1' : 'no'}</dd>
            </dl>
          </section>
        )}
      </LoadState>
      <section aria-labelledby="history-title">
        <h2 id="history-title">Rate history</h2>
        <LoadState loaded={history}>
          {history.data !== undefined &&
            (changes.length === 0 ? (
              <p className="muted">No rate change is recorded.</p>
            ) : (
              <>
                <StepChart points={points} label={`Rate of ${upper}`} until={Date.now()} />
                {/* Focusable, so that a keyboard can scroll a table wider than a phone (it holds no link). */}
                <div className="table-wrap" tabIndex={0} role="region" aria-label="Rate changes">
                  <table>
                    <caption>Rate changes, newest first</caption>
                    <thead>
                      <tr>
                        <th scope="col">Time</th>
                        <th scope="col" className="num">
                          Old rate
                        </th>
                        <th scope="col" className="num">
                          New rate
                        </th>
                        <th scope="col">Source</th>
                        <th scope="col">Operator</th>
                        <th scope="col">Request id</th>
                      </tr>
                    </thead>
                    <tbody>
                      {shown.map((change, index) => (
                        <tr key={`${change.created_at}-${start + index}`}>
                          <td>
                            <Time iso={change.created_at} />
                          </td>
                          <td className="num mono">{change.old_rate ?? <span className="muted">added</span>}</td>
                          <td className="num mono">{change.new_rate}</td>
                          <td>{SOURCE_NAMES[change.source]}</td>
                          <td>{change.operator}</td>
                          <td className="mono small">{change.request_id ?? ''}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pager pager={pager} nextCursor={next} label="Rate history" />
              </>
            ))}
        </LoadState>
      </section>
    </Page>
  );
}
