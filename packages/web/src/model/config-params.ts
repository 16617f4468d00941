// Configuration (ROS parameter) values: editing text ↔ typed JSON value per the parameter's ROS
// type (docs/resources.md), so a wrong value is refused before the PUT.
import { isObj, obj, str } from './json';

type ParamType = 'bool' | 'int' | 'double' | 'string' | 'byte_array' | 'bool_array' | 'int_array' | 'double_array' | 'string_array' | 'not_set' | string;

export interface ParamView {
  /** Configuration id to address (may be `<app>:<name>` on aggregates). */
  id: string;
  name: string;
  type: ParamType;
  value: unknown;
  /** Owning app id on aggregated entities. */
  source?: string;
  node?: string;
  readOnly?: boolean;
  description?: string;
}

/**
 * Rows of GET /{entity}/configurations: items give ids, x-medkit.parameters give values and
 * types. On aggregates ids are `<app>:<name>` and parameters carry x-medkit.source.
 */
export function normalizeConfigurations(body: unknown): ParamView[] {
  const b = obj(body);
  const list = Array.isArray(b.items) ? b.items : [];
  const x = obj(b['x-medkit']);
  const params = Array.isArray(x.parameters) ? x.parameters.filter(isObj) : [];
  const byKey = new Map<string, Record<string, unknown>>();
  for (const p of params) {
    const name = str(p.name);
    if (!name) continue;
    const src = str(obj(p['x-medkit']).source);
    byKey.set(src ? `${src}:${name}` : name, p);
    if (!byKey.has(name)) byKey.set(name, p);
  }
  const rows: ParamView[] = [];
  for (const it of list) {
    if (!isObj(it)) continue;
    const id = str(it.id);
    if (!id) continue;
    const itemSrc = str(obj(it['x-medkit']).source);
    const name = str(it.name) ?? id;
    const p = byKey.get(id) ?? (itemSrc ? byKey.get(`${itemSrc}:${name}`) : undefined) ?? byKey.get(name);
    const px = obj(p?.['x-medkit']);
    rows.push({
      id,
      name,
      type: str(p?.type) ?? 'not_set',
      value: p?.value,
      source: itemSrc ?? str(px.source),
      node: str(px.node),
      readOnly: p?.read_only === true ? true : undefined,
      description: str(p?.description) || undefined,
    });
  }
  return rows;
}

/**
 * Parameter prefixes the UI never edits (issue 56): `ros2_medkit.*` is what medkit itself reads from the robot's
 * nodes (the parameter beacon's discovery hints), `qos_overrides.*` is fixed by ROS when a node starts.
 */
export const INTERNAL_PARAM_PREFIXES = ['ros2_medkit.', 'qos_overrides.'] as const;

/** Why the UI offers no Edit/Reset for `row`, or undefined when it does. */
export function lockedReason(row: Pick<ParamView, 'name' | 'readOnly'>): string | undefined {
  const prefix = INTERNAL_PARAM_PREFIXES.find((p) => row.name.startsWith(p));
  if (prefix) return `${prefix}* parameters are read-only here: ${prefix === 'ros2_medkit.' ? 'the gateway reads them from the node' : 'ROS fixes them when the node starts'}`;
  if (row.readOnly) return 'The node declares this parameter read-only';
  return undefined;
}

/** Merges GET /{entity}/configurations/{id} (x-medkit.parameter) into a row. */
export function withDetail(row: ParamView, body: unknown): ParamView {
  const x = obj(obj(body)['x-medkit']);
  const p = obj(x.parameter);
  return {
    ...row,
    node: str(obj(x.ros2).node) ?? row.node,
    value: 'data' in obj(body) ? obj(body).data : row.value,
    type: str(p.type) ?? row.type,
    readOnly: typeof p.read_only === 'boolean' ? p.read_only : row.readOnly,
    description: str(p.description) || row.description,
  };
}

/** Text shown in the edit box for a value. */
export function formatParam(type: ParamType, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (type === 'string') return String(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

const isInt = (n: unknown) => typeof n === 'number' && Number.isInteger(n);
const isNum = (n: unknown) => typeof n === 'number' && Number.isFinite(n);

/** Parses edit text into a value of the parameter's ROS type. */
export function parseParam(type: ParamType, text: string): Parsed {
  const t = text.trim();
  switch (type) {
    case 'string':
      return { ok: true, value: text };
    case 'bool':
      if (t === 'true' || t === 'false') return { ok: true, value: t === 'true' };
      return { ok: false, error: 'expected true or false' };
    case 'int':
      return /^[+-]?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? { ok: true, value: Number(t) } : { ok: false, error: 'expected a whole number' };
    case 'double': {
      const n = Number(t);
      return t !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: 'expected a number' };
    }
    case 'bool_array':
      return parseArray(t, (v) => typeof v === 'boolean', 'true/false values');
    case 'int_array':
      return parseArray(t, isInt, 'whole numbers');
    case 'double_array':
      return parseArray(t, isNum, 'numbers');
    case 'string_array':
      return parseArray(t, (v) => typeof v === 'string', 'strings');
    case 'byte_array':
      return parseArray(t, (v) => isInt(v) && (v as number) >= 0 && (v as number) <= 255, 'bytes 0–255');
    default:
      // Unknown or not_set: accept any JSON, else the text as a string.
      try {
        return { ok: true, value: JSON.parse(t) };
      } catch {
        return { ok: true, value: text };
      }
  }
}

function parseArray(t: string, ok: (v: unknown) => boolean, what: string): Parsed {
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return { ok: false, error: `expected a JSON array of ${what}, e.g. [1, 2]` };
  }
  if (!Array.isArray(v) || !v.every(ok)) return { ok: false, error: `expected a JSON array of ${what}` };
  return { ok: true, value: v };
}

/** A parameter write as the UI confirms it before the PUT and reports it after: which node, which value to which. */
export interface ParamChange {
  name: string;
  /** The node's name (ROS FQN), else the entity the parameter belongs to. */
  node: string;
  from: string;
  to: string;
}

export function paramChange(row: ParamView, to: unknown, entityId: string): ParamChange {
  return { name: row.name, node: row.node ?? row.source ?? entityId, from: formatParam(row.type, row.value) || '(not set)', to: formatParam(row.type, to) || '(not set)' };
}

/** "max_speed on /safety/safety_gate: 0.5 → 0.8" */
export function changeText(c: ParamChange): string {
  return `${c.name} on ${c.node}: ${c.from} → ${c.to}`;
}
