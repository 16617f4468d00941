// What one occurrence of a fault has of its own: its freeze frames, its recording, its window; how it is named on
// screen; the nearest occurrence that has what it lacks; and the page of the occurrence list it is on. Panels show
// only the chosen occurrence's evidence, never another's passed off as its own (issue 67).
import type { FrameView, RecordingView } from '../model/freeze-frame';
import { formatTime } from '../model/time';
import type { Occurrence } from './occurrences';

/** "#46 (23:09:22)", or "the occurrence of 23:09:22" when the gateway's history does not number it. */
export function occurrenceName(o: Occurrence): string {
  return o.number !== undefined ? `#${o.number} (${formatTime(o.atMs)})` : `the occurrence of ${formatTime(o.atMs)}`;
}

/**
 * The freeze frames captured for `o`: its capture set only — the frames that carry its occurrence number, or (from a
 * gateway that numbers no capture) those stamped with its capture's time. Frames with neither cannot be given to
 * any occurrence: when no frame has one (an older peer), they are all returned, marked `unattributed`.
 */
export function framesOf(frames: FrameView[], o: Occurrence | undefined): { frames: FrameView[]; unattributed: boolean } {
  if (frames.length > 0 && frames.every((f) => f.capturedAtMs === undefined && f.occurrence === undefined)) return { frames, unattributed: true };
  if (!o || o.captureMs === undefined) return { frames: [], unattributed: false };
  return { frames: frames.filter((f) => (f.occurrence !== undefined ? f.occurrence === o.captureOf : o.captureOf === undefined && f.capturedAtMs === o.captureMs)), unattributed: false };
}

/** The occurrence nearest in time to `o` that has what `has` asks for (not `o` itself); ties go to the later one. */
export function nearestWith(list: Occurrence[], o: Occurrence | undefined, has: (x: Occurrence) => boolean): Occurrence | undefined {
  if (!o) return undefined;
  let best: Occurrence | undefined;
  for (const x of list) {
    if (x === o || !has(x)) continue;
    const dx = Math.abs(x.atMs - o.atMs);
    if (!best || dx < Math.abs(best.atMs - o.atMs) || (dx === Math.abs(best.atMs - o.atMs) && x.atMs > best.atMs)) best = x;
  }
  return best;
}

/** How long it lasted (ms), or undefined while it is active or when the history does not say. */
export function durationMs(o: Occurrence): number | undefined {
  return o.endMs !== undefined && o.startMs !== undefined ? Math.max(0, o.endMs - o.startMs) : undefined;
}

/** "4.2 s", "3 min 5 s", "2 h 4 min". */
export function formatSpan(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** What evidence the occurrence has, in words. */
export function evidenceText(o: Occurrence): string {
  const parts = [o.captureMs !== undefined && 'freeze frame', o.recording && 'recording'].filter(Boolean);
  return parts.length > 0 ? parts.join(' and ') : 'no freeze frame, no recording';
}

/** Seconds shown before and after an occurrence when there is no recording to span. */
const BEFORE_SEC = 10;
const AFTER_SEC = 5;

/**
 * The window of the chosen occurrence when its recording is not decoded: from 10 s before it confirmed until 5 s
 * after it ended (at most a minute of it, so a long-active fault still shows its start), else 5 s after it confirmed.
 */
export function occurrenceWindow(o: Occurrence): [number, number] {
  const at = o.atMs / 1000;
  const end = o.endMs !== undefined ? Math.min(o.endMs / 1000, at + 60) : at;
  return [at - BEFORE_SEC, Math.max(at, end) + AFTER_SEC];
}

export interface OccurrencePage {
  items: Occurrence[];
  /** 0-based; `count` pages of `size`. */
  page: number;
  count: number;
}

/** Page `page` of the list (newest first), or, with no page asked for, the one the chosen occurrence is on. */
export function occurrencePage(list: Occurrence[], chosen: Occurrence | undefined, size: number, page?: number): OccurrencePage {
  const count = Math.max(1, Math.ceil(list.length / size));
  const at = chosen ? Math.max(0, list.indexOf(chosen)) : 0;
  const p = Math.min(count - 1, Math.max(0, page ?? Math.floor(at / size)));
  return { items: list.slice(p * size, (p + 1) * size), page: p, count };
}

/** Whose a listed recording is: this occurrence's, or which other one's, and the span it covers. */
export function recordingOwner(r: RecordingView, occurrences: Occurrence[], chosen: Occurrence | undefined): string {
  const owner = occurrences.find((o) => o.recording?.path === r.path);
  const span = r.capturedAtMs !== undefined ? `${formatTime(r.capturedAtMs)}${r.durationSec ? `, ${r.durationSec.toFixed(1)} s` : ''}` : undefined;
  const who = !owner ? 'not matched to an occurrence' : owner === chosen ? 'this occurrence' : owner.number !== undefined ? `occurrence #${owner.number}` : `the occurrence of ${formatTime(owner.atMs)}`;
  return span ? `${who} · ${span}` : who;
}
