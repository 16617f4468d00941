// Snapshots of a fault detail (faults.md §6.7, §7.7): freeze frames in four shapes, and black-box
// recordings. Signal-window frames become chart series; a threshold-like signal is drawn over the
// signals that share its unit suffix (min_range_m against stop_threshold_m).
import { isObj, num, obj, str, xm } from './json';

export interface SignalSeries {
  name: string;
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
  topic?: string;
  messageType?: string;
  capturedAtMs?: number;
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
  return Object.entries(data).map(([name, sig]) => {
    const points: [number, number][] = [];
    for (const p of sig.history) {
      if (!Array.isArray(p) || p.length < 2) continue;
      const t = typeof p[0] === 'string' ? Number(p[0]) : p[0];
      const y = sampleNumber(p[1]);
      if (typeof t === 'number' && Number.isFinite(t) && y !== undefined) points.push([t, y]);
    }
    points.sort((a, b) => a[0] - b[0]);
    return { name, value: sig.value, points };
  });
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
  if (ts.length === 1) ts = [ts[0], ts[0] + 1e9]; // one sample: draw a one-second flat segment
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
  return { frames, recordings };
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

/** Rosbag descriptors (spec/api.md §10.2) that carry the given fault code. */
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
