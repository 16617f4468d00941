// Snapshots of a fault detail (docs/faults.md): freeze frames in four shapes, and black-box
// recordings. Signal-window frames become chart series; a threshold-like signal is drawn over the
// signals that share its unit suffix (min_range_m against stop_threshold_m). The gateway sends one
// signal-window frame per capture keyed by signal name, with history times as integer ns after
// x-medkit.history_epoch_ns; peers may key by topic (`/safety/safety_gate/min_range_m`), so series are
// named by a key's last segment when that is unambiguous. Only differences of times are charted.
// Without any signal window (the gateway kept no history), the numeric per-topic frames of the
// capture are charted as one sample per signal at capture time.
import { isObj, num, obj, str, xm } from './json';

interface SignalSeries {
  /** Display name: the signal key, or a topic's last segment. */
  name: string;
  /** The key the gateway used when it differs from `name` (a topic path). */
  key?: string;
  /** Value when the frame was read (need not equal the last sample). */
  value: unknown;
  /** [timestamp ns (producer clock), value] ascending. Non-numeric samples are dropped. */
  points: [number, number][];
}

export interface ChartSpec {
  title: string;
  /** The signal the chart is for, then overlays (thresholds). */
  series: SignalSeries[];
  /** Names of series drawn as thresholds (dashed, stepped). */
  thresholds: string[];
}

export interface FrameView {
  name: string;
  kind: 'signals' | 'topic' | 'object' | 'scalar';
  /**
   * Built by the UI from the per-topic frames of one capture (one sample per signal, at its
   * capture time) because the gateway sent no signal window.
   */
  fromTopicFrames?: boolean;
  topic?: string;
  messageType?: string;
  capturedAtMs?: number;
  /**
   * x-medkit.occurrence: the fault occurrence whose confirmation took the capture. Absent from older gateways and
   * captures stored before it was recorded: the frame is then placed by `capturedAtMs` (its newest message's time).
   */
  occurrence?: number;
  /** The frame's `data` as given. */
  data: unknown;
  /** x-medkit.full_data of topic frames. */
  fullData?: unknown;
  parseError?: string;
  signals: SignalSeries[];
  charts: ChartSpec[];
}

export interface RecordingView {
  name: string;
  /** API path (relative to /api/v1) of the download. */
  path: string;
  sizeBytes?: number;
  durationSec?: number;
  format?: string;
  capturedAtMs?: number;
}

const THRESHOLD = /threshold|limit/i;

/** Number from a sample value: numbers as they are, booleans as 0/1, anything else dropped. */
function sampleNumber(v: unknown): number | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  return num(v);
}

function isSignalWindow(data: unknown): data is Record<string, { value?: unknown; history: unknown[] }> {
  if (!isObj(data)) return false;
  const vals = Object.values(data);
  return vals.length > 0 && vals.every((v) => isObj(v) && Array.isArray(v.history));
}

export function toSignals(data: Record<string, { value?: unknown; history: unknown[] }>): SignalSeries[] {
  const names = displayNames(Object.keys(data));
  return Object.entries(data).map(([key, sig]) => {
    const points: [number, number][] = [];
    for (const p of sig.history) {
      if (!Array.isArray(p) || p.length < 2) continue;
      const t = typeof p[0] === 'string' ? Number(p[0]) : p[0];
      const y = sampleNumber(p[1]);
      if (typeof t === 'number' && Number.isFinite(t) && y !== undefined) points.push([t, y]);
    }
    points.sort((a, b) => a[0] - b[0]);
    const name = names.get(key)!;
    return name === key ? { name, value: sig.value, points } : { name, key, value: sig.value, points };
  });
}

/** Last path segment of each topic-like key, unless two keys share it (then the key itself). */
function displayNames(keys: string[]): Map<string, string> {
  const last = (k: string) => k.split('/').filter((x) => x !== '').at(-1) ?? k;
  const count = new Map<string, number>();
  for (const k of keys) count.set(last(k), (count.get(last(k)) ?? 0) + 1);
  return new Map(keys.map((k) => [k, count.get(last(k)) === 1 ? last(k) : k]));
}

/** Unit suffix of a signal name: `min_range_m` → `m`; none without an underscore. */
export function unitSuffix(name: string): string | undefined {
  const i = name.lastIndexOf('_');
  return i > 0 ? name.slice(i + 1) : undefined;
}

/** One chart per plotted signal; thresholds overlay signals with the same unit suffix, else get their own chart. */
export function chartsFor(signals: SignalSeries[]): ChartSpec[] {
  const plottable = signals.filter((s) => s.points.length > 0 || sampleNumber(s.value) !== undefined);
  const thresholds = plottable.filter((s) => THRESHOLD.test(s.name));
  const mains = plottable.filter((s) => !THRESHOLD.test(s.name));
  const used = new Set<string>();
  const charts: ChartSpec[] = mains.map((m) => {
    const unit = unitSuffix(m.name);
    const over = unit ? thresholds.filter((t) => unitSuffix(t.name) === unit) : [];
    for (const t of over) used.add(t.name);
    return { title: over.length ? `${m.name} vs ${over.map((t) => t.name).join(', ')}` : m.name, series: [m, ...over], thresholds: over.map((t) => t.name) };
  });
  for (const t of thresholds) if (!used.has(t.name)) charts.push({ title: t.name, series: [t], thresholds: [] });
  return charts;
}

/** A step value at time t: the last sample at or before t, else the first sample, else `value`. */
export function stepValueAt(s: SignalSeries, t: number): number | null {
  let v: number | undefined;
  for (const [pt, pv] of s.points) {
    if (pt <= t) v = pv;
    else break;
  }
  return v ?? s.points[0]?.[1] ?? sampleNumber(s.value) ?? null;
}

/**
 * uPlot data for a chart: x = seconds relative to the earliest sample of the chart's main signal
 * (timestamps are in the producer's clock, so only differences mean anything); the main signal
 * has values at its own samples (null elsewhere); thresholds are stepped over every x.
 */
export function chartData(c: ChartSpec): { xs: number[]; ys: (number | null)[][]; t0: number } {
  const all = new Set<number>();
  for (const s of c.series) for (const [t] of s.points) all.add(t);
  let ts = [...all].sort((a, b) => a - b);
  if (ts.length === 0) ts = [0];
  const t0 = ts[0];
  const ys = c.series.map((s, i) => {
    const isThreshold = i > 0 && c.thresholds.includes(s.name);
    if (isThreshold || s.points.length <= 1) return ts.map((t) => stepValueAt(s, t));
    const at = new Map(s.points);
    return ts.map((t) => (at.has(t) ? at.get(t)! : null));
  });
  return { xs: ts.map((t) => (t - t0) / 1e9), ys, t0 };
}

/** Splits `environment_data.snapshots` into freeze frames and recordings. */
export function normalizeSnapshots(snapshots: unknown): { frames: FrameView[]; recordings: RecordingView[] } {
  const frames: FrameView[] = [];
  const recordings: RecordingView[] = [];
  if (!Array.isArray(snapshots)) return { frames, recordings };
  for (const s of snapshots) {
    if (!isObj(s)) continue;
    const type = str(s.type);
    const x = xm(s);
    if (type === 'rosbag') {
      const uri = str(s.bulk_data_uri);
      if (!uri) continue;
      recordings.push({
        name: str(s.name) ?? 'recording',
        path: uri.replace(/^\/api\/v1(?=\/)/, ''),
        sizeBytes: num(s.size_bytes),
        durationSec: num(s.duration_sec),
        format: str(s.format),
        capturedAtMs: capturedMs(x.captured_at),
      });
      continue;
    }
    if (type !== undefined && type !== 'freeze_frame') continue;
    frames.push(frameView(s, x));
  }
  // Charts first: signal windows, newest capture first as the gateway lists them.
  const windows = frames.filter((f) => f.kind === 'signals');
  const captured = windows.length > 0 ? [] : capturedValues(frames);
  const others = frames.filter((f) => f.kind !== 'signals');
  return { frames: [...(captured.length > 0 ? captured : windows), ...others], recordings };
}

/**
 * Signals frames from the numeric topic frames: each topic one sample at its capture time (ns), so thresholds
 * overlay their signals as with a signal window. One per occurrence the frames name (x-medkit.occurrence), and one
 * for the frames that name none; none when no frame is numeric.
 */
function capturedValues(frames: FrameView[]): FrameView[] {
  const groups = new Map<number | undefined, FrameView[]>();
  for (const f of frames) if (f.kind === 'topic' && sampleNumber(f.data) !== undefined) groups.set(f.occurrence, [...(groups.get(f.occurrence) ?? []), f]);
  return [...groups].map(([occurrence, numeric]) => mergedValues(numeric, occurrence));
}

function mergedValues(numeric: FrameView[], occurrence: number | undefined): FrameView {
  const names = displayNames([...new Set(numeric.map((f) => f.topic!))]);
  const seen = new Set<string>();
  const signals: SignalSeries[] = [];
  // Frames come newest capture first: keep each topic's newest sample.
  for (const f of numeric) {
    if (seen.has(f.topic!)) continue;
    seen.add(f.topic!);
    const y = sampleNumber(f.data)!;
    const name = names.get(f.topic!)!;
    signals.push({ name, key: f.topic, value: f.data, points: f.capturedAtMs !== undefined ? [[f.capturedAtMs * 1e6, y]] : [] });
  }
  const times = numeric.map((f) => f.capturedAtMs).filter((t): t is number => t !== undefined);
  return {
    name: 'Captured values',
    kind: 'signals',
    fromTopicFrames: true,
    capturedAtMs: times.length ? Math.max(...times) : undefined,
    ...(occurrence !== undefined ? { occurrence } : {}),
    data: Object.fromEntries(signals.map((x) => [x.key!, x.value])),
    signals,
    charts: chartsFor(signals),
  };
}

/** `{ occurrence }` when the gateway gave one (a positive integer), else nothing. */
function numbered(v: unknown): { occurrence?: number } {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? { occurrence: v } : {};
}

function capturedMs(v: unknown): number | undefined {
  const t = typeof v === 'string' ? Date.parse(v) : undefined;
  return t === undefined || Number.isNaN(t) ? undefined : t;
}

function frameView(s: Record<string, unknown>, x: Record<string, unknown>): FrameView {
  const data = s.data;
  const base = {
    name: str(s.name) ?? 'freeze frame',
    topic: str(x.topic) || undefined,
    messageType: str(x.message_type) || undefined,
    capturedAtMs: capturedMs(x.captured_at),
    ...numbered(x.occurrence),
    data,
    fullData: x.full_data,
    parseError: str(x.parse_error),
  };
  if (isSignalWindow(data)) {
    const signals = toSignals(data);
    return { ...base, kind: 'signals', signals, charts: chartsFor(signals) };
  }
  return { ...base, kind: base.topic ? 'topic' : isObj(data) ? 'object' : 'scalar', signals: [], charts: [] };
}

/** Formats a byte count for the download link. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Formats a recording's length: one decimal (the gateway gives the exact float). */
export function formatDuration(sec: number | undefined): string {
  return sec === undefined ? '' : `${sec.toFixed(1)} s`;
}

/** Rosbag descriptors (docs/faults.md) that carry the given fault code. */
export function recordingsForFault(descriptors: unknown, entityPath: string, code: string): RecordingView[] {
  const list = obj(descriptors).items;
  if (!Array.isArray(list)) return [];
  const out: RecordingView[] = [];
  for (const d of list) {
    if (!isObj(d)) continue;
    const id = str(d.id);
    const x = xm(d);
    const codes = Array.isArray(x.fault_codes) ? x.fault_codes : [];
    if (!id || !codes.includes(code)) continue;
    out.push({
      name: str(d.name) ?? id,
      path: `${entityPath}/bulk-data/rosbags/${encodeURIComponent(id)}`,
      sizeBytes: num(d.size),
      durationSec: num(x.duration_sec),
      format: str(x.format),
      capturedAtMs: capturedMs(d.creation_date),
    });
  }
  return out;
}
