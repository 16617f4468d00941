// Where a value rule reads its numbers (docs/graph.md): a numeric field of a topic's messages,
// `/odom.twist.twist.angular.z` (ROS names have no dots, so the first dot ends the topic; `ranges[3]` indexes
// an array), or a key of a `/diagnostics` status, `diag:<status name>/<key>` (the last slash ends the name).

export type SourceSpec =
  | { kind: 'field'; topic: string; path: (string | number)[] }
  | { kind: 'diag'; status: string; key: string };

const MAX_PATH_SEGMENTS = 16;
const MAX_NAME = 256;
const MAX_INDEX = 1_000_000;
const TOPIC = /^\/[A-Za-z0-9_~/]*[A-Za-z0-9_]$/;
const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d{1,7}\])*)$/;

/** Parses a source string; throws an Error naming what is wrong. */
export function parseSource(text: unknown): SourceSpec {
  if (typeof text !== 'string' || text.length === 0) throw new Error('must be a non-empty string');
  if (text.length > 2 * MAX_NAME) throw new Error(`longer than ${2 * MAX_NAME} characters`);
  if (text.startsWith('diag:')) {
    const rest = text.slice(5);
    const cut = rest.lastIndexOf('/');
    const status = rest.slice(0, Math.max(cut, 0));
    const key = rest.slice(cut + 1);
    if (cut <= 0 || !key) throw new Error(`'${text}' is not diag:<status name>/<key>`);
    if (status.length > MAX_NAME || key.length > MAX_NAME) throw new Error(`status name and key are at most ${MAX_NAME} characters each`);
    return { kind: 'diag', status, key };
  }
  const dot = text.indexOf('.');
  const topic = dot < 0 ? text : text.slice(0, dot);
  if (dot < 0) throw new Error(`'${text}' names no field: write /topic.field (or diag:<status>/<key>)`);
  if (topic.length > MAX_NAME || !TOPIC.test(topic) || topic.includes('//')) throw new Error(`'${topic}' is not an absolute ROS topic name`);
  const path: (string | number)[] = [];
  for (const seg of text.slice(dot + 1).split('.')) {
    const m = SEGMENT.exec(seg);
    if (!m) throw new Error(`'${seg}' is not a field name (letters, digits, _; optional [index])`);
    path.push(m[1]);
    for (const idx of m[2].match(/\d+/g) ?? []) {
      const i = Number(idx);
      if (i > MAX_INDEX) throw new Error(`index ${idx} is above ${MAX_INDEX}`);
      path.push(i);
    }
    if (path.length > MAX_PATH_SEGMENTS) throw new Error(`more than ${MAX_PATH_SEGMENTS} path segments`);
  }
  return { kind: 'field', topic, path };
}

/**
 * A message value as a number: numbers, booleans (1/0), decimal strings of 64-bit integers and numeric text
 * (diagnostic values are strings). 64-bit integers beyond 2^53 lose precision here: rules compare magnitudes.
 */
export function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === 'true' || s === 'True') return 1;
    if (s === 'false' || s === 'False') return 0;
    if (s.length === 0 || s.length > 64 || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A value that is there but is no finite number: NaN, an infinity, text that is not a number (docs/graph.md). */
export const INVALID = Symbol('invalid');

/** `v` as a number, INVALID when it is present but not a finite number, undefined when absent. */
export function numericOrInvalid(v: unknown): number | typeof INVALID | undefined {
  if (v === undefined || v === null) return undefined;
  return numeric(v) ?? INVALID;
}

/** The number at `path` in a message's JSON form: INVALID for a value that is no finite number, undefined when absent. */
export function readFieldOrInvalid(message: unknown, path: readonly (string | number)[]): number | typeof INVALID | undefined {
  const v = valueAt(message, path);
  return v === ABSENT ? undefined : numericOrInvalid(v);
}

const ABSENT = Symbol('absent');

function valueAt(message: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = message;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return ABSENT;
    if (typeof seg === 'number') {
      if (!Array.isArray(v) || seg >= v.length) return ABSENT;
      v = v[seg];
    } else {
      if (Array.isArray(v) || !Object.hasOwn(v, seg)) return ABSENT;
      v = (v as Record<string, unknown>)[seg];
    }
  }
  return v;
}

/** The number at `path` in a message's JSON form, or undefined. */
export function readField(message: unknown, path: readonly (string | number)[]): number | undefined {
  const v = valueAt(message, path);
  return v === ABSENT ? undefined : numeric(v);
}
