/**
 * Audit (owners only): who changed what, newest first, filtered by operator and by day. The
 * filters live in the address, so a reload, the back button and a bookmark show the same
 * selection; pages follow the list's keyset cursors.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { dayBound } from '../../lib/format.js';
import { consolePath } from '../../lib/routes.js';
import { api } from '../api.js';
import { Field, LoadState, Page, Pager, Time, useLoad, usePager } from '../components.js';
import { navigate, useLocation } from '../router.js';

interface AuditFilter {
  readonly operator: string;
  readonly from: string;
  readonly to: string;
}

export function AuditPage() {
  const { query } = useLocation();
  const filter: AuditFilter = { operator: query.get('operator') ?? '', from: query.get('from') ?? '', to: query.get('to') ?? '' };
  const filterKey = `${filter.operator}\n${filter.from}\n${filter.to}`;
  const pager = usePager(filterKey);
  const entries = useLoad(
    () =>
      api.GET('/admin/v1/audit', {
        params: {
          query: {
            ...(filter.operator !== '' && { operator: filter.operator }),
            ...(dayBound(filter.from) !== undefined && { from: dayBound(filter.from) }),
            ...(dayBound(filter.to, true) !== undefined && { to: dayBound(filter.to, true) }),
            ...(pager.cursor !== undefined && { cursor: pager.cursor }),
          },
        },
      }),
    [filterKey, pager.cursor],
  );
  // The names to pick from: the operators there are now (the log also names removed ones and `cli:` users, typed by hand).
  const operators = useLoad(() => api.GET('/admin/v1/operators'), []);
  const filtered = filter.operator !== '' || filter.from !== '' || filter.to !== '';

  return (
    <Page title="Audit" lead="Every change made through the admin API, this console or the CLI, newest first.">
      <AuditFilterForm filter={filter} operatorNames={operators.data?.data.map((operator) => operator.username) ?? []} />
      <section aria-labelledby="audit-title">
        <h2 id="audit-title">{filtered ? 'Changes selected' : 'Every change'}</h2>
        <LoadState loaded={entries}>
          {entries.data !== undefined &&
            (entries.data.data.length === 0 ? (
              <p>{filtered ? 'No change matches these filters.' : 'Nothing has been changed yet.'}</p>
            ) : (
              <>
                {/* Focusable, so that a keyboard can scroll the table where it is wider than the screen. */}
                <div className="table-wrap" tabIndex={0} role="region" aria-label={`Audit log, page ${pager.page}`}>
                  <table className="audit-table">
                    <thead>
                      <tr>
                        <th scope="col">Time</th>
                        <th scope="col">Operator</th>
                        <th scope="col">Action</th>
                        <th scope="col">Target</th>
                        <th scope="col">Detail</th>
                        <th scope="col">Client address</th>
                        <th scope="col">Request id</th>
                      </tr>
                    </thead>
                    <tbody>
                      {entries.data.data.map((entry) => (
                        <tr key={entry.id}>
                          <td className="nowrap">
                            <Time iso={entry.created_at} />
                          </td>
                          <td>{entry.operator}</td>
                          <td className="mono nowrap">{entry.action}</td>
                          <td className="mono audit-target">{entry.target}</td>
                          <td className="audit-detail">{entry.detail ?? <span className="muted">–</span>}</td>
                          <td className="mono nowrap">{entry.client ?? <span className="muted">–</span>}</td>
                          <td className="mono nowrap">{entry.request_id ?? <span className="muted">–</span>}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pager pager={pager} nextCursor={entries.data.next_cursor} label="Audit log" />
              </>
            ))}
        </LoadState>
      </section>
    </Page>
  );
}

function AuditFilterForm({ filter, operatorNames }: { filter: AuditFilter; operatorNames: readonly string[] }) {
  const [operator, setOperator] = useState(filter.operator);
  const [from, setFrom] = useState(filter.from);
  const [to, setTo] = useState(filter.to);
  // The back button changes the address: the fields follow it.
  useEffect(() => {
    setOperator(filter.operator);
    setFrom(filter.from);
    setTo(filter.to);
  }, [filter.operator, filter.from, filter.to]);

  function apply(event: FormEvent) {
    event.preventDefault();
    navigate(consolePath('/audit', { operator: operator.trim(), from, to }), { replace: true });
  }

  return (
    <form className="panel" onSubmit={apply} aria-label="Filter the audit log">
      <div className="form-row">
        <Field label="Operator" list="audit-operators" value={operator} autoComplete="off" hint="Exactly as listed, e.g. ops or cli:root." onChange={(event) => setOperator(event.target.value)} />
        <datalist id="audit-operators">
          {operatorNames.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <Field label="From (day)" type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
        <Field label="To (day, included)" type="date" value={to} onChange={(event) => setTo(event.target.value)} />
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" onClick={() => navigate(consolePath('/audit'), { replace: true })} disabled={filter.operator === '' && filter.from === '' && filter.to === ''}>
          Clear filters
        </button>
      </div>
    </form>
  );
}
