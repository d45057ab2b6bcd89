/** Home: a search box that finds a user by username prefix, id or uniquehash, and the figures of /admin/v1/stats. */
import { useEffect, useState, type FormEvent } from 'react';
import { consolePath } from '../../lib/routes.js';
import { formatCount } from '../../lib/format.js';
import { api } from '../api.js';
import { LoadState, Money, Page, useLoad } from '../components.js';
import { navigate } from '../router.js';

/** Shorter than the server's idle limit of a session (30 minutes). */
const POLL_WHILE_IDLE_MS = 10 * 60_000;

export function HomePage() {
  const stats = useLoad(() => api.GET('/admin/v1/stats'), []);
  // The figures of the last minute move: read them again while the page is in view (on a large
  // SQLite database the sums cost the server tens of milliseconds, so not for a hidden tab), and
  // while someone is at it: every read counts as the session's activity, so a console left open
  // and untouched must stop asking, or its session would never end by idleness.
  useEffect(() => {
    let lastInput = Date.now();
    const seen = () => (lastInput = Date.now());
    const inputs = ['pointerdown', 'keydown', 'wheel'] as const;
    for (const name of inputs) window.addEventListener(name, seen, { passive: true });
    const timer = setInterval(() => document.visibilityState === 'visible' && Date.now() - lastInput < POLL_WHILE_IDLE_MS && stats.reload(), 15_000);
    return () => {
      clearInterval(timer);
      for (const name of inputs) window.removeEventListener(name, seen);
    };
  }, [stats.reload]);
  return (
    <Page title="Home" lead="Find a customer, and what the server is doing now.">
      <SearchUsers />
      <LoadState loaded={stats}>
        {stats.data !== undefined && (
          <section aria-labelledby="figures-title">
            <h2 id="figures-title">Figures</h2>
            <dl className="figures">
              <Figure label="Users" value={formatCount(stats.data.users)} />
              <Figure label="Total of balances" value={<Money amount={stats.data.balance_total} currency={stats.data.system_currency} />} />
              <Figure label="Ledger entries" value={formatCount(stats.data.ledger_entries)} />
              <Figure label="Requests, last minute" value={formatCount(stats.data.requests.last_minute)} />
              <Figure label="Requests, last hour" value={formatCount(stats.data.requests.last_hour)} />
              <Figure label="Failed authentications, last minute" value={formatCount(stats.data.failed_authentications.last_minute)} />
              <Figure label="Failed authentications, last hour" value={formatCount(stats.data.failed_authentications.last_hour)} />
              <Figure label="Blocked clients" value={formatCount(stats.data.blocked_clients)} />
            </dl>
            <p className="muted small">Requests and failed authentications are counted by the node that answered this page.</p>
          </section>
        )}
      </LoadState>
    </Page>
  );
}

function Figure({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** The search form shared by Home and Users: it opens the users list filtered by `q`. */
export function SearchUsers({ initial = '' }: { initial?: string }) {
  const [q, setQ] = useState(initial);
  useEffect(() => setQ(initial), [initial]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(consolePath('/users', { q: q.trim() }));
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <label htmlFor="search-users">Search users</label>
      <div className="inline">
        <input id="search-users" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="username prefix, id or uniquehash" maxLength={255} />
        <button type="submit" className="primary">
          Search
        </button>
      </div>
    </form>
  );
}
