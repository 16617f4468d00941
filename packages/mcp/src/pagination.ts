// Cursors for tools/list and resources/list: opaque to the client, checked on the way back in. A cursor
// this server did not hand out (or one for another list or an offset past the end) is refused with
// InvalidParams instead of silently restarting the list.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

const MAX_CURSOR_CHARS = 256;

function encode(list: string, offset: number): string {
  return Buffer.from(JSON.stringify({ l: list, o: offset })).toString('base64url');
}

function decode(list: string, cursor: string, total: number): number {
  const refuse = () => new McpError(ErrorCode.InvalidParams, `invalid ${list} cursor`);
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const c = v as { l?: unknown; o?: unknown };
  if (!v || typeof v !== 'object' || c.l !== list || !Number.isSafeInteger(c.o) || (c.o as number) <= 0 || (c.o as number) >= total) throw refuse();
  return c.o as number;
}

/** One page of `all` from `cursor` (undefined = the first page). */
export function paginate<T>(list: string, all: readonly T[], cursor: string | undefined, pageSize: number): Page<T> {
  const from = cursor === undefined ? 0 : decode(list, cursor, all.length);
  const to = Math.min(all.length, from + pageSize);
  return { items: all.slice(from, to), ...(to < all.length ? { nextCursor: encode(list, to) } : {}) };
}
