/**
 * A user's ledger on its page: a day filter kept in the address (`?from=&to=`), the balance over
 * that range as a step chart (the latest entries, at most one page of 500), and the entries
 * themselves a page at a time, newest first.
 */
import { balancePoints, dayRange } from '../../lib/balance-history.js';
import { consolePath } from '../../lib/routes.js';
import { api } from '../api.js';
import { Field, LoadState, Money, Notice, Pager, StepChart, Time, useLoad, usePager } from '../components.js';
import { navigate, useLocation } from '../router.js';

/** The most entries the chart is drawn from: the API's largest page. */
const CHART_ENTRIES = 500;

const NOTHING = Promise.resolve({ data: { data: [], next_cursor: null } });

export function UserLedger({ id, username, systemCurrency, version }: { id: string; username: string; systemCurrency: string | undefined; version: number }) {
  const { path, query } = useLocation();
  const fromDay = query.get('from') ?? '';
  const toDay = query.get('to') ?? '';
  const range = dayRange(fromDay, toDay);
  const bounds = { ...(range.from !== undefined && { from: range.from }), ...(range.to !== undefined && { to: range.to }) };
  const pager = usePager(`${range.from}|${range.to}`);
  const entries = useLoad(
    () => (range.problem !== undefined ? NOTHING : api.GET('/admin/v1/users/{id}/ledger', { params: { path: { id }, query: { ...bounds, ...(pager.cursor !== undefined && { cursor: pager.cursor }) } } })),
    [id, range.from, range.to, range.problem, pager.cursor, version],
  );
  const chart = useLoad(
    () => (range.problem !== undefined ? NOTHING : api.GET('/admin/v1/users/{id}/ledger', { params: { path: { id }, query: { ...bounds, limit: String(CHART_ENTRIES) } } })),
    [id, range.from, range.to, range.problem, version],
  );
  const setDays = (from: string, to: string) => navigate(consolePath(path, { from, to }), { replace: true });
  // The last balance holds until now, or until the range ends if it ended before.
  const until = Math.min(Date.now(), range.to === undefined ? Infinity : Date.parse(range.to));
  const points = chart.data === undefined ? [] : balancePoints(chart.data.data);
  const rangeText = fromDay === '' && toDay === '' ? 'every day' : `${fromDay === '' ? 'the first entry' : fromDay} to ${toDay === '' ? 'today' : toDay}`;

  return (
    <>
      <section aria-labelledby="ledger-filter-title">
        <h2 id="ledger-filter-title">Ledger dates</h2>
        <div className="form-row user-days">
          <Field label="From day" type="date" value={fromDay} max={toDay || undefined} onChange={(e) => setDays(e.target.value, toDay)} />
          <Field label="To day" type="date" value={toDay} min={fromDay || undefined} onChange={(e) => setDays(fromDay, e.target.value)} />
          <button type="button" className="user-days-clear" onClick={() => setDays('', '')} disabled={fromDay === '' && toDay === ''}>
            Every day
          </button>
        </div>
        {range.problem !== undefined && <Notice tone="warning">{range.problem}</Notice>}
      </section>
      <section aria-labelledby="chart-title">
        <h2 id="chart-title">Balance over time</h2>
        <LoadState loaded={chart}>
          {chart.data?.next_cursor != null && (
            <p className="muted small">
              Drawn from the latest {CHART_ENTRIES} entries of {rangeText}; choose later days to see earlier ones.
            </p>
          )}
          {points.length > 0 ? <StepChart points={points} label={`${username}'s balance`} currency={systemCurrency} until={until} /> : <p className="muted">No entry in {rangeText}.</p>}
        </LoadState>
      </section>
      <section aria-labelledby="ledger-title">
        <h2 id="ledger-title">Ledger</h2>
        <LoadState loaded={entries}>
          {entries.data !== undefined && (
            <>
              {entries.data.data.length === 0 ? (
                <p className="muted">No entry in {rangeText}.</p>
              ) : (
                <div className="table-wrap">
                  <table className="ledger-table" aria-busy={entries.loading}>
                    <caption className="muted small">Newest first; amounts in {systemCurrency ?? 'the system currency'}.</caption>
                    <thead>
                      <tr>
                        <th scope="col">Time</th>
                        <th scope="col" className="num">Amount</th>
                        <th scope="col" className="num">Balance after</th>
                        <th scope="col">Source</th>
                        <th scope="col">Comment</th>
                        <th scope="col">Operator</th>
                        <th scope="col">Reference</th>
                      </tr>
                    </thead>
                    <tbody>
                      {entries.data.data.map((entry) => (
                        <tr key={entry.id}>
                          <td><Time iso={entry.created_at} /></td>
                          <td className="num"><Money amount={entry.amount} currency={systemCurrency} signed /></td>
                          <td className="num"><Money amount={entry.balance_after} currency={systemCurrency} /></td>
                          <td>{entry.source}</td>
                          <td className="ledger-comment">{entry.comment}</td>
                          <td>{entry.operator}</td>
                          <td className="ledger-ref">
                            {entry.idempotency_key !== null && (
                              <span>
                                key <code>{entry.idempotency_key}</code>
                              </span>
                            )}
                            {entry.request_id !== null && (
                              <span>
                                request <code>{entry.request_id}</code>
                              </span>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager pager={pager} nextCursor={entries.data.next_cursor} label="Ledger" />
            </>
          )}
        </LoadState>
      </section>
    </>
  );
}
