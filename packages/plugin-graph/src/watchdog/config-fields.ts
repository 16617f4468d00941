// Readers of the graph watchdog's configuration values (docs/graph.md), shared by the detectors' sections. An
// invalid value is a warning and keeps its default, except values read with `limit`: they throw, naming the key.

export type Warn = (m: string) => void;
export type DetectorMode = 'raise' | 'advisory' | 'off';
export const P = 'plugins.graph_watchdog.';

/** Reads an integer in [min, max]; numbers or digit strings (environment overrides). */
export function int(raw: Record<string, unknown>, key: string, def: number, min: number, max: number, where: string, warn: Warn): number {
  if (!(key in raw)) return def;
  const v = raw[key];
  const n = typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v.trim())) ? Number(v) : NaN;
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  warn(`${where}${key}: '${String(v)}' is not an integer ${min}–${max}, using ${def}`);
  return def;
}

/** Like {@link int}, but an invalid value refuses the configuration instead of falling back. */
export function limit(raw: Record<string, unknown>, key: string, def: number, min: number, max: number, where: string): number {
  return int(raw, key, def, min, max, where, (m) => {
    throw new Error(m.replace(/, using .*$/, ''));
  });
}

export function bool(raw: Record<string, unknown>, key: string, def: boolean, where: string, warn: Warn): boolean {
  if (!(key in raw)) return def;
  const v = raw[key];
  if (v === true || v === 'true' || v === 'yes') return true;
  if (v === false || v === 'false' || v === 'no') return false;
  warn(`${where}${key}: '${String(v)}' is not a boolean, using ${def}`);
  return def;
}

/** A list of strings: a YAML list, or comma-separated text (environment overrides). */
export function strings(raw: Record<string, unknown>, key: string, where: string, warn: Warn): string[] {
  if (!(key in raw)) return [];
  const v = raw[key];
  if (Array.isArray(v)) return v.map(String).slice(0, 1024);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 1024);
  warn(`${where}${key}: must be a list of strings, ignored`);
  return [];
}

export function mode(raw: Record<string, unknown>, where: string, warn: Warn): DetectorMode {
  const v = raw.mode;
  if (v === undefined || v === 'raise' || v === true || v === 'true' || v === 'yes') return 'raise';
  if (v === 'advisory') return 'advisory';
  if (v === 'off' || v === false || v === 'false' || v === 'no') return 'off';
  warn(`${where}mode: '${String(v)}' is not raise, advisory or off, using raise`);
  return 'raise';
}

export function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function unknownKeys(raw: Record<string, unknown>, known: string[], where: string, warn: Warn): void {
  for (const k of Object.keys(raw)) if (!known.includes(k)) warn(`${where}${k}: unknown key, ignored`);
}
