// The header's sign-in state: who is signed in with which role, or a sign-in button when the
// gateway enforces tokens, and the notice of a session that ended.
import type { AuthView } from '../auth/use-auth';

export function AuthStatus({ auth, onSignIn }: { auth: AuthView; onSignIn: () => void }) {
  const { state, mode } = auth;
  if (!state.signedIn && mode === undefined) return null;
  return (
    <div class="auth-status" data-testid="auth-status">
      {state.signedIn ? (
        <>
          <span class="meta" data-testid="auth-role" title={state.expMs ? `token valid until ${new Date(state.expMs).toLocaleTimeString()}` : undefined}>
            {state.sub ?? 'token'} · role: <strong>{state.role ?? 'unknown'}</strong>
          </span>
          <button type="button" class="link-button" onClick={() => void auth.session.logout()}>
            Sign out
          </button>
        </>
      ) : (
        <button type="button" class="primary" onClick={onSignIn} data-testid="sign-in">
          Sign in
        </button>
      )}
      {state.notice && (
        <span class="auth-notice" role="status">
          {state.notice}
        </span>
      )}
    </div>
  );
}
