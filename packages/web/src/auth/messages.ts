// What the UI says on the auth layer's refusals (docs/security.md): what to do first, then the gateway's words.
import { SovdClientError } from '@medkit/client';

/** The message for a 401 or 403, or undefined for any other error. */
export function authMessage(error: unknown): string | undefined {
  if (!(error instanceof SovdClientError)) return undefined;
  if (error.status === 401) return `Sign-in required: ${error.describe()}`;
  if (error.status === 403) return `Your role may not do this: ${error.describe()}`;
  return undefined;
}
