// What the incident page puts on its time axis and how it finds the correlation of a fault, from the REST
// documents alone (fault detail, GET /faults?include_muted=true's x-medkit.muted_faults; docs/faults.md).
import { isObj, obj, str, toEpochMs, xm } from '../model/json';
import type { FaultDetailView } from '../model/fault-detail';
import type { RecordingView } from '../model/freeze-frame';

export interface AxisMark {
  atSec: number;
  label: string;
  kind: 'failed' | 'passed' | 'captured' | 'live';
}

/**
 * The fault's known instants: first and last occurrence, last PASSED, captures, status changes seen live; with a
 * chosen occurrence, its confirmation and its end, named by its number.
 */
export function axisMarks(detailBody: unknown, d: FaultDetailView, live: { status: string; atMs?: number }[], chosen?: { atMs: number; number?: number; endMs?: number }): AxisMark[] {
  const item = obj(obj(detailBody).item);
  const marks: AxisMark[] = [];
  const add = (ms: number | undefined, label: string, kind: AxisMark['kind']) => {
    if (ms !== undefined && Number.isFinite(ms)) marks.push({ atSec: ms / 1000, label, kind });
  };
  add(d.firstMs, 'first occurrence', 'failed');
  if (d.lastMs !== d.firstMs) add(d.lastMs, 'last occurrence', 'failed');
  add(toEpochMs(item.last_passed), 'passed (last)', 'passed');
  const captures = new Set(d.frames.map((f) => f.capturedAtMs).filter((t): t is number => t !== undefined));
  for (const t of captures) add(t, 'freeze frame captured', 'captured');
  for (const h of live) add(h.atMs, `${h.status} (seen live)`, 'live');
  if (chosen) {
    const name = chosen.number !== undefined ? `occurrence #${chosen.number}` : 'this occurrence';
    if (chosen.atMs !== d.firstMs && chosen.atMs !== d.lastMs) add(chosen.atMs, `${name} confirmed`, 'failed');
    add(chosen.endMs, `${name} ended`, 'passed');
  }
  return marks.sort((a, b) => a.atSec - b.atSec);
}

/**
 * The instant the plots mark as "the fault": the first or last occurrence when the recording spans it, else
 * the chosen occurrence's capture (an occurrence between the first and the last), else the first occurrence.
 */
export function faultInstantSec(d: FaultDetailView, window?: [number, number], captureSec?: number): number | undefined {
  const occ = [d.firstMs, d.lastMs].filter((t): t is number => t !== undefined).map((t) => t / 1000);
  if (window) {
    const inside = occ.filter((t) => t >= window[0] && t <= window[1]);
    if (inside.length > 0) return inside[0];
  }
  return captureSec ?? occ[0];
}

/** The newest recording (the fleet console's fault page, which shows one). */
export function newestRecording(recordings: RecordingView[]): RecordingView | undefined {
  return [...recordings].sort((a, b) => (b.capturedAtMs ?? 0) - (a.capturedAtMs ?? 0))[0];
}

export interface FaultRef {
  code: string;
  entityId?: string;
  status?: string;
  gateway?: string;
  /** The occurrence of it the link opens (a past correlation's), and what to say of it. */
  atMs?: number;
  note?: string;
}

export interface Correlation {
  /** Root cause of this fault (it is a muted symptom). */
  rootCause?: FaultRef[];
  /** Symptoms of this fault (it is a root cause). */
  symptoms: FaultRef[];
  ruleId?: string;
}

/** The list's x-medkit.muted_faults: `{fault_code, root_cause_code, rule_id}` each. */
export function mutedOf(listBody: unknown): Record<string, unknown>[] {
  const m = xm(obj(listBody)).muted_faults;
  return Array.isArray(m) ? m.filter(isObj) : [];
}

/** The list's items that carry `code` (on each entity, from each gateway), or the bare code when none does. */
export function faultRefs(listBody: unknown, code: string): FaultRef[] {
  const b = obj(listBody);
  const items = Array.isArray(b.items) ? b.items.filter(isObj) : [];
  const found = items.filter((i) => (str(i.fault_code) ?? str(i.code)) === code);
  if (found.length === 0) return [{ code }];
  return found.map((i) => ({ code, entityId: str(i.entity_id), status: str(xm(i).status) ?? str(i.status), gateway: str(xm(i).gateway) }));
}

/**
 * Correlation of `code` from the muted-faults list; each code is resolved to the items that carry it. `laterRoots`
 * (symptom → root cause) adds what muted symptoms' events said since that list was read.
 */
export function correlationOf(listBody: unknown, code: string, laterRoots: ReadonlyMap<string, string> = new Map()): Correlation {
  const muted = mutedOf(listBody);
  const refsOf = (c: string) => faultRefs(listBody, c);
  const asSymptom = muted.find((m) => str(m.fault_code) === code);
  const symptomCodes = muted.filter((m) => str(m.root_cause_code) === code && str(m.fault_code) !== code).map((m) => str(m.fault_code)!);
  for (const [symptom, root] of laterRoots) if (root === code && symptom !== code && !symptomCodes.includes(symptom)) symptomCodes.push(symptom);
  const symptoms = symptomCodes.flatMap(refsOf);
  const rootCode = str(asSymptom?.root_cause_code) ?? laterRoots.get(code);
  return { rootCause: rootCode ? refsOf(rootCode) : undefined, symptoms, ruleId: str(asSymptom?.rule_id) ?? str(muted.find((m) => str(m.root_cause_code) === code)?.rule_id) };
}

type Listed = { code: string; entityId?: string; rawStatus: string; occurrences?: number };

/**
 * The fault store's entry of `code` (on `entityId` when the store knows the entity): the store follows the event
 * stream, so a page that shows it beside other faults' shows them all at one moment.
 */
export function liveFault<T extends Listed>(faults: readonly T[], code: string, entityId?: string): T | undefined {
  const same = faults.filter((f) => f.code === code);
  return same.find((f) => f.entityId === entityId) ?? (same.length === 1 && !same[0].entityId ? same[0] : undefined);
}

/** A read of the fault with its status and occurrence count as the store has them now (the read may be older). */
export function withLiveState<D extends { rawStatus: string; occurrences?: number }>(read: D, live: Listed | undefined): D {
  return live ? { ...read, rawStatus: live.rawStatus, occurrences: live.occurrences ?? read.occurrences } : read;
}

/** The correlation with each fault's status as the store has it now (the list it came from may be older). */
export function withLiveStatuses(c: Correlation, faults: readonly Listed[]): Correlation {
  const now = (r: FaultRef): FaultRef => ({ ...r, status: liveFault(faults, r.code, r.entityId)?.rawStatus ?? r.status });
  return { ...c, rootCause: c.rootCause?.map(now), symptoms: c.symptoms.map(now) };
}
