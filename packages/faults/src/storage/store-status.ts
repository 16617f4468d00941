// What the fault store can do right now (docs/faults.md "Storage outages"): one status object per store,
// written by the backend and its guard, read by the manager, the REST routes, /health and /metrics.
import { SovdError } from '@medkit/sovd';

/** Every value `faults.storage_type` takes (the registry, registry.ts, opens each). */
export const FAULT_STORE_BACKENDS = ['sqlite', 'memory', 'postgresql'] as const;
export type FaultStoreBackend = (typeof FAULT_STORE_BACKENDS)[number];

/** `connecting`: not loaded yet (PostgreSQL); `unavailable`: the last write or probe failed. */
export type FaultStoreState = 'ok' | 'connecting' | 'unavailable';

/** Why the store is unavailable. */
export type FaultStoreProblem =
  | 'disk-full' | 'io-error' | 'corrupt' | 'file-missing' | 'read-only' | 'busy'
  | 'unreachable' | 'timeout' | 'backlog-full' | 'error';

/**
 * Problems under which a write is refused before it is tried, until the probe (or the PostgreSQL writer) finds
 * the store working: it would be lost (a removed file), damage more (corrupt), or cannot be sent. A full disk
 * is here too, so a write that happens to fit (SQLite reusing WAL space) does not make the outage flicker.
 * `busy` and `error` are not: the next write tries again.
 */
const BLOCKS_WRITES: ReadonlySet<FaultStoreProblem> = new Set(['disk-full', 'io-error', 'read-only', 'file-missing', 'unreachable', 'timeout', 'backlog-full', 'corrupt']);

export interface FaultStoreReport {
  backend: FaultStoreBackend;
  state: FaultStoreState;
  problem?: FaultStoreProblem;
  /** SQLite: the file is open and still the one at its path; PostgreSQL: the last round trip succeeded. */
  connected: boolean;
  last_error?: string;
  /** ISO time of last_error. */
  last_error_at?: string;
  /** Writes accepted and not yet durable (PostgreSQL write-behind; 0 for the synchronous stores). */
  pending_writes: number;
  /** Writes the store failed or refused since start-up. */
  failed_writes: number;
}

/** Thrown by the store while it cannot do what was asked; the HTTP stage renders it as 503 service-unavailable. */
export class FaultStoreUnavailable extends SovdError {
  constructor(readonly report: FaultStoreReport) {
    super('service-unavailable', `fault store unavailable (${report.backend}: ${report.problem ?? report.state}): ${report.last_error ?? 'not connected yet'}`, {
      store: 'faults', backend: report.backend, state: report.state, problem: report.problem, last_error: report.last_error,
    }, { headers: { 'Retry-After': '5' } });
    this.name = 'FaultStoreUnavailable';
  }
}

export class FaultStoreStatus {
  private state: FaultStoreState;
  private problem: FaultStoreProblem | undefined;
  private lastError: string | undefined;
  private lastErrorAt: string | undefined;
  private failed = 0;
  /** Set by a write-behind backend. */
  pending = 0;
  /** Set by a backend with a connection or a file to lose. */
  connected = true;
  private readonly listeners = new Set<(r: FaultStoreReport) => void>();

  constructor(readonly backend: FaultStoreBackend, initial: FaultStoreState = 'ok') {
    this.state = initial;
    if (initial === 'connecting') this.connected = false;
  }

  get current(): FaultStoreState {
    return this.state;
  }
  get why(): FaultStoreProblem | undefined {
    return this.problem;
  }

  /** True while a write must be refused without trying it. */
  blocksWrites(): boolean {
    return this.state === 'connecting' || (this.state === 'unavailable' && this.problem !== undefined && BLOCKS_WRITES.has(this.problem));
  }
  /** True while reads cannot be answered (nothing loaded yet). */
  blocksReads(): boolean {
    return this.state === 'connecting';
  }

  /** A write (`counted`) or a probe failed: the store is unavailable for `problem`. */
  fail(problem: FaultStoreProblem, message: string, counted = true): void {
    const changed = this.state !== 'unavailable' || this.problem !== problem;
    if (counted) this.failed++;
    // A store that never loaded stays `connecting` (nothing to read yet); the error is still shown.
    if (this.state !== 'connecting') this.state = 'unavailable';
    this.problem = problem;
    this.lastError = message;
    this.lastErrorAt = new Date().toISOString();
    if (changed) this.emit();
  }
  /** A write that was refused up front still counts as failed. */
  refused(): void {
    this.failed++;
  }
  /** The store works again (a probe or a reconnect succeeded); last_error stays for the record. */
  recover(): void {
    if (this.state === 'ok') return;
    this.state = 'ok';
    this.problem = undefined;
    this.connected = true;
    this.emit();
  }

  /** The error a refused operation throws. */
  error(): FaultStoreUnavailable {
    return new FaultStoreUnavailable(this.report());
  }

  /** Called on every change of state or problem (logging). Returns the function that removes it. */
  onChange(fn: (r: FaultStoreReport) => void): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  report(): FaultStoreReport {
    return {
      backend: this.backend, state: this.state, ...(this.problem ? { problem: this.problem } : {}), connected: this.connected,
      ...(this.lastError !== undefined ? { last_error: this.lastError, last_error_at: this.lastErrorAt } : {}),
      pending_writes: this.pending, failed_writes: this.failed,
    };
  }

  private emit(): void {
    const r = this.report();
    for (const fn of this.listeners) fn(r);
  }
}
