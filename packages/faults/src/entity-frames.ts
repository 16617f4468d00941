// Entity freeze frames (docs/faults.md (c), docs/plugins.md; the reference's 0.7.0 zero-config freeze frames
// and its "entity freeze-frames survive a restart"): when a fault whose reporting source is a plugin's entity
// confirms, the gateway reads that entity's current data values — values the fault manager's topic capture
// cannot reach — and keeps them as one frame for the fault. Kept in SQLite (the gateway store, or the file
// `entity_freeze_frame.storage.path` names), so a restart serves the frame as it was captured instead of
// today's values. HTTP-free: the fault views render the frames.
import { openStoreFile, type Migration, type SqliteDatabase } from '@medkit/kit';
import type { FaultRecord } from './model.js';

/** Faults whose frames are kept; the oldest capture goes first (docs/faults.md (c)). */
export const MAX_ENTITY_FRAMES = 256;

export interface EntityFrame {
  fault_code: string;
  entity_id: string;
  /** `{resource_id: value}` of every data item the entity served. */
  data: Record<string, unknown>;
  captured_at_ns: bigint;
  /** `startup`: caught up at gateway start for a fault already confirmed; absent for a confirm-edge capture. */
  capture_origin?: 'startup';
  /** The link state the plugin reported (false: values are its last known ones). */
  connected?: boolean;
  /** The plugin payload's own timestamp, verbatim. */
  source_timestamp?: unknown;
  /** The occurrence captured: the fault's `first_occurred_ns` then (a re-raise after a clear starts a new one). */
  occurrence_ns: bigint;
}

/** What one capture read: the entity's values and their provenance. */
interface EntityValues {
  data: Record<string, unknown>;
  connected?: boolean;
  source_timestamp?: unknown;
}

export interface EntityFrameStore {
  load(): EntityFrame[];
  put(frame: EntityFrame): void;
  delete(code: string): void;
  close(): void;
}

function createTable(db: SqliteDatabase): void {
  db.exec(`CREATE TABLE IF NOT EXISTS entity_freeze_frames (
    fault_code TEXT PRIMARY KEY,
    entity_id TEXT NOT NULL,
    data TEXT NOT NULL,
    captured_at_ns TEXT NOT NULL,
    capture_origin TEXT,
    connected INTEGER,
    source_timestamp TEXT,
    occurrence_ns TEXT NOT NULL
  )`);
}

export const ENTITY_FRAME_MIGRATIONS: Migration[] = [{ id: 'faults-entity-frames-001', up: createTable }];

interface Row {
  fault_code: string;
  entity_id: string;
  data: string;
  captured_at_ns: string;
  capture_origin: string | null;
  connected: number | null;
  source_timestamp: string | null;
  occurrence_ns: string;
}

/** Frames in a SQLite database: the gateway store (table from the migration) or its own file. */
export class SqliteEntityFrameStore implements EntityFrameStore {
  private readonly db: SqliteDatabase;
  private readonly own: boolean;

  constructor(db: SqliteDatabase, path = '') {
    this.own = path !== '';
    if (!this.own) {
      this.db = db;
      return;
    }
    this.db = openStoreFile(path, createTable);
  }

  load(): EntityFrame[] {
    const rows = this.db.prepare('SELECT * FROM entity_freeze_frames ORDER BY CAST(captured_at_ns AS INTEGER), fault_code').all() as Row[];
    return rows.map((r) => ({
      fault_code: r.fault_code,
      entity_id: r.entity_id,
      data: JSON.parse(r.data) as Record<string, unknown>,
      captured_at_ns: BigInt(r.captured_at_ns),
      ...(r.capture_origin === 'startup' ? { capture_origin: 'startup' as const } : {}),
      ...(r.connected !== null ? { connected: r.connected === 1 } : {}),
      ...(r.source_timestamp !== null ? { source_timestamp: JSON.parse(r.source_timestamp) as unknown } : {}),
      occurrence_ns: BigInt(r.occurrence_ns),
    }));
  }

  put(f: EntityFrame): void {
    this.db
      .prepare('INSERT OR REPLACE INTO entity_freeze_frames (fault_code, entity_id, data, captured_at_ns, capture_origin, connected, source_timestamp, occurrence_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        f.fault_code,
        f.entity_id,
        JSON.stringify(f.data),
        String(f.captured_at_ns),
        f.capture_origin ?? null,
        f.connected === undefined ? null : f.connected ? 1 : 0,
        f.source_timestamp === undefined ? null : JSON.stringify(f.source_timestamp),
        String(f.occurrence_ns),
      );
  }

  delete(code: string): void {
    this.db.prepare('DELETE FROM entity_freeze_frames WHERE fault_code = ?').run(code);
  }

  close(): void {
    if (this.own) this.db.close();
  }
}

interface EntityFrameDeps {
  store: EntityFrameStore;
  /** The plugin-owned entity a reporting source belongs to, with the reader of its values; undefined otherwise. */
  ownerOf(source: string): { entityId: string; read(): Promise<EntityValues> } | undefined;
  /** The fault manager's faults. */
  fault(code: string): FaultRecord | undefined;
  allFaults(): FaultRecord[];
  nowNs(): bigint;
  /** A store failure (reported; capture goes on in memory). */
  warn(message: string): void;
}

/**
 * The frames, bounded to {@link MAX_ENTITY_FRAMES} faults (reloaded and fresh ones together), and their capture:
 * on each confirm edge (`captureConfirmed`), and after start-up for confirmed faults without a frame of their
 * current occurrence (`startup`, then `catchUp`).
 */
export class EntityFrames {
  private readonly frames = new Map<string, EntityFrame>();
  private storeOk = true;
  private readonly pending = new Set<string>();
  /** Bumped on every capture and removal (views memoise on it). */
  version = 0;

  constructor(private readonly deps: EntityFrameDeps) {
    let loaded: EntityFrame[] = [];
    try {
      loaded = deps.store.load();
    } catch (err) {
      this.storeFailed(err);
    }
    for (const f of loaded) this.frames.set(f.fault_code, f);
  }

  get(code: string): EntityFrame | undefined {
    return this.frames.get(code);
  }

  get size(): number {
    return this.frames.size;
  }

  /** A fault confirmed (the `fault_confirmed` event): its entity's values now, replacing an older frame. */
  async captureConfirmed(fault: FaultRecord): Promise<boolean> {
    return this.capture(fault, undefined);
  }

  /**
   * Start-up: drops frames of faults the manager no longer holds in any status (a cleared fault keeps its
   * frame), and notes every confirmed fault without a frame of its current occurrence — none yet, or one of an
   * occurrence since cleared and raised again — for {@link catchUp}. A reloaded frame of the current occurrence
   * is served as it was captured.
   */
  startup(): void {
    for (const code of [...this.frames.keys()]) {
      if (!this.deps.fault(code)) this.remove(code);
    }
    for (const f of this.deps.allFaults()) {
      if (f.status !== 'CONFIRMED') continue;
      const have = this.frames.get(f.fault_code);
      if (!have || have.occurrence_ns !== f.first_occurred_ns) this.pending.add(f.fault_code);
    }
  }

  /** Faults confirmed at start-up still waiting for their frame (their entity may not be discovered yet). */
  get waiting(): number {
    return this.pending.size;
  }

  /**
   * Reads the values of the faults {@link startup} noted, marked `capture_origin: startup`; one whose entity is
   * not known yet stays noted for the next call (the gateway calls again after each discovery pass). A fault
   * confirmed again since start-up got its frame on that edge and is no longer waited for.
   */
  async catchUp(): Promise<number> {
    let n = 0;
    for (const code of [...this.pending]) {
      const f = this.deps.fault(code);
      const have = this.frames.get(code);
      if (!f || f.status !== 'CONFIRMED' || (have && have.occurrence_ns === f.first_occurred_ns && have.capture_origin === undefined)) {
        this.pending.delete(code);
        continue;
      }
      if (await this.capture(f, 'startup')) {
        this.pending.delete(code);
        n++;
      }
    }
    return n;
  }

  private async capture(fault: FaultRecord, origin: 'startup' | undefined): Promise<boolean> {
    const owner = fault.reporting_sources.map((s) => this.deps.ownerOf(s)).find((o) => o !== undefined);
    if (!owner) return false;
    let values: EntityValues;
    try {
      values = await owner.read();
    } catch (err) {
      this.deps.warn(`entity freeze frame of ${fault.fault_code}: reading ${owner.entityId} failed: ${(err as Error).message}`);
      return false;
    }
    const frame: EntityFrame = {
      fault_code: fault.fault_code,
      entity_id: owner.entityId,
      data: values.data,
      captured_at_ns: this.deps.nowNs(),
      ...(origin ? { capture_origin: origin } : {}),
      ...(values.connected !== undefined ? { connected: values.connected } : {}),
      ...(values.source_timestamp !== undefined ? { source_timestamp: values.source_timestamp } : {}),
      occurrence_ns: fault.first_occurred_ns,
    };
    this.frames.delete(frame.fault_code);
    this.frames.set(frame.fault_code, frame);
    this.version++;
    this.persist(() => this.deps.store.put(frame));
    while (this.frames.size > MAX_ENTITY_FRAMES) this.remove(this.frames.keys().next().value!);
    return true;
  }

  private remove(code: string): void {
    this.frames.delete(code);
    this.version++;
    this.persist(() => this.deps.store.delete(code));
  }

  private persist(write: () => void): void {
    if (!this.storeOk) return;
    try {
      write();
    } catch (err) {
      this.storeFailed(err);
    }
  }

  private storeFailed(err: unknown): void {
    this.storeOk = false;
    this.deps.warn(`entity freeze frame store failed (${(err as Error).message}); frames are kept in memory only until restart`);
  }

  close(): void {
    try {
      this.deps.store.close();
    } catch {
      // closing a broken store is best effort
    }
  }
}

/**
 * `{resource_id: value}` and provenance from a plugin's data list and reads (`{id, data, x-medkit}` bodies):
 * `connected` is false when any read says so, `source_timestamp` the first payload timestamp found.
 */
export function entityValuesOf(items: { id: string; body: unknown }[]): EntityValues {
  const data: Record<string, unknown> = {};
  let connected: boolean | undefined;
  let source_timestamp: unknown;
  for (const { id, body } of items) {
    const b = (body ?? {}) as { data?: unknown; 'x-medkit'?: Record<string, unknown> };
    data[id] = b.data ?? null;
    const xm = b['x-medkit'] ?? {};
    if (typeof xm.connected === 'boolean') connected = connected === false ? false : xm.connected;
    const nested = Object.values(xm).find((v): v is Record<string, unknown> => v !== null && typeof v === 'object' && 'source_timestamp' in v);
    source_timestamp ??= xm.source_timestamp ?? nested?.source_timestamp ?? xm.timestamp;
  }
  return { data, ...(connected !== undefined ? { connected } : {}), ...(source_timestamp !== undefined ? { source_timestamp } : {}) };
}
