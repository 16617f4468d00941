// Sign in to the gateway (docs/security.md): a client id and secret (the client-credentials flow; the
// session refreshes itself), or a pasted access token (used until it expires).
import { useEffect, useState } from 'preact/hooks';
import { SovdClientError } from '@medkit/client';
import { Dialog, FormFooter } from './dialog';
import { errorText } from './errors';
import type { AuthSession } from '../auth/session';

interface LoginDialogProps {
  open: boolean;
  session: AuthSession;
  onClose: () => void;
}

type Mode = 'credentials' | 'token';

/** The user's words for a refused sign-in. */
function loginError(err: unknown): string {
  if (err instanceof SovdClientError) {
    if (err.status === 401) return `Wrong client id or secret: ${err.describe()}`;
    if (err.status === 404) return 'This gateway does not have authentication enabled: no sign-in is needed.';
  }
  return errorText(err);
}

export function LoginDialog({ open, session, onClose }: LoginDialogProps) {
  const [mode, setMode] = useState<Mode>('credentials');
  const [id, setId] = useState('');
  const [secret, setSecret] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) {
      setError(undefined);
      setSecret('');
      setToken('');
    }
  }, [open]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      if (mode === 'credentials') await session.login(id.trim(), secret);
      else session.useToken(token);
      onClose();
    } catch (err) {
      setError(loginError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Sign in to the gateway" open={open} onClose={onClose}>
      <form onSubmit={submit} class="stack" noValidate data-testid="login-form">
        <fieldset class="login-mode">
          <legend>Sign in with</legend>
          <label>
            <input type="radio" name="login-mode" checked={mode === 'credentials'} onChange={() => setMode('credentials')} /> client id and secret
          </label>
          <label>
            <input type="radio" name="login-mode" checked={mode === 'token'} onChange={() => setMode('token')} /> an access token
          </label>
        </fieldset>
        {mode === 'credentials' ? (
          <>
            <label for="login-client-id">Client id</label>
            <input id="login-client-id" autocomplete="username" value={id} autofocus onInput={(e) => setId((e.target as HTMLInputElement).value)} />
            <label for="login-secret">Client secret</label>
            <input id="login-secret" type="password" autocomplete="current-password" value={secret} onInput={(e) => setSecret((e.target as HTMLInputElement).value)} />
          </>
        ) : (
          <>
            <label for="login-token">Access token (JWT)</label>
            <textarea id="login-token" rows={4} spellcheck={false} value={token} onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)} aria-describedby="login-token-help" />
            <p id="login-token-help" class="help">
              A pasted token is used until it expires; it cannot be refreshed.
            </p>
          </>
        )}
        <FormFooter error={error} errorTestId="login-error" submitLabel="Sign in" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
