// Freeze frames as the fault detail lists them: identical captures of one topic shown once (with how many and
// over which span), and a frame's value named by its field paths (`linear.x 0.4`), not shown as bare JSON.
import { isObj } from './json';
import type { FrameView } from './freeze-frame';

export interface FrameGroup {
  frame: FrameView;
  /** Captures with the same topic and value (1 = just this one). */
  count: number;
  /** Oldest and newest capture of the group (ms). */
  firstMs?: number;
  lastMs?: number;
}

/** One field of a value: its path and a printable value. */
export interface NamedField {
  path: string;
  value: string;
}

const MAX_FIELDS = 64;

/** Groups frames (newest first as given) by topic and value; signal frames stay one each. */
export function groupFrames(frames: FrameView[]): FrameGroup[] {
  const groups: FrameGroup[] = [];
  const byKey = new Map<string, FrameGroup>();
  for (const f of frames) {
    if (f.kind === 'signals') {
      groups.push({ frame: f, count: 1, firstMs: f.capturedAtMs, lastMs: f.capturedAtMs });
      continue;
    }
    const key = `${f.topic ?? f.name}\u0000${JSON.stringify(f.data)}`;
    const g = byKey.get(key);
    if (!g) {
      const created: FrameGroup = { frame: f, count: 1, firstMs: f.capturedAtMs, lastMs: f.capturedAtMs };
      byKey.set(key, created);
      groups.push(created);
      continue;
    }
    g.count++;
    if (f.capturedAtMs !== undefined) {
      g.firstMs = g.firstMs === undefined ? f.capturedAtMs : Math.min(g.firstMs, f.capturedAtMs);
      g.lastMs = g.lastMs === undefined ? f.capturedAtMs : Math.max(g.lastMs, f.capturedAtMs);
    }
  }
  return groups;
}

/** The path of `value` inside `message` (the field the gateway picked as the primary value), '' when none. */
export function fieldPathOf(message: unknown, value: unknown): string {
  if (!isObj(message)) return '';
  const want = JSON.stringify(value);
  const stack: [string, unknown][] = Object.entries(message);
  let steps = 0;
  while (stack.length > 0 && steps++ < 10_000) {
    const [path, v] = stack.shift()!;
    if (JSON.stringify(v) === want) return path;
    if (isObj(v)) for (const [k, c] of Object.entries(v)) stack.push([`${path}.${k}`, c]);
  }
  return '';
}

/** `value` flattened into named fields under `prefix` (at most 64), arrays by index. */
export function namedFields(value: unknown, prefix = ''): NamedField[] {
  const out: NamedField[] = [];
  const walk = (v: unknown, path: string) => {
    if (out.length >= MAX_FIELDS) return;
    if (isObj(v)) for (const [k, c] of Object.entries(v)) walk(c, path ? `${path}.${k}` : k);
    else if (Array.isArray(v)) v.slice(0, MAX_FIELDS).forEach((c, i) => walk(c, `${path}[${i}]`));
    else out.push({ path: path || 'value', value: typeof v === 'string' ? v : JSON.stringify(v) });
  };
  walk(value, prefix);
  return out;
}
