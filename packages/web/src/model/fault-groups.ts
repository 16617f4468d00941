// Correlation on the fault dashboard: each muted symptom (GET /faults?include_muted=true,
// x-medkit.muted_faults, docs/faults.md "Correlation") is listed under its root cause; a root cause stays
// visible (greyed once healed) while any of its symptoms is listed.
import type { FaultEvent, FaultView } from './faults';
import { isObj, str, xm } from './json';

/** Symptom code → root cause code, from a fault list body. */
export function rootCausesOf(body: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const muted = xm(body).muted_faults;
  for (const m of Array.isArray(muted) ? muted : []) {
    if (!isObj(m)) continue;
    const code = str(m.fault_code);
    const root = str(m.root_cause_code);
    if (code && root && code !== root) out.set(code, root);
  }
  return out;
}

/**
 * What stream events said of their symptoms' root causes since the list, later first: a muted symptom's event names
 * its root (or, naming none, leaves the list's); any other event of a code means it is shown on its own now (null),
 * as when its root's gateway went offline and released it (docs/faults.md "Muted symptoms on the stream").
 */
export function eventRootsOf(events: Iterable<FaultEvent>, into: ReadonlyMap<string, string | null> = new Map()): Map<string, string | null> {
  const out = new Map(into);
  for (const ev of events) {
    if (!ev.muted) out.set(ev.fault.code, null);
    else if (ev.muted.rootCause) out.set(ev.fault.code, ev.muted.rootCause);
  }
  return out;
}

/** The list's symptom → root cause map with what events said since laid over it. */
export function overlayRootCauses(listRoots: ReadonlyMap<string, string>, eventRoots: ReadonlyMap<string, string | null>): Map<string, string> {
  const out = new Map(listRoots);
  for (const [code, root] of eventRoots) {
    if (root === null) out.delete(code);
    else if (root !== code) out.set(code, root);
  }
  return out;
}

interface GroupedRow {
  fault: FaultView;
  /** 1 for a symptom listed under its root cause. */
  depth: 0 | 1;
  /** Root cause code of a symptom row. */
  rootCause?: string;
  /** A root shown only because a symptom of it is listed (it does not match the filters itself). */
  keptForSymptoms?: boolean;
}

/**
 * `rows` (filtered, sorted) regrouped: each symptom right after the first row of its root cause. Roots missing
 * from `rows` are taken from `all` when a symptom of theirs is listed; symptoms whose root is nowhere stay put.
 */
export function groupByRootCause(rows: FaultView[], all: FaultView[], roots: Map<string, string>): GroupedRow[] {
  if (roots.size === 0) return rows.map((fault) => ({ fault, depth: 0 }));
  const listedRootCodes = new Set(rows.filter((f) => roots.has(f.code)).map((f) => roots.get(f.code)!));
  const withRoots = [...rows];
  for (const code of listedRootCodes) {
    if (!withRoots.some((f) => f.code === code)) {
      const root = all.find((f) => f.code === code);
      if (root) withRoots.unshift(root);
    }
  }
  const out: GroupedRow[] = [];
  const placed = new Set<string>();
  for (const f of withRoots) {
    if (placed.has(f.key)) continue;
    const root = roots.get(f.code);
    if (root && withRoots.some((r) => r.code === root)) continue; // placed under its root
    placed.add(f.key);
    out.push({ fault: f, depth: 0, keptForSymptoms: !rows.includes(f) || undefined });
    // Symptoms under the first row of their root code only.
    if (out.filter((r) => r.fault.code === f.code).length > 1) continue;
    for (const s of withRoots) {
      if (roots.get(s.code) === f.code && !placed.has(s.key)) {
        placed.add(s.key);
        out.push({ fault: s, depth: 1, rootCause: f.code });
      }
    }
  }
  return out;
}
