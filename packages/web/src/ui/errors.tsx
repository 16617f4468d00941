// Error display: the SOVD error message and code, a plain note when a route is not served, and
// what to do on 401 (sign in) and 403 (the role is not enough).
import { MedkitError } from '@medkit/client';
import { authMessage } from '../auth/messages';
import { isMissingRoute } from '../state/entity-tree';

export function errorText(error: unknown): string {
  const auth = authMessage(error);
  if (auth) return auth;
  if (error instanceof MedkitError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

export function ErrorNote({ error, what }: { error: unknown; what?: string }) {
  if (error instanceof MedkitError && error.status === 501) {
    return <p class="note">{what ? `${what}: ` : ''}not available on this gateway ({error.message}).</p>;
  }
  if (isMissingRoute(error)) {
    return <p class="note">{what ? `${what}: ` : ''}this gateway does not serve this resource yet.</p>;
  }
  return (
    <p class="error" role="alert">
      {what ? `${what}: ` : ''}
      {errorText(error)}
    </p>
  );
}
