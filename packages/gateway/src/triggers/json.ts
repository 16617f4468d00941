// JSON helpers for trigger evaluation: deep equality (docs/triggers.md) and JSON Pointers (RFC 6901).
import { SovdError } from '@medkit/sovd';

/** Deep JSON equality: same type, same keys, same values; array order matters. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual(ao[k], bo[k]));
}

const MAX_POINTER_LENGTH = 1024;

/** Parses a JSON Pointer into reference tokens; throws 400 invalid-parameter when malformed. */
export function parsePointer(pointer: unknown): string[] {
  if (typeof pointer !== 'string' || pointer.length > MAX_POINTER_LENGTH || (pointer !== '' && !pointer.startsWith('/')) || /~[^01]|~$/.test(pointer)) {
    throw new SovdError('invalid-parameter', `path must be a JSON Pointer ('' or '/a/b', ≤ ${MAX_POINTER_LENGTH} characters, '~' only as ~0 or ~1)`, { parameter: 'path', value: pointer });
  }
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at the pointer, or `found: false` when the document has no such location. */
export function resolvePointer(doc: unknown, tokens: readonly string[]): { found: boolean; value?: unknown } {
  let cur = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t) || Number(t) >= cur.length) return { found: false };
      cur = cur[Number(t)];
    } else if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, t)) {
      cur = (cur as Record<string, unknown>)[t];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}
