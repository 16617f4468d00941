// In-process fault store (`storage_type: memory`): plain maps, lost on exit, same behaviour as SQLite.
import type { NearMiss } from '../engine.js';
import type { FaultRecord } from '../model.js';
import { cloneRecord } from '../model.js';
import { countByStatusSeverity, type FaultRepository, type FreezeFrameRow, type RosbagLink, type SnapshotRow, type StatusSeverityCount } from './repository.js';
import { newestCaptureFirst, newestLinkFirst, setsToEvict } from './ordering.js';
import type { HistoryEntry } from '../history/model.js';

/** Every row of a store, as a write-behind backend loads it into memory (rows in insertion order). */
export interface StoreRows {
  faults: FaultRecord[];
  nearMisses: NearMiss[];
  snapshots: SnapshotRow[];
  frames: FreezeFrameRow[];
  links: RosbagLink[];
  history: HistoryEntry[];
}

export class MemoryFaultRepository implements FaultRepository {
  readonly kind = 'memory' as const;

  /** A store holding `rows` (ids kept; new ones continue after the largest). */
  static fromRows(rows: StoreRows): MemoryFaultRepository {
    const m = new MemoryFaultRepository();
    for (const r of rows.faults) m.faults.set(r.fault_code, cloneRecord(r));
    for (const n of rows.nearMisses) {
      const list = m.misses.get(n.fault_code) ?? [];
      list.push({ ...n });
      m.misses.set(n.fault_code, list);
    }
    for (const s of rows.snapshots) {
      const list = m.snaps.get(s.fault_code) ?? [];
      list.push({ ...s });
      m.snaps.set(s.fault_code, list);
    }
    for (const f of rows.frames) m.frames.set(f.fault_code, { ...f });
    m.links = rows.links.map((l) => ({ ...l }));
    for (const h of rows.history) m.appendHistory(h, 0);
    m.nextId = 1 + Math.max(0, ...rows.snapshots.map((s) => s.id ?? 0), ...rows.links.map((l) => l.id ?? 0), ...rows.history.map((h) => h.id ?? 0));
    return m;
  }

  /** Codes that have snapshot rows (a mirror computes what a cap evicted per code). */
  snapshotCodes(): string[] {
    return [...this.snaps.keys()];
  }

  atomically<T>(fn: () => T): T {
    return fn();
  }
  private readonly faults = new Map<string, FaultRecord>();
  private readonly misses = new Map<string, NearMiss[]>();
  private readonly snaps = new Map<string, SnapshotRow[]>();
  private readonly frames = new Map<string, FreezeFrameRow>();
  private links: RosbagLink[] = [];
  private readonly changes = new Map<string, HistoryEntry[]>();
  private nextId = 1;

  getFault(code: string): FaultRecord | undefined {
    const r = this.faults.get(code);
    return r && cloneRecord(r);
  }
  allFaults(): FaultRecord[] {
    return [...this.faults.values()].map(cloneRecord);
  }
  faultCount(): number {
    return this.faults.size;
  }
  statusSeverityCounts(): StatusSeverityCount[] {
    return countByStatusSeverity(this.faults.values());
  }
  putFault(rec: FaultRecord, nearMiss?: NearMiss, maxNearMisses = 0): void {
    this.faults.set(rec.fault_code, cloneRecord(rec));
    if (nearMiss) {
      const list = this.misses.get(rec.fault_code) ?? [];
      list.push({ ...nearMiss });
      if (maxNearMisses > 0 && list.length > maxNearMisses) list.splice(0, list.length - maxNearMisses);
      this.misses.set(rec.fault_code, list);
    }
  }
  putFaults(recs: readonly FaultRecord[]): void {
    for (const r of recs) this.faults.set(r.fault_code, cloneRecord(r));
  }
  deleteFault(code: string): void {
    this.faults.delete(code);
    this.misses.delete(code);
    this.snaps.delete(code);
    this.frames.delete(code);
    this.changes.delete(code);
  }
  appendHistory(entry: HistoryEntry, maxPerFault: number): void {
    const list = this.changes.get(entry.fault_code) ?? [];
    list.push({ ...entry, id: entry.id ?? this.nextId++ });
    if (maxPerFault > 0 && list.length > maxPerFault) list.splice(0, list.length - maxPerFault);
    this.changes.set(entry.fault_code, list);
  }
  history(code: string): HistoryEntry[] {
    return (this.changes.get(code) ?? []).map((h) => ({ ...h }));
  }
  nearMisses(code: string): NearMiss[] {
    return (this.misses.get(code) ?? []).map((m) => ({ ...m }));
  }
  trimNearMisses(maxPerFault: number): number {
    if (maxPerFault <= 0) return 0;
    let dropped = 0;
    for (const list of this.misses.values()) {
      if (list.length > maxPerFault) {
        dropped += list.length - maxPerFault;
        list.splice(0, list.length - maxPerFault);
      }
    }
    return dropped;
  }
  insertCaptureSet(rows: readonly SnapshotRow[], maxRows: number): void {
    if (rows.length === 0) return;
    const code = rows[0].fault_code;
    const list = this.snaps.get(code) ?? [];
    for (const r of rows) list.push({ ...r, id: this.nextId++ });
    const evict = new Set(setsToEvict(list.map((r) => r.capture_id), maxRows));
    this.snaps.set(code, list.filter((r) => !evict.has(r.capture_id)));
  }
  snapshotRows(code: string): SnapshotRow[] {
    return [...(this.snaps.get(code) ?? [])].sort(newestCaptureFirst).map((r) => ({ ...r }));
  }
  deleteSnapshots(code: string): void {
    this.snaps.delete(code);
  }
  applySnapshotCap(maxRows: number): number {
    let dropped = 0;
    for (const [code, list] of this.snaps) {
      const evict = new Set(setsToEvict(list.map((r) => r.capture_id), maxRows));
      const kept = list.filter((r) => !evict.has(r.capture_id));
      dropped += list.length - kept.length;
      this.snaps.set(code, kept);
    }
    return dropped;
  }
  maxCaptureId(): number {
    let max = 0;
    for (const list of this.snaps.values()) for (const r of list) max = Math.max(max, r.capture_id);
    return max;
  }
  freezeFrame(code: string): FreezeFrameRow | undefined {
    const f = this.frames.get(code);
    return f && { ...f };
  }
  putFreezeFrame(frame: FreezeFrameRow): void {
    this.frames.set(frame.fault_code, { ...frame });
  }
  addRosbagLinks(links: readonly RosbagLink[]): void {
    for (const l of links) {
      const i = this.links.findIndex((x) => x.fault_code === l.fault_code && x.file_path === l.file_path);
      if (i >= 0) this.links[i] = { ...l, id: this.links[i].id };
      else this.links.push({ ...l, id: this.nextId++ });
    }
  }
  rosbagLinksForFault(code: string): RosbagLink[] {
    return this.links.filter((l) => l.fault_code === code).sort(newestLinkFirst).map((l) => ({ ...l }));
  }
  linksForRecording(recordingId: string): RosbagLink[] {
    return this.links.filter((l) => l.recording_id === recordingId).sort(newestLinkFirst).map((l) => ({ ...l }));
  }
  allRosbagLinks(): RosbagLink[] {
    return [...this.links].sort(newestLinkFirst).map((l) => ({ ...l }));
  }
  deleteRosbagLink(code: string, recordingId: string): void {
    this.links = this.links.filter((l) => !(l.fault_code === code && l.recording_id === recordingId));
  }
  deleteRecording(recordingId: string): void {
    this.links = this.links.filter((l) => l.recording_id !== recordingId);
  }
  close(): void {}
}
