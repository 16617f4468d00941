// The correlation of one past occurrence, from the fault store's status histories (docs/faults.md "Status history"):
// a symptom's root cause is the `muted` (or cascade `cleared`) entry of that occurrence in its own history; a root
// cause's symptoms are the faults whose history has a `muted` entry naming it inside the occurrence's span. The
// gateway serves no correlation rules, so the faults to look in are those muted under it now (issue 67).
import { str } from '../model/json';
import type { StatusChange } from '../model/fault-detail';
import { faultRefs, mutedOf, type Correlation, type FaultRef } from './incident-model';
import { nearestWith } from './occurrence-evidence';
import { occurrencesOf, type Occurrence } from './occurrences';

/** At most this many candidates' details are read for one occurrence. */
export const SYMPTOM_READ_CAP = 16;

/** What a fault's own history says of its root cause during occurrence `n`. */
export interface RootDuring {
  /** false: the history kept does not reach back to the occurrence's start (trimmed by max_per_fault). */
  known: boolean;
  code?: string;
  /** It was released (unmuted) before the occurrence ended. */
  released?: boolean;
}

/** The history's entries of occurrence `n`, oldest first. */
function entriesOf(history: StatusChange[], n: number): StatusChange[] {
  return history.filter((h) => h.origin === 'gateway' && h.occurrence === n);
}

/** The history holds occurrence `n` from its start: its `occurred` entry, or an older entry than its first. */
export function recordedFromStart(history: StatusChange[], n: number | undefined): boolean {
  if (n === undefined) return false;
  const own = entriesOf(history, n);
  if (own.length === 0) return false;
  return own.some((h) => h.change === 'occurred') || history.some((h) => h.origin === 'gateway' && h.occurrence !== undefined && h.occurrence < n);
}

/** The root cause `code`'s own history names for occurrence `n` (the last one, should it have been muted twice). */
export function rootCauseDuring(history: StatusChange[], n: number | undefined): RootDuring {
  if (!recordedFromStart(history, n)) return { known: false };
  const own = entriesOf(history, n!);
  let code: string | undefined;
  let released = false;
  for (const h of own) {
    if (h.change === 'muted' && h.source) [code, released] = [h.source, false];
    else if (h.change === 'cleared' && h.note && !code) code = h.note;
    else if (h.change === 'unmuted' && code) released = true;
  }
  return { known: true, code, released: code ? released : undefined };
}

/** The span of an older occurrence: from its first change to its heal or clear, else to the next one's start. */
export function occurrenceSpan(o: Occurrence, list: Occurrence[]): [number, number] {
  const from = o.startMs ?? o.atMs;
  const next = list[list.indexOf(o) - 1];
  return [from, o.endMs ?? next?.startMs ?? next?.atMs ?? Infinity];
}

/** The faults to look in for symptoms of `code`: those the muted list, or events since, put under it now. */
export function symptomCandidates(listBody: unknown, code: string, laterRoots: ReadonlyMap<string, string>): string[] {
  const out = mutedOf(listBody).filter((m) => str(m.root_cause_code) === code).map((m) => str(m.fault_code)!);
  for (const [symptom, root] of laterRoots) if (root === code) out.push(symptom);
  return [...new Set(out)].filter((c) => c && c !== code);
}

/** One candidate's read: its status history, or why there is none. */
export type CandidateRead = { code: string; history: StatusChange[] } | { code: string; failed: string };

export interface SymptomDuring {
  code: string;
  /** The symptom's own occurrence it was muted in, and that occurrence's instant (its incident's address). */
  occurrence?: number;
  atMs?: number;
}

export interface SymptomsDuring {
  symptoms: SymptomDuring[];
  /** Candidates that cannot say: read failed, or their history kept starts after the span's start. */
  unknown: { code: string; why: string }[];
}

/** The candidates muted under `root` inside `span`, from their histories. */
export function symptomsDuring(root: string, span: [number, number], reads: CandidateRead[]): SymptomsDuring {
  const out: SymptomsDuring = { symptoms: [], unknown: [] };
  for (const r of reads) {
    if ('failed' in r) {
      out.unknown.push({ code: r.code, why: `could not be read (${r.failed})` });
      continue;
    }
    const hit = r.history.find((h) => h.change === 'muted' && h.source === root && h.atMs !== undefined && h.atMs >= span[0] && h.atMs < span[1]);
    if (hit) {
      out.symptoms.push({ code: r.code, occurrence: hit.occurrence, atMs: occurrenceInstant(r.history, hit.occurrence) });
      continue;
    }
    // A history that begins after the span's start with a later occurrence than the first was trimmed: it cannot say.
    const first = r.history.find((h) => h.origin === 'gateway' && h.atMs !== undefined);
    if (!first) out.unknown.push({ code: r.code, why: 'keeps no status history' });
    else if (first.atMs! > span[0] && first.occurrence !== 1) out.unknown.push({ code: r.code, why: 'has no history that far back' });
  }
  return out;
}

/** The instant the incident view gives occurrence `n` of a fault with this history (its URL's address). */
function occurrenceInstant(history: StatusChange[], n: number | undefined): number | undefined {
  return n === undefined ? undefined : occurrencesOf([], [], history).find((o) => o.number === n)?.atMs;
}

/** An older occurrence's correlation as the histories tell it, with what they could not tell. */
export interface PastCorrelation {
  correlation: Correlation;
  /** The fault's own history does not reach back to the occurrence (or there is none): its root cause is unknown. */
  noRecord: boolean;
  /** The nearest occurrence whose root cause is on record (with `noRecord`), else the nearest with a correlation. */
  nearest?: Occurrence;
  /** The root cause released it before the occurrence ended. */
  released?: boolean;
  unknown: { code: string; why: string }[];
  /** Candidates checked and in all: fewer checked when the cap cut the list. */
  checked: number;
  candidates: number;
}

/**
 * The correlation of `chosen` (an older occurrence of `code`): its root cause from its own `history`, its symptoms
 * from the candidates' `reads`, each resolved to the list's items for its link and opening its own occurrence.
 */
export function pastCorrelation(code: string, chosen: Occurrence, list: Occurrence[], history: StatusChange[], reads: { reads: CandidateRead[]; total: number }, listBody: unknown): PastCorrelation {
  const root = rootCauseDuring(history, chosen.number);
  const during = (o: Occurrence) => symptomsDuring(code, occurrenceSpan(o, list), reads.reads);
  const now = during(chosen);
  const refs = (c: string, atMs: number | undefined, note: string): FaultRef[] => faultRefs(listBody, c).map((r) => ({ code: r.code, entityId: r.entityId, gateway: r.gateway, atMs, note }));
  const rootRefs = root.code ? refs(root.code, undefined, root.released ? 'muted under it, then released' : 'muted under it') : undefined;
  const symptoms = now.symptoms.flatMap((s) => refs(s.code, s.atMs, s.occurrence !== undefined ? `its occurrence #${s.occurrence}, muted under this one` : 'muted under this one'));
  const ruleId = mutedOf(listBody).find((m) => str(m.root_cause_code) === code || (root.code && str(m.fault_code) === code && str(m.root_cause_code) === root.code))?.rule_id;
  const correlated = (o: Occurrence) => !!rootCauseDuring(history, o.number).code || during(o).symptoms.length > 0;
  const nearest = !root.known ? nearestWith(list, chosen, (o) => rootCauseDuring(history, o.number).known) : !rootRefs && symptoms.length === 0 ? nearestWith(list, chosen, correlated) : undefined;
  return {
    correlation: { rootCause: rootRefs, symptoms, ruleId: str(ruleId) },
    noRecord: !root.known,
    nearest,
    released: root.released,
    unknown: now.unknown,
    checked: reads.reads.length,
    candidates: reads.total,
  };
}
