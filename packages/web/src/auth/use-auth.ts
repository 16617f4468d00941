// The sign-in state of the chosen gateway for the views: whether the gateway enforces tokens (the
// `auth` object of GET /, or a 401 on it), the session, the typed client that carries its token,
// and which controls the signed-in role may use.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createMedkitClient, SovdClientError, type MedkitClient } from '@medkit/client';
import { AuthSession, type SessionState } from './session';
import { refusal, type AuthMode, type Control } from './permissions';
import { backgroundTurn } from '../api/foreground';
import { earlyFetch } from '../api/early-reads';

export interface AuthView {
  /** Token enforcement of the gateway; undefined while auth is off (or not yet known). */
  mode: AuthMode;
  state: SessionState;
  session: AuthSession;
  /** Why `control` is refused to the current caller, or undefined when it may be used. */
  refusal(control: Control): string | undefined;
}

/** How often the auth mode is read again (a gateway restarted with other settings). */
const MODE_POLL_MS = 30_000;

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function useAuth(gateway: string, clientId: string): { auth: AuthView; client: MedkitClient } {
  const session = useMemo(() => new AuthSession(createMedkitClient({ baseUrl: gateway }), gateway, sessionStore()), [gateway]);
  const client = useMemo(() => createMedkitClient({ baseUrl: gateway, clientId, token: session.token, fetch: earlyFetch }), [session, gateway, clientId]);
  const [state, setState] = useState<SessionState>(() => session.state());
  const [mode, setMode] = useState<AuthMode>(undefined);

  useEffect(() => {
    setState(session.state());
    const off = session.subscribe(() => setState(session.state()));
    return () => {
      off();
      session.dispose();
    };
  }, [session]);

  useEffect(() => {
    let stopped = false;
    const read = async () => {
      try {
        await backgroundTurn();
        const root = await client.get('/');
        const m = root?.auth?.enabled ? root.auth.require_auth_for : undefined;
        if (!stopped) setMode(m === 'none' || m === 'write' || m === 'all' ? m : undefined);
      } catch (err) {
        // Reads need a token: the gateway requires auth for everything.
        if (!stopped && err instanceof SovdClientError && err.status === 401) setMode('all');
      }
    };
    void read();
    const t = setInterval(() => void read(), MODE_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [client, state.signedIn]);

  const auth: AuthView = { mode, state, session, refusal: (c) => refusal(c, mode, state.role) };
  return { auth, client };
}
