/**
 * The ledger: every entry, newest first, filtered by day, source, user and operator (the filters
 * live in the address, so a reload, a bookmark and the back button keep them), with the totals
 * of the whole selection and its export as CSV.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { dayBound, formatCount } from '../../lib/format.js';
import { consolePath } from '../../lib/routes.js';
import type { paths } from '../../../admin-client/index.js';
import { api, problemText } from '../api.js';
import { Field, LoadState, Money, OutcomeNotice, Page, Pager, SelectField, Time, useLoad, usePager, type Outcome } from '../components.js';
import { Link, navigate, useLocation } from '../router.js';

/** The sources GET /admin/v1/ledger filters by, as its schema declares them. */
type LedgerSource = NonNullable<NonNullable<paths['/admin/v1/ledger']['get']['parameters']['query']>['source']>;

/** Every source the API knows (a Record, so a source added to the schema fails the build until it is named here). */
const SOURCE_NAMES: Readonly<Record<LedgerSource, string>> = {
  admin: 'Admin API and console',
  api: 'Kolmisoft API',
  cli: 'Command line',
  import: 'Import',
};
const SOURCE_OPTIONS: readonly (readonly [string, string])[] = [['', 'Any source'], ...Object.entries(SOURCE_NAMES)];

const PAGE_SIZE = '50';

/** The filters as the address holds them: days as `YYYY-MM-DD` (the reader's days), the rest as typed. */
interface LedgerFilters {
  readonly from: string;
  readonly to: string;
  readonly source: string;
  readonly user_id: string;
  readonly operator: string;
}

function filtersOf(query: URLSearchParams): LedgerFilters {
  return {
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
    source: query.get('source') ?? '',
    user_id: query.get('user_id') ?? '',
    operator: query.get('operator') ?? '',
  };
}

/** The API's query for the filters: a day becomes its bounds, `to` the end of its day; empty filters are left out. */
function apiQuery(filters: LedgerFilters) {
  const from = filters.from === '' ? undefined : dayBound(filters.from) ?? filters.from;
  const to = filters.to === '' ? undefined : dayBound(filters.to, true) ?? filters.to;
  return {
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
    ...(filters.source !== '' && { source: filters.source as LedgerSource }),
    ...(filters.user_id !== '' && { user_id: filters.user_id }),
    ...(filters.operator !== '' && { operator: filters.operator }),
  };
}

export function LedgerPage() {
  const location = useLocation();
  const filters = filtersOf(location.query);
  const key = JSON.stringify(filters);
  const query = apiQuery(filters);
  const pager = usePager(key);
  const entries = useLoad(() => api.GET('/admin/v1/ledger', { params: { query: { ...query, limit: PAGE_SIZE, ...(pager.cursor !== undefined && { cursor: pager.cursor }) } } }), [key, pager.cursor]);
  const totals = useLoad(() => api.GET('/admin/v1/ledger/summary', { params: { query } }), [key]);
  const currencies = useLoad(() => api.GET('/admin/v1/currencies'), []);
  const system = currencies.data?.data.find((currency) => currency.system)?.code;

  return (
    <Page title="Ledger" lead="Every balance change, newest first, with the totals of the selection." actions={<ExportCsv filters={filters} />}>
      <FilterForm filters={filters} />
      <section aria-labelledby="totals-title">
        <h2 id="totals-title">Totals of the selection</h2>
        <LoadState loaded={totals}>
          {totals.data !== undefined && (
            <dl className="figures ledger-totals">
              <Figure label="Entries" value={formatCount(totals.data.entries)} />
              <Figure label="Credits" value={<Money amount={totals.data.credits} currency={system} />} />
              <Figure label="Debits" value={<Money amount={totals.data.debits} currency={system} />} />
              <Figure label="Net" value={<Money amount={totals.data.net} currency={system} signed />} />
            </dl>
          )}
        </LoadState>
      </section>
      <section aria-labelledby="entries-title">
        <h2 id="entries-title">Entries</h2>
        <LoadState loaded={entries}>
          {entries.data !== undefined &&
            (entries.data.data.length === 0 && pager.page === 1 ? (
              <p className="muted">No entry matches these filters.</p>
            ) : (
              <>
                <div className="table-wrap">
                  <table className="ledger-table">
                    <caption>Entries, newest first{system !== undefined && `, in ${system}`}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Time</th>
                        <th scope="col">User</th>
                        <th scope="col" className="num">Amount</th>
                        <th scope="col" className="num">Balance after</th>
                        <th scope="col">Source</th>
                        <th scope="col">Comment</th>
                        <th scope="col">Operator</th>
                        <th scope="col">Idempotency key</th>
                        <th scope="col">Request id</th>
                      </tr>
                    </thead>
                    <tbody>
                      {entries.data.data.map((entry) => (
                        <tr key={entry.id}>
                          <td className="nowrap">
                            <Time iso={entry.created_at} />
                          </td>
                          <td className="nowrap">
                            <Link href={`/users/${entry.user_id}`}>{entry.username}</Link> <span className="muted small">#{entry.user_id}</span>
                          </td>
                          <td className="num">
                            <Money amount={entry.amount} currency={system} signed />
                          </td>
                          <td className="num">
                            <Money amount={entry.balance_after} currency={system} />
                          </td>
                          <td>{SOURCE_NAMES[entry.source]}</td>
                          <td className="ledger-comment">{entry.comment}</td>
                          <td>{entry.operator}</td>
                          <td className="mono small ledger-key">{entry.idempotency_key ?? ''}</td>
                          <td className="mono small ledger-key">{entry.request_id ?? ''}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pager pager={pager} nextCursor={entries.data.next_cursor} label="Ledger" />
              </>
            ))}
        </LoadState>
      </section>
    </Page>
  );
}

/** The filter form: typed into freely, applied to the address on submit (so reload and back keep it). */
function FilterForm({ filters }: { filters: LedgerFilters }) {
  const [draft, setDraft] = useState(filters);
  const key = JSON.stringify(filters);
  // The address changed (back, forward, a link): the form shows what is applied.
  useEffect(() => setDraft(filters), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const set = (name: keyof LedgerFilters) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value }));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    navigate(consolePath('/ledger', { ...draft, user_id: draft.user_id.trim(), operator: draft.operator.trim() }), { replace: true });
  };
  return (
    <form className="panel ledger-filters" aria-label="Filter the ledger" onSubmit={apply}>
      <div className="form-row">
        <Field label="From day" type="date" value={draft.from} onChange={set('from')} />
        <Field label="To day (included)" type="date" value={draft.to} onChange={set('to')} />
        <SelectField label="Source" options={SOURCE_OPTIONS} value={draft.source} onChange={set('source')} />
        <Field label="User id" inputMode="numeric" value={draft.user_id} onChange={set('user_id')} maxLength={19} />
        <Field label="Operator" value={draft.operator} onChange={set('operator')} maxLength={255} autoComplete="off" />
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" onClick={() => navigate('/ledger', { replace: true })}>
          Clear filters
        </button>
      </div>
    </form>
  );
}

/**
 * Downloads the selection as CSV. A plain link cannot ask for text/csv (the API chooses by the
 * Accept header), so the file is fetched through the client and saved from a Blob URL, which is
 * the console's own origin: no change to the Content-Security-Policy.
 */
function ExportCsv({ filters }: { filters: LedgerFilters }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const save = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const { data, error } = await api.GET('/admin/v1/ledger', { params: { query: apiQuery(filters) }, headers: { Accept: 'text/csv' }, parseAs: 'blob' });
      if (data === undefined) {
        setOutcome({ tone: 'error', text: problemText(error) });
        return;
      }
      const url = URL.createObjectURL(data);
      const link = document.createElement('a');
      link.href = url;
      link.download = csvName(filters);
      document.body.append(link);
      link.click();
      link.remove();
      // The download has started reading the URL by the time the click returns; freed once it surely has.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setOutcome({ tone: 'ok', text: `Saved ${link.download}.` });
    } catch (error) {
      setOutcome({ tone: 'error', text: problemText(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="ledger-export">
      <button type="button" onClick={() => void save()} disabled={busy}>
        {busy ? 'Exporting…' : 'Export CSV'}
      </button>
      <OutcomeNotice outcome={outcome} />
    </div>
  );
}

/** `ledger.csv`, or one that names its filters: `ledger-2026-12-01-to-2026-12-31-admin.csv`. */
function csvName(filters: LedgerFilters): string {
  const parts = [
    filters.from !== '' && `from-${filters.from}`,
    filters.to !== '' && `to-${filters.to}`,
    filters.source,
    filters.user_id !== '' && `user-${filters.user_id}`,
    filters.operator !== '' && `by-${filters.operator}`,
  ].filter((part): part is string => typeof part === 'string' && part !== '');
  const name = ['ledger', ...parts].join('-').replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${name}.csv`;
}

function Figure({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
