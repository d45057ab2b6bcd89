/**
 * Security: the client addresses the throttle counts or blocks, listed for every role with
 * "Unblock" for admins; and, for owners only, the operators of the admin API (operators.tsx).
 */
import { useState } from 'react';
import type { operations } from '../../../admin-client/index.js';
import { allows, api, problemText } from '../api.js';
import { LoadState, OutcomeNotice, Page, Time, useLoad, type Outcome } from '../components.js';
import { useSession } from '../session.js';
import { Operators } from './operators.js';

type ThrottledClient = operations['listThrottledClients']['responses'][200]['content']['application/json']['data'][number];

export function SecurityPage() {
  const { operator } = useSession();
  const isOwner = allows(operator.role, 'owner');
  // Said here, not in the Operators section: after demoting oneself that section is gone.
  const [stepDown, setStepDown] = useState<Outcome>(undefined);
  return (
    <Page title="Security" lead={isOwner ? 'Client addresses the throttle holds, and the operators of the admin API.' : 'Client addresses the throttle holds.'}>
      {!isOwner && <OutcomeNotice outcome={stepDown} />}
      <ThrottledClients />
      {isOwner && <Operators onSelfDemoted={(text) => setStepDown({ tone: 'ok', text })} />}
    </Page>
  );
}

function ThrottledClients() {
  const { operator } = useSession();
  const mayUnblock = allows(operator.role, 'admin');
  const clients = useLoad(() => api.GET('/admin/v1/throttle'), []);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);

  async function unblock(client: ThrottledClient) {
    setBusy(client.address);
    try {
      const { error } = await api.DELETE('/admin/v1/throttle/{address}', { params: { path: { address: client.address } } });
      setOutcome(
        error === undefined
          ? { tone: 'ok', text: `Unblocked ${client.address}: its ${client.failures} failed ${client.failures === 1 ? 'attempt is' : 'attempts are'} forgotten.` }
          : { tone: 'error', text: problemText(error) },
      );
    } catch (error) {
      setOutcome({ tone: 'error', text: problemText(error) });
    } finally {
      setBusy(undefined);
      clients.reload();
    }
  }

  return (
    <section aria-labelledby="clients-title">
      <div className="section-head">
        <h2 id="clients-title">Client addresses</h2>
        <button
          type="button"
          onClick={() => {
            setOutcome(undefined);
            clients.reload();
          }}
          disabled={clients.loading}
        >
          Refresh
        </button>
      </div>
      <p className="muted small">
        Addresses with failed authentications (a wrong hash, token, password or session) in the current window; one past the limit is blocked from the Kolmisoft API and the
        admin API until its time is up.
      </p>
      <OutcomeNotice outcome={outcome} />
      <LoadState loaded={clients}>
        {clients.data !== undefined &&
          (clients.data.data.length === 0 ? (
            <p>No client address is blocked, and none has failed authentications counted.</p>
          ) : (
            // Focusable, so that a keyboard can scroll the table where it is wider than the screen (a viewer has no button in it).
            <div className="table-wrap" tabIndex={0} role="region" aria-label="Client addresses held by the throttle">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Address</th>
                    <th scope="col">Blocked until</th>
                    <th scope="col" className="num">
                      Failures
                    </th>
                    {mayUnblock && (
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {clients.data.data.map((client) => (
                    <tr key={client.address}>
                      <td className="mono">{client.address}</td>
                      <td>{client.blocked_until === null ? <span className="muted">not blocked</span> : <Time iso={client.blocked_until} />}</td>
                      <td className="num">{client.failures}</td>
                      {mayUnblock && (
                        <td>
                          <button type="button" onClick={() => void unblock(client)} disabled={busy !== undefined}>
                            Unblock<span className="visually-hidden"> {client.address}</span>
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
      </LoadState>
    </section>
  );
}

