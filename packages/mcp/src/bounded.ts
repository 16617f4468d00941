// Tool output goes into a model's context window: every result is cut to a bounded size while staying
// valid JSON — long lists keep their head and say how many were dropped, then deep detail (such as
// message schemas) is folded away level by level; a hard cut is the last resort.

interface BoundedText {
  text: string;
  truncated: boolean;
}

const LIST_KEYS = ['items', 'snapshots', 'freeze_frames', 'history'];
const MAX_DEPTH = 32;

/** Shortens long arrays inside a JSON value (depth-first, bounded depth) to at most `maxItems`. */
export function trimLists(value: unknown, maxItems: number, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const head = value.slice(0, maxItems).map((v) => trimLists(v, maxItems, depth + 1));
    if (value.length > maxItems) head.push(`… ${value.length - maxItems} more not shown`);
    return head;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = trimLists(v, LIST_KEYS.includes(k) ? maxItems : maxItems * 4, depth + 1);
  return out;
}

/** Replaces everything below `limit` levels with a short note of what was there. */
function foldBelow(value: unknown, limit: number, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= limit) return Array.isArray(value) ? `… ${value.length} items` : `… ${Object.keys(value).length} fields`;
  if (Array.isArray(value)) return value.map((v) => foldBelow(v, limit, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = foldBelow(v, limit, depth + 1);
  return out;
}

/**
 * `value` shrunk towards `maxChars` of JSON text: long lists trimmed, then deep detail folded level by
 * level until it fits (it may still not fit: one huge string). The value is returned with its text.
 */
export function shrink(value: unknown, maxChars: number, maxItems = 50): { value: unknown; text: string } {
  const trimmed = trimLists(value, maxItems);
  let out = trimmed;
  let text = JSON.stringify(trimmed, null, 2) ?? 'null';
  for (let limit = 8; text.length > maxChars && limit >= 2; limit--) {
    out = foldBelow(trimmed, limit);
    text = JSON.stringify(out, null, 2) ?? 'null';
  }
  return { value: out, text };
}

/** JSON text of `value`, never longer than `maxChars` (plus a one-line notice after a hard cut). */
export function boundedJson(value: unknown, maxChars: number, maxItems = 50): BoundedText {
  const whole = JSON.stringify(value, null, 2) ?? 'null';
  if (whole.length <= maxChars) return { text: whole, truncated: false };
  let { text } = shrink(value, maxChars, maxItems);
  if (text.length > maxChars) text = `${text.slice(0, maxChars)}\n… output cut at ${maxChars} characters`;
  return { text, truncated: true };
}
