// Where the manager writes each fault change it keeps: the fault store's status history (always, inside the
// change's transaction) and the optional tamper-evident audit log (docs/faults.md "Audit log").
import type { FaultRecord, FaultStatus } from '../model.js';
import type { FaultRepository } from '../storage/repository.js';
import { acknowledgementOf, MAX_HISTORY_NOTE, MAX_HISTORY_SOURCE, type Acknowledgement, type HistoryChange } from './model.js';

/** Transition log (docs/faults.md "Audit log"). */
export type AuditKind = 'occurred' | 'confirmed' | 'healed' | 'cleared' | 'acknowledged';
export interface AuditSink {
  record(kind: AuditKind, code: string, source: string, status: FaultStatus, atNs: bigint): void;
}

const MAX_CACHED = 10_000;
const AUDITED: ReadonlySet<HistoryChange> = new Set<AuditKind>(['occurred', 'confirmed', 'healed', 'cleared', 'acknowledged']);

export class TransitionLog {
  /** Acknowledgement per code, read from the store once (lists show it on every item); dropped on each change of the code. */
  private readonly acks = new Map<string, Acknowledgement | null>();

  constructor(
    private readonly repository: FaultRepository,
    private readonly maxPerFault: () => number,
    private readonly audit?: AuditSink,
  ) {}

  /** Records `change` of `rec` (the record after it); call inside the change's `repository.atomically`. */
  record(change: HistoryChange, rec: FaultRecord, source: string, atNs: bigint, note = ''): void {
    this.repository.appendHistory({
      fault_code: rec.fault_code, at_ns: atNs, change, status: rec.status, occurrence: rec.occurrence_count,
      source: source.slice(0, MAX_HISTORY_SOURCE), note: note.slice(0, MAX_HISTORY_NOTE),
    }, this.maxPerFault());
    // Read again after the change (a rolled-back one leaves the store as it was, and so the next read).
    this.acks.delete(rec.fault_code);
    if (AUDITED.has(change)) this.audit?.record(change as AuditKind, rec.fault_code, source, rec.status, atNs);
  }

  /** The acknowledgement of `rec`'s current occurrence, if any. */
  acknowledgement(rec: FaultRecord): Acknowledgement | undefined {
    let ack = this.acks.get(rec.fault_code);
    if (ack === undefined) {
      ack = acknowledgementOf(this.repository.history(rec.fault_code), rec.occurrence_count) ?? null;
      if (this.acks.size >= MAX_CACHED) this.acks.delete(this.acks.keys().next().value!);
      this.acks.set(rec.fault_code, ack);
    }
    return ack && ack.occurrence === rec.occurrence_count ? ack : undefined;
  }
}
