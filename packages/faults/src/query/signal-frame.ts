// The signal-window freeze frame (docs/faults.md d, the product's PROTECTIVE_STOP shape) built from one
// capture set whose topics kept a value history: one frame whose `data` maps each signal — the topic's
// last name segment, or the whole topic where two share it — to `{value, history: [[t, value], ...]}`.
//
// Timestamps: history samples are stored as wall-clock ns (bigint, or decimal strings in JSON), which
// exceed 2^53 and cannot be JSON numbers that every client reads exactly. The frame therefore gives each
// sample's time as integer ns since the frame's `x-medkit.history_epoch_ns` (the earliest sample of the
// frame, an exact decimal string of Unix-epoch ns): the offsets span a few seconds, far below 2^53, so
// they are exact JSON numbers, ascending, and epoch + offset (with BigInt) is the exact wall-clock time.
import { primaryValue } from '../snapshots/json-values.js';
import type { SnapshotEntry } from './environment.js';
import { isoFromNs } from './time.js';
import type { FaultSnapshotBody } from './rest-schemas.js';

type Sample = [bigint, unknown];

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `[[ts, value], ...]` with ts a JSON number or decimal string; malformed samples are dropped. */
function samples(text: string): Sample[] {
  const raw = parse(text);
  if (!Array.isArray(raw)) return [];
  const out: Sample[] = [];
  for (const p of raw) {
    if (!Array.isArray(p) || p.length < 2) continue;
    const t = p[0];
    if ((typeof t === 'number' && Number.isInteger(t)) || (typeof t === 'string' && /^-?\d{1,20}$/.test(t))) out.push([BigInt(t), p[1]]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Signal name per topic: the last segment unless another topic of the frame shares it. */
function signalNames(topics: readonly string[]): Map<string, string> {
  const last = (t: string) => t.split('/').filter((s) => s !== '').at(-1) ?? t;
  const count = new Map<string, number>();
  for (const t of topics) count.set(last(t), (count.get(last(t)) ?? 0) + 1);
  return new Map(topics.map((t) => [t, count.get(last(t)) === 1 ? last(t) : t]));
}

/** True when any topic of the capture set kept a history: it is shown as one signal-window frame. */
export function hasSignalHistory(rows: readonly SnapshotEntry[]): boolean {
  return rows.some((r) => r.history !== '');
}

/**
 * One signal-window frame from the rows of one capture set. A topic without a history gets a single
 * sample at its capture time, so every signal of the frame has the same shape.
 */
export function signalWindowFrame(rows: readonly SnapshotEntry[]): FaultSnapshotBody {
  const names = signalNames(rows.map((r) => r.topic));
  const series = rows.map((r) => {
    const message = parse(r.data);
    const value = message === undefined ? r.data : primaryValue(r.message_type, message);
    const hist = r.history ? samples(r.history) : [];
    return { row: r, value, hist: hist.length > 0 ? hist : ([[r.captured_at_ns, value]] as Sample[]) };
  });
  let epoch: bigint | undefined;
  for (const s of series) for (const [t] of s.hist) if (epoch === undefined || t < epoch) epoch = t;
  const base = epoch ?? 0n;
  const data: Record<string, { value: unknown; history: [number, unknown][] }> = {};
  const signals: Record<string, { topic: string; message_type: string }> = {};
  let captured = 0n;
  // One set, one occurrence (0 when the store did not record it).
  const occurrence = rows[0]?.occurrence ?? 0;
  for (const { row, value, hist } of series) {
    const name = names.get(row.topic)!;
    data[name] = { value, history: hist.map(([t, v]) => [Number(t - base), v]) };
    signals[name] = { topic: row.topic, message_type: row.message_type };
    if (row.captured_at_ns > captured) captured = row.captured_at_ns;
  }
  return {
    type: 'freeze_frame',
    name: 'freeze_frame',
    data,
    'x-medkit': { captured_at: isoFromNs(captured), capture_id: rows[0]?.capture_id ?? 0, ...(occurrence > 0 ? { occurrence } : {}), history_epoch_ns: base.toString(), signals },
  };
}
