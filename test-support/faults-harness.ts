// Shared test harness of the fault manager's tests (@medkit/faults and the gateway's): a fault manager on a manual clock over a memory or SQLite (real file) repository.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, sanitizeFaultConfig, FaultManager, MemoryLogger, openFaultRepository, type FaultManagerConfig, type DebounceOverride, type FaultEvent, type CorrelationConfig, type FaultCaptureHooks, type FaultRepository } from '@medkit/faults';

export type Backend = 'memory' | 'sqlite';
export const BACKENDS: Backend[] = ['memory', 'sqlite'];

const dirs: string[] = [];
export function tmpDir(prefix = 'medkit-faults-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export function cleanupDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function openRepo(backend: Backend, dir?: string): FaultRepository {
  return backend === 'memory' ? openFaultRepository({ storageType: 'memory' }) : openFaultRepository({ storageType: 'sqlite', dataDir: dir ?? tmpDir() });
}

export interface Harness {
  mgr: FaultManager;
  clock: ManualClock;
  repo: FaultRepository;
  events: FaultEvent[];
  log: MemoryLogger;
  /** FAILED report; returns `accepted`. */
  F(code: string, severity?: number, source?: string, description?: string): boolean;
  /** PASSED report. */
  P(code: string, source?: string): boolean;
  /** [status, counter] of a code. */
  state(code: string): [string, number] | undefined;
  /** Event types published since the last call. */
  takeEvents(): string[];
}

export function harness(backend: Backend, opts: {
  config?: Record<string, unknown>;
  overrides?: Record<string, DebounceOverride>;
  correlation?: CorrelationConfig;
  capture?: FaultCaptureHooks;
  repo?: FaultRepository;
  clock?: ManualClock;
  start?: boolean;
} = {}): Harness {
  const log = new MemoryLogger();
  const config: FaultManagerConfig = sanitizeFaultConfig(opts.config ?? {}, log);
  const clock = opts.clock ?? new ManualClock();
  const repo = opts.repo ?? openRepo(backend);
  const mgr = new FaultManager({ config, repository: repo, clock, log, entityThresholds: opts.overrides, correlation: opts.correlation, capture: opts.capture });
  if (opts.start !== false) mgr.start();
  const events: FaultEvent[] = [];
  let seen = 0;
  mgr.events.subscribe((e) => events.push(e));
  return {
    mgr, clock, repo, events, log,
    F(code, severity = 2, source = '/a', description = '') {
      clock.advance(1);
      return mgr.report({ fault_code: code, event_type: 0, severity, description, source_id: source }).accepted;
    },
    P(code, source = '/a') {
      clock.advance(1);
      return mgr.report({ fault_code: code, event_type: 1, severity: 0, description: '', source_id: source }).accepted;
    },
    state(code) {
      const r = repo.getFault(code);
      return r && [r.status, r.debounce_counter];
    },
    takeEvents() {
      const out = events.slice(seen).map((e) => e.event_type);
      seen = events.length;
      return out;
    },
  };
}
