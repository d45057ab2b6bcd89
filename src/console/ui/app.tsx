/**
 * The console: asks who is signed in, then shows the sign-in page or the page of the address,
 * inside the navigation bar. What a role may not do is not offered: the bar leaves out the
 * pages a role cannot use, and the server refuses them anyway.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { consolePath, type ConsolePage } from '../lib/routes.js';
import { allows, api, setCsrfToken, whenSignedOut, type OperatorRole } from './api.js';
import { Notice } from './components.js';
import { AuditPage } from './pages/audit.js';
import { CurrenciesPage, CurrencyPage } from './pages/currencies.js';
import { HashPage } from './pages/hash.js';
import { HomePage } from './pages/home.js';
import { ImportPage } from './pages/import.js';
import { LedgerPage } from './pages/ledger.js';
import { SecurityPage } from './pages/security.js';
import { SettingsPage } from './pages/settings.js';
import { SignInPage } from './pages/sign-in.js';
import { UserPage } from './pages/user.js';
import { UsersPage } from './pages/users.js';
import { Link, navigate, useLocation } from './router.js';
import { SessionContext, type Operator } from './session.js';

const NAVIGATION: readonly { page: ConsolePage; path: string; label: string; role: OperatorRole }[] = [
  { page: 'home', path: '/', label: 'Home', role: 'viewer' },
  { page: 'users', path: '/users', label: 'Users', role: 'viewer' },
  { page: 'ledger', path: '/ledger', label: 'Ledger', role: 'viewer' },
  { page: 'currencies', path: '/currencies', label: 'Currencies', role: 'viewer' },
  { page: 'settings', path: '/settings', label: 'Settings', role: 'viewer' },
  { page: 'security', path: '/security', label: 'Security', role: 'viewer' },
  { page: 'hash', path: '/hash', label: 'Generate hash', role: 'viewer' },
  { page: 'import', path: '/import', label: 'Import', role: 'admin' },
  { page: 'audit', path: '/audit', label: 'Audit', role: 'owner' },
];

// Which bar entry a page belongs to (a user's page to Users).
const SECTION: Partial<Record<ConsolePage, ConsolePage>> = { user: 'users', currency: 'currencies' };

type SessionLoad = { state: 'loading' } | { state: 'signed-out'; operatorsExist: boolean } | { state: 'signed-in'; operator: Operator } | { state: 'failed'; message: string };

export function App() {
  const [session, setSession] = useState<SessionLoad>({ state: 'loading' });
  const location = useLocation();

  const readSession = useCallback(async () => {
    try {
      const { data, error, response } = await api.GET('/admin/v1/session');
      if (data !== undefined) {
        setCsrfToken(data.csrf_token);
        setSession({ state: 'signed-in', operator: data.operator });
      } else if (response.status === 401) {
        setCsrfToken(null);
        setSession({ state: 'signed-out', operatorsExist: (error as { operators_exist?: boolean }).operators_exist !== false });
      } else {
        setSession({ state: 'failed', message: (error as { detail?: string }).detail ?? `The server answered ${response.status}.` });
      }
    } catch (error) {
      setSession({ state: 'failed', message: `The server could not be reached (${(error as Error).message}).` });
    }
  }, []);

  useEffect(() => {
    void readSession();
    whenSignedOut(() => {
      setCsrfToken(null);
      setSession({ state: 'signed-out', operatorsExist: true });
    });
  }, [readSession]);

  const signOut = useCallback(async () => {
    await api.DELETE('/admin/v1/session');
    setCsrfToken(null);
    setSession({ state: 'signed-out', operatorsExist: true });
    navigate('/sign-in');
  }, []);

  if (session.state === 'loading') return <p className="muted boot" role="status">Loading…</p>;
  if (session.state === 'failed') return <main className="boot"><Notice tone="error">{session.message}</Notice></main>;
  if (session.state === 'signed-out') {
    // Where the reader was going: the page of this address, or the sign-in page's `next`.
    const next = location.route !== undefined && location.route.page !== 'sign-in' ? location.path + (location.query.size > 0 ? `?${location.query}` : '') : location.query.get('next') ?? '/';
    return (
      <SignInPage
        operatorsExist={session.operatorsExist}
        onSignedIn={(operator, csrf) => {
          setCsrfToken(csrf);
          setSession({ state: 'signed-in', operator });
          navigate(next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
        }}
      />
    );
  }

  const { operator } = session;
  const route = location.route;
  const page = route?.page === 'sign-in' ? undefined : route;
  const section = page === undefined ? undefined : SECTION[page.page] ?? page.page;
  return (
    <SessionContext.Provider value={{ operator, signOut, refresh: readSession }}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="bar">
        <Link href="/" className="brand" aria-label="Tally home">
          Tally
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.filter((item) => allows(operator.role, item.role)).map((item) => (
              <li key={item.page}>
                <Link href={item.path} aria-current={section === item.page ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {operator.username} <span className="role">{operator.role}</span>
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{page === undefined ? <Redirect /> : <PageOf page={page.page} params={page.params} role={operator.role} />}</main>
    </SessionContext.Provider>
  );
}

function Redirect() {
  // Signed in on the sign-in page (a reload, the back button): home.
  useEffect(() => navigate(consolePath('/'), { replace: true }), []);
  return null;
}

function PageOf({ page, params, role }: { page: ConsolePage; params: Readonly<Record<string, string>>; role: OperatorRole }): ReactNode {
  const needed = NAVIGATION.find((item) => item.page === (SECTION[page] ?? page))?.role ?? 'viewer';
  if (!allows(role, needed)) return <Notice tone="error">This page needs the {needed} role; you are signed in as {role}.</Notice>;
  switch (page) {
    case 'home':
      return <HomePage />;
    case 'users':
      return <UsersPage />;
    case 'user':
      return <UserPage key={params.id} id={params.id!} />;
    case 'ledger':
      return <LedgerPage />;
    case 'currencies':
      return <CurrenciesPage />;
    case 'currency':
      return <CurrencyPage key={params.code} code={params.code!} />;
    case 'settings':
      return <SettingsPage />;
    case 'security':
      return <SecurityPage />;
    case 'hash':
      return <HashPage />;
    case 'import':
      return <ImportPage />;
    case 'audit':
      return <AuditPage />;
    case 'sign-in':
      return null;
  }
}
