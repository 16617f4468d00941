// Log entries (docs/resources.md with the binding form: severity lower case and level upper case)
// and the live tail's merge of successive polls.
import { clockTime } from './time';
import { logLevel, type LogLevel } from './severity';
import { isObj, num, obj, str, toEpochMs } from './json';

export interface LogView {
  id: string;
  timestamp: string;
  timeMs?: number;
  level?: LogLevel;
  message: string;
  node?: string;
  where?: string;
}

function normalizeLog(item: unknown, index = 0): LogView | null {
  if (!isObj(item)) return null;
  const ctx = obj(item.context);
  const message = str(item.message) ?? str(item.msg);
  if (message === undefined) return null;
  const timestamp = str(item.timestamp) ?? (num(item.timestamp) !== undefined ? new Date(toEpochMs(item.timestamp)!).toISOString() : '');
  const file = str(ctx.file);
  const line = num(ctx.line);
  const fn = str(ctx.function);
  return {
    id: str(item.id) ?? `${timestamp}#${index}`,
    timestamp,
    timeMs: toEpochMs(item.timestamp),
    level: logLevel(item.severity, item.level),
    message,
    node: str(ctx.node) ?? str(item.logger_name) ?? str(item.name),
    where: file ? `${fn ? `${fn} ` : ''}${file}${line ? `:${line}` : ''}` : fn,
  };
}

export function normalizeLogList(body: unknown): LogView[] {
  const list = obj(body).items;
  return Array.isArray(list) ? list.map((i, n) => normalizeLog(i, n)).filter((l): l is LogView => l !== null) : [];
}

/** Appends entries not seen yet (by id), keeps oldest → newest order, keeps the newest `cap`. */
export function mergeLogs(existing: LogView[], incoming: LogView[], cap = 1000): LogView[] {
  const seen = new Set(existing.map((l) => l.id));
  const fresh = incoming.filter((l) => !seen.has(l.id));
  if (fresh.length === 0) return existing;
  const all = [...existing, ...fresh].sort((a, b) => (a.timeMs ?? 0) - (b.timeMs ?? 0));
  return all.length > cap ? all.slice(all.length - cap) : all;
}

/** Local time of day with milliseconds, the date in front when not today; the text as given when it is no time. */
export function logTime(l: LogView, today = new Date()): string {
  return l.timeMs === undefined ? l.timestamp : clockTime(l.timeMs / 1000, today);
}
