// Endpoint QoS: the policies discovery carries, their defaults, and their parameter-list form.

import type { ByteWriter } from './byte-writer.js';
import type { Cursor } from './cursor.js';
import { writeParameter } from './parameter-list.js';
import { PID } from './pids.js';
import { secondsToWire, wireToSeconds } from './time.js';

export type ReliabilityKind = 'best-effort' | 'reliable';
export type DurabilityKind = 'volatile' | 'transient-local' | 'transient' | 'persistent';
export type LivelinessKind = 'automatic' | 'manual-by-participant' | 'manual-by-topic';
export type History = { kind: 'keep-last'; depth: number } | { kind: 'keep-all' };

/** The QoS policies of a reader or writer that matter on the wire. Durations in seconds (Infinity allowed). */
export interface QoS {
  reliability: ReliabilityKind;
  /** RELIABLE max_blocking_time (informational). */
  maxBlockingTimeSec: number;
  durability: DurabilityKind;
  history: History;
  deadlineSec: number;
  lifespanSec: number;
  liveliness: { kind: LivelinessKind; leaseSec: number };
  ownership: 'shared' | 'exclusive';
  ownershipStrength: number;
  /** Partition names; [] means the default partition. Wildcards `*` and `?` allowed. */
  partitions: string[];
  /** Data representation ids (0 XCDR1, 2 XCDR2). */
  dataRepresentation: number[];
}

/** What our endpoints use when the caller gives nothing: ROS's default profile. */
export const DEFAULT_QOS: QoS = {
  reliability: 'reliable',
  maxBlockingTimeSec: 0.1,
  durability: 'volatile',
  history: { kind: 'keep-last', depth: 10 },
  deadlineSec: Infinity,
  lifespanSec: Infinity,
  liveliness: { kind: 'automatic', leaseSec: Infinity },
  ownership: 'shared',
  ownershipStrength: 0,
  partitions: [],
  dataRepresentation: [0],
};

/** Fills the gaps of a partial QoS with our defaults. */
export function resolveQos(q: Partial<QoS> | undefined): QoS {
  return { ...DEFAULT_QOS, ...(q ?? {}), liveliness: { ...DEFAULT_QOS.liveliness, ...(q?.liveliness ?? {}) } };
}

/** Defaults the RTPS spec assumes when a discovered endpoint omits a policy (packages/rtps/README.md). */
export function wireDefaultQos(isWriter: boolean): QoS {
  return { ...DEFAULT_QOS, reliability: isWriter ? 'reliable' : 'best-effort', history: { kind: 'keep-last', depth: 1 } };
}

const DURABILITY: DurabilityKind[] = ['volatile', 'transient-local', 'transient', 'persistent'];
const LIVELINESS: LivelinessKind[] = ['automatic', 'manual-by-participant', 'manual-by-topic'];

export function durabilityRank(k: DurabilityKind): number {
  return DURABILITY.indexOf(k);
}

export function livelinessRank(k: LivelinessKind): number {
  return LIVELINESS.indexOf(k);
}

function readDuration(c: Cursor): number {
  const sec = c.i32();
  const frac = c.u32();
  return wireToSeconds(sec, frac);
}

function writeDuration(w: ByteWriter, seconds: number): void {
  const [s, f] = secondsToWire(seconds);
  w.i32(s).u32(f);
}

/**
 * Applies one QoS parameter to `q` if `pid` is a QoS policy. Returns false for other PIDs.
 * `c` is positioned at the value, bounded to it.
 */
export function applyQosParameter(q: QoS, pid: number, c: Cursor): boolean {
  switch (pid) {
    case PID.RELIABILITY: {
      const kind = c.u32();
      q.reliability = kind >= 2 ? 'reliable' : 'best-effort';
      if (c.remaining >= 8) q.maxBlockingTimeSec = readDuration(c);
      return true;
    }
    case PID.DURABILITY:
      q.durability = DURABILITY[c.u32()] ?? 'volatile';
      return true;
    case PID.HISTORY: {
      const kind = c.u32();
      const depth = c.remaining >= 4 ? c.i32() : 1;
      q.history = kind === 1 ? { kind: 'keep-all' } : { kind: 'keep-last', depth: Math.max(1, depth) };
      return true;
    }
    case PID.DEADLINE:
      q.deadlineSec = readDuration(c);
      return true;
    case PID.LIFESPAN:
      q.lifespanSec = readDuration(c);
      return true;
    case PID.LIVELINESS: {
      const kind = LIVELINESS[c.u32()] ?? 'automatic';
      q.liveliness = { kind, leaseSec: c.remaining >= 8 ? readDuration(c) : Infinity };
      return true;
    }
    case PID.OWNERSHIP:
      q.ownership = c.u32() === 1 ? 'exclusive' : 'shared';
      return true;
    case PID.OWNERSHIP_STRENGTH:
      q.ownershipStrength = c.i32();
      return true;
    case PID.PARTITION: {
      const n = c.u32();
      if (n > 256) return true;
      const names: string[] = [];
      for (let i = 0; i < n; i++) {
        c.align(4);
        names.push(c.string(1024));
      }
      q.partitions = names;
      return true;
    }
    case PID.DATA_REPRESENTATION: {
      const n = c.u32();
      const reps: number[] = [];
      for (let i = 0; i < n && i < 16; i++) reps.push(c.i16());
      q.dataRepresentation = reps.length > 0 ? reps : [0];
      return true;
    }
    default:
      return false;
  }
}

/** Writes the QoS parameters of an endpoint announcement. */
export function writeQosParameters(w: ByteWriter, q: QoS, isWriter: boolean): void {
  writeParameter(w, PID.RELIABILITY, (w) => {
    w.u32(q.reliability === 'reliable' ? 2 : 1);
    writeDuration(w, q.maxBlockingTimeSec);
  });
  writeParameter(w, PID.DURABILITY, (w) => w.u32(durabilityRank(q.durability)));
  writeParameter(w, PID.HISTORY, (w) => {
    w.u32(q.history.kind === 'keep-all' ? 1 : 0);
    w.i32(q.history.kind === 'keep-all' ? 1 : q.history.depth);
  });
  if (isWriter && q.durability !== 'volatile') {
    // DURABILITY_SERVICE: cleanup delay 0, history copied from the endpoint, unlimited limits.
    writeParameter(w, PID.DURABILITY_SERVICE, (w) => {
      writeDuration(w, 0);
      w.u32(q.history.kind === 'keep-all' ? 1 : 0);
      w.i32(q.history.kind === 'keep-all' ? 1 : q.history.depth);
      w.i32(-1).i32(-1).i32(-1);
    });
  }
  if (Number.isFinite(q.deadlineSec)) writeParameter(w, PID.DEADLINE, (w) => writeDuration(w, q.deadlineSec));
  if (isWriter && Number.isFinite(q.lifespanSec)) writeParameter(w, PID.LIFESPAN, (w) => writeDuration(w, q.lifespanSec));
  if (q.liveliness.kind !== 'automatic' || Number.isFinite(q.liveliness.leaseSec)) {
    writeParameter(w, PID.LIVELINESS, (w) => {
      w.u32(livelinessRank(q.liveliness.kind));
      writeDuration(w, q.liveliness.leaseSec);
    });
  }
  if (q.ownership === 'exclusive') {
    writeParameter(w, PID.OWNERSHIP, (w) => w.u32(1));
    if (isWriter) writeParameter(w, PID.OWNERSHIP_STRENGTH, (w) => w.i32(q.ownershipStrength));
  }
  if (q.partitions.length > 0) {
    writeParameter(w, PID.PARTITION, (w) => {
      const start = w.pos;
      w.u32(q.partitions.length);
      for (const p of q.partitions) {
        w.align(4, start);
        w.string(p);
      }
    });
  }
  writeParameter(w, PID.DATA_REPRESENTATION, (w) => {
    w.u32(q.dataRepresentation.length);
    for (const r of q.dataRepresentation) w.i16(r);
  });
}
