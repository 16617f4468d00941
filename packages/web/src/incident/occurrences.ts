// A fault's occurrences as the incident view offers them: each capture set (the freeze frames taken at one
// confirmation) and each black-box recording, a recording joined to the capture it was made for. The
// occurrence's instant (epoch ms) is its address in the URL (`#/incident/…/<code>/<ms>`).
import { recordingsForFault, type FrameView, type RecordingView } from '../model/freeze-frame';
import { normalizeFaultDetail, type FaultDetailView, type StatusChange } from '../model/fault-detail';

export interface Occurrence {
  /** The capture's time, else the recording's (from the history: the confirmation's, else its first change's). */
  atMs: number;
  captureMs?: number;
  /** The occurrence number its freeze frames carry (x-medkit.occurrence), when the gateway stored one. */
  captureOf?: number;
  recording?: RecordingView;
  /** The fault's occurrence number, when the gateway's stored history names it. */
  number?: number;
  /** Its first change, and when it healed or was cleared (from the stored history; no end while it is active). */
  startMs?: number;
  endMs?: number;
}

/** How much earlier than an occurrence's first change its capture or recording may be stamped. */
const EARLY_EVIDENCE_MS = 1000;

/** A recording is written when its window closes, seconds after the confirmation the capture was taken at. */
const SAME_OCCURRENCE_MS = 30_000;

/**
 * True while the occurrence may still get its recording: it has none, it is younger than a recording takes to be
 * written, and the gateway records (another occurrence has one).
 */
export function recordingDue(o: Occurrence | undefined, all: Occurrence[], nowMs: number): boolean {
  return !!o && !o.recording && o.captureMs !== undefined && nowMs - o.captureMs < SAME_OCCURRENCE_MS && all.some((x) => x.recording);
}

/** The recording's own time: as listed, else the `_<unix ms>` its name ends with (`fault_<CODE>_<ms>`). */
function recordingMs(r: RecordingView): number | undefined {
  if (r.capturedAtMs !== undefined) return r.capturedAtMs;
  const m = /_(\d{12,})$/.exec(decodeURIComponent(r.path.split('/').pop() ?? ''));
  return m ? Number(m[1]) : undefined;
}

/** Each capture's frames that name their occurrence: number → the earliest of their times. */
function capturesByNumber(frames: FrameView[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const f of frames) {
    if (f.occurrence === undefined || f.capturedAtMs === undefined) continue;
    out.set(f.occurrence, Math.min(out.get(f.occurrence) ?? Infinity, f.capturedAtMs));
  }
  return out;
}

/**
 * Newest first. With the gateway's stored history (`history`), one entry per occurrence number it names, at its
 * confirmation (else its first change), with the capture whose frames carry its number, and the first recording
 * (and, from a gateway that numbers no capture, the first capture) that falls in its span (from its first change
 * to the next occurrence's, each widened back by up to a second, never into the previous one's): a capture is
 * stamped with its newest message's time, which for a slow topic can predate its occurrence, so its number decides
 * where the gateway gives one. Without a history, one per capture set, a recording joined to the nearest capture
 * within 30 s.
 */
export function occurrencesOf(frames: FrameView[], recordings: RecordingView[], history: StatusChange[] = []): Occurrence[] {
  const numbered = fromHistory(history);
  if (numbered.length === 0) return fromEvidence(frames, recordings);
  const byNumber = capturesByNumber(frames);
  const captures = [...new Set(frames.filter((f) => f.occurrence === undefined).map((f) => f.capturedAtMs).filter((t): t is number => t !== undefined))];
  const timed = recordings.map((r) => ({ r, t: recordingMs(r) }));
  // Evidence may be stamped up to a second before the first change it belongs to (another clock took it); that
  // slack shrinks to half the gap to the previous occurrence, so spans never overlap and each piece has one owner.
  const from = numbered.map((o, i) => o.startMs - Math.min(EARLY_EVIDENCE_MS, i > 0 ? (o.startMs - numbered[i - 1].startMs) / 2 : EARLY_EVIDENCE_MS));
  numbered.forEach((o, i) => {
    const end = from[i + 1] ?? Infinity;
    const inSpan = (t: number | undefined) => t !== undefined && t >= from[i] && t < end;
    const own = o.occurrence.number !== undefined ? byNumber.get(o.occurrence.number) : undefined;
    if (own !== undefined) Object.assign(o.occurrence, { captureMs: own, captureOf: o.occurrence.number });
    else o.occurrence.captureMs = captures.filter(inSpan).sort((a, b) => a - b)[0];
    o.occurrence.recording = timed.filter((x) => inSpan(x.t)).sort((a, b) => (a.t ?? 0) - (b.t ?? 0))[0]?.r;
  });
  return numbered.map((o) => o.occurrence).reverse();
}

/** Occurrences the history names, oldest first, with the start of each one's span. */
function fromHistory(history: StatusChange[]): { startMs: number; occurrence: Occurrence }[] {
  const by = new Map<number, StatusChange[]>();
  for (const h of history) if (h.occurrence !== undefined && h.atMs !== undefined) by.set(h.occurrence, [...(by.get(h.occurrence) ?? []), h]);
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([number, changes]) => {
    const startMs = Math.min(...changes.map((c) => c.atMs!));
    const confirmed = changes.find((c) => c.change === 'confirmed')?.atMs;
    const ends = changes.filter((c) => c.change === 'healed' || c.change === 'cleared').map((c) => c.atMs!);
    const endMs = ends.length > 0 ? Math.min(...ends) : undefined;
    return { startMs, occurrence: { atMs: confirmed ?? startMs, number, startMs, endMs } };
  });
}

function fromEvidence(frames: FrameView[], recordings: RecordingView[]): Occurrence[] {
  const captures = [...new Set(frames.filter((f) => f.occurrence === undefined).map((f) => f.capturedAtMs).filter((t): t is number => t !== undefined))];
  const list: Occurrence[] = [...captures.map((t) => ({ atMs: t, captureMs: t })), ...[...capturesByNumber(frames)].map(([n, t]) => ({ atMs: t, captureMs: t, captureOf: n }))];
  const timed = recordings.map((r) => ({ r, t: recordingMs(r) })).sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  for (const { r, t } of timed) {
    const near = t === undefined ? undefined : list.filter((o) => !o.recording && o.captureMs !== undefined && Math.abs(o.captureMs - t) <= SAME_OCCURRENCE_MS).sort((a, b) => Math.abs(a.captureMs! - t!) - Math.abs(b.captureMs! - t!))[0];
    if (near) near.recording = r;
    else list.push({ atMs: t ?? 0, recording: r });
  }
  return list.sort((a, b) => b.atMs - a.atMs);
}

/** The occurrence the URL names, else the newest. */
export function pickOccurrence(list: Occurrence[], atMs: number | undefined): Occurrence | undefined {
  return list.find((o) => o.atMs === atMs) ?? list[0];
}

/** The fault's recordings the detail and the entity's recording listing name, each once (either may be missing yet). */
export function faultRecordings(detail: FaultDetailView | undefined, listing: unknown, base: string, code: string): RecordingView[] {
  const all = [...(detail?.recordings ?? []), ...recordingsForFault(listing, base, code)];
  return all.filter((r, i) => all.findIndex((x) => x.path === r.path) === i);
}

/**
 * The recording the incident view opens for these answers (raw bodies, either may be missing yet): the chosen
 * occurrence's, as the view picks it — so the route can start its download before the view is loaded.
 */
export function recordingToOpen(detailBody: unknown, listing: unknown, base: string, code: string, atMs: number | undefined): RecordingView | undefined {
  const d = detailBody === undefined ? undefined : normalizeFaultDetail(detailBody, code);
  return pickOccurrence(occurrencesOf(d?.frames ?? [], faultRecordings(d, listing, base, code), d?.history), atMs)?.recording;
}
