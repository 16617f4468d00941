// A decoded ROS message → its numeric fields by path. Numbers, bigints and booleans are values; arrays of
// numbers become two summary values (`<path> (min)`, `<path> (mean)`, finite elements only, so a LaserScan's
// out-of-range `inf` does not hide the rest); arrays of anything else their length. Time stamps are left out
// (the plots' x axis is the message time), and so are strings.

const MAX_FIELDS = 64;
const MAX_DEPTH = 8;

/** `state`: a boolean, drawn as a state band (its value holds until the next message). */
export type FieldKind = 'scalar' | 'state' | 'min' | 'mean' | 'length';

interface FlatField {
  key: string;
  kind: FieldKind;
  value: number;
}

function isNumericArray(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return !(v instanceof BigInt64Array || v instanceof BigUint64Array);
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');
}

function summarise(a: ArrayLike<number>): { min: number; mean: number } | undefined {
  let min = Infinity;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (!Number.isFinite(x)) continue;
    if (x < min) min = x;
    sum += x;
    n++;
  }
  return n === 0 ? undefined : { min, mean: sum / n };
}

/** The numeric fields of one message, at most 64, in definition order. */
export function flattenMessage(msg: unknown): FlatField[] {
  const out: FlatField[] = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (out.length >= MAX_FIELDS || depth > MAX_DEPTH) return;
    if (typeof v === 'number') out.push({ key: path, kind: 'scalar', value: v });
    else if (typeof v === 'bigint') out.push({ key: path, kind: 'scalar', value: Number(v) });
    else if (typeof v === 'boolean') out.push({ key: path, kind: 'state', value: v ? 1 : 0 });
    else if (isNumericArray(v)) {
      const s = summarise(v);
      out.push({ key: `${path} (min)`, kind: 'min', value: s?.min ?? NaN });
      out.push({ key: `${path} (mean)`, kind: 'mean', value: s?.mean ?? NaN });
    } else if (Array.isArray(v) || ArrayBuffer.isView(v)) out.push({ key: `${path} (length)`, kind: 'length', value: (v as ArrayLike<unknown>).length });
    else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (k === 'stamp') continue;
        walk(child, path ? `${path}.${k}` : k, depth + 1);
      }
    }
  };
  walk(msg, '', 0);
  return out;
}
