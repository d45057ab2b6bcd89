/**
 * Generate hash, as Kolmisoft's tool: a request URI in, the hash it needs with the API Secret Key
 * in force out (POST /admin/v1/hash), with the method and the values it covers in their order.
 * The key itself never reaches the browser.
 */
import { useState, type FormEvent } from 'react';
import { api, problemText } from '../api.js';
import { Field, Notice, Page } from '../components.js';

interface Generated {
  readonly uri: string;
  readonly hash: string;
  readonly method: string;
  readonly values: readonly string[];
}

export function HashPage() {
  const [uri, setUri] = useState('');
  const [busy, setBusy] = useState(false);
  const [generated, setGenerated] = useState<Generated | undefined>(undefined);
  const [failure, setFailure] = useState<{ text: string; field: string | undefined } | undefined>(undefined);

  async function generate(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      const { data, error } = await api.POST('/admin/v1/hash', { body: { uri } });
      if (data !== undefined) setGenerated({ uri, ...data });
      else {
        setGenerated(undefined);
        const uriMessage = (error as { errors?: readonly { field: string; message: string }[] }).errors?.find((field) => field.field === 'uri')?.message;
        setFailure({ text: problemText(error), field: uriMessage });
      }
    } catch (error) {
      setGenerated(undefined);
      setFailure({ text: problemText(error), field: undefined });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Generate hash" lead="The hash a Kolmisoft API request needs, made with the API Secret Key in force, and the values it covers.">
      <section aria-labelledby="hash-form-title">
        <h2 id="hash-form-title">Request</h2>
        <form onSubmit={(event) => void generate(event)} noValidate>
          <Field
            label="Request URI"
            name="uri"
            value={uri}
            onChange={(event) => setUri(event.target.value)}
            required
            maxLength={8192}
            autoComplete="off"
            spellCheck={false}
            placeholder="/billing/api/user_balance_get?username=alice"
            hint="A request URI such as /billing/api/user_balance_get?username=alice&currency=EUR, a full URL, or just its query (then the method is user_balance_get)."
            error={failure?.field}
          />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || uri.trim() === ''}>
              {busy ? 'Generating…' : 'Generate'}
            </button>
          </div>
        </form>
        <p className="muted small">
          The hash is the SHA1 (in hex) of the request's hashed values, joined in the order shown with nothing between them, followed by the API Secret Key. The key itself is never shown here.
        </p>
      </section>
      <div aria-live="polite">
        {failure !== undefined && <Notice tone="error">{failure.text}</Notice>}
        {generated !== undefined && (
          <section aria-labelledby="hash-result-title" className="hash-result">
            <h2 id="hash-result-title">Result</h2>
            <dl className="facts">
              <dt>Hash</dt>
              <dd>
                <code className="hash-value">{generated.hash}</code>
              </dd>
              <dt>Method</dt>
              <dd>
                <code>{generated.method}</code>
              </dd>
              <dt>Values, in hash order</dt>
              <dd>
                {generated.values.length === 0 ? (
                  <span className="muted">none: the hash covers the key alone</span>
                ) : (
                  <ol className="hash-values">
                    {generated.values.map((value, index) => (
                      <li key={index}>
                        <code>{value}</code>
                      </li>
                    ))}
                  </ol>
                )}
              </dd>
              <dt>Made as</dt>
              <dd>
                SHA1({[...generated.values.map((value) => JSON.stringify(value)), 'API Secret Key'].join(' + ')})
              </dd>
              <dt>For</dt>
              <dd>
                <code>{generated.uri}</code>
              </dd>
            </dl>
          </section>
        )}
      </div>
    </Page>
  );
}
