/**
 * Entity id rules (docs/manifest.md, docs/api.md): 1–256 characters of `[A-Za-z0-9_-]`.
 */

/** Longest id the API accepts. */
export const MAX_ID_LENGTH = 256;

const ID_RE = /^[A-Za-z0-9_-]{1,256}$/;

/** True when `id` is a valid SOVD entity id. */
export function isValidEntityId(id: unknown): id is string {
  return typeof id === 'string' && ID_RE.test(id);
}

/** Why `id` is not a valid entity id, or undefined when it is. */
export function entityIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'id is empty';
  if (id.length > MAX_ID_LENGTH) return `id is longer than ${MAX_ID_LENGTH} characters`;
  const bad = id.match(/[^A-Za-z0-9_-]/);
  if (bad) return `id contains '${bad[0]}' (only A-Z a-z 0-9 _ - are allowed)`;
  return undefined;
}
