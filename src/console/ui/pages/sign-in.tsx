/** Sign in with a username and password; before any operator exists, the command that creates one. */
import { useState, type FormEvent } from 'react';
import { api, problemText } from '../api.js';
import { Field, Notice } from '../components.js';
import { usePageTitle } from '../router.js';
import type { Operator } from '../session.js';

export function SignInPage({ operatorsExist, onSignedIn }: { operatorsExist: boolean; onSignedIn(operator: Operator, csrf: string | null): void }) {
  usePageTitle('Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      const { data, error } = await api.POST('/admin/v1/session', { body: { username, password } });
      if (data !== undefined) onSignedIn(data.operator, data.csrf_token);
      else setFailure(problemText(error));
    } catch (error) {
      setFailure(problemText(error));
    } finally {
      setBusy(false);
      setPassword('');
    }
  }

  return (
    <main id="main" className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <p className="brand">Tally</p>
        <h1 id="sign-in-title" tabIndex={-1}>
          Sign in
        </h1>
        {!operatorsExist && (
          <Notice tone="info">
            No operator exists yet. Create the first one on the server, then sign in here:
            <pre>
              <code>npx tally operator add NAME --role owner</code>
            </pre>
          </Notice>
        )}
        {failure !== undefined && <Notice tone="error">{failure}</Notice>}
        <Field label="Username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
