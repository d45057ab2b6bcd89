/** Who is signed in: read once from GET /admin/v1/session, shared by every page. */
import { createContext, useContext } from 'react';
import type { OperatorRole } from './api.js';

export interface Operator {
  readonly username: string;
  readonly role: OperatorRole;
}

export interface SessionState {
  readonly operator: Operator;
  signOut(): Promise<void>;
  /** Reads the session again: after a change of one's own role, what the console offers follows. */
  refresh(): Promise<void>;
}

export const SessionContext = createContext<SessionState | undefined>(undefined);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession outside a signed-in page');
  return session;
}
