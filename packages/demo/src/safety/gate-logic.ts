/**
 * The safety gate's decision, free of ROS so it can be tested on its own: hold the robot until the
 * first scan arrives (a fault only if none comes within `startupGraceMs`); clamp the speed to zero
 * the moment the front sector is closer than the stop threshold or the scan goes stale; raise the
 * protective stop once the condition held for `confirmScans` scans (a stale scan raises at once);
 * release and heal once the way has been clear (threshold + hysteresis) for `clearScans` scans.
 */

export interface GateSettings {
  /** Stop when something is closer than this in the front sector (m). */
  stopThreshold: number;
  /** Extra distance required before releasing (m). */
  hysteresis: number;
  /** A scan older than this is stale (ms). */
  scanTimeoutMs: number;
  /** Consecutive unsafe scans before the fault is raised. */
  confirmScans: number;
  /** Consecutive clear scans before the stop is released. */
  clearScans: number;
  /** Before the first scan the gate holds the robot quietly; only after this long is it a fault (ms). */
  startupGraceMs: number;
}

export const DEFAULT_GATE: GateSettings = { stopThreshold: 0.8, hysteresis: 0.1, scanTimeoutMs: 500, confirmScans: 2, clearScans: 5, startupGraceMs: 10_000 };

/** What changed with one input. */
export type GateEvent = { kind: 'raise'; reason: string } | { kind: 'heal' } | null;

export class GateLogic {
  settings: GateSettings;
  // Blind until the first scan: the robot is held from the start.
  #stopped = true;
  #faultActive = false;
  #unsafe = 0;
  #safe = 0;
  #lastScanAt: number | undefined;
  #lastRange = Infinity;
  readonly #startedAt: number;

  constructor(settings: GateSettings = DEFAULT_GATE, startedAt = Date.now()) {
    this.settings = settings;
    this.#startedAt = startedAt;
  }

  /** True while the commanded velocity is clamped to zero. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** True while the protective stop fault is raised. */
  get faultActive(): boolean {
    return this.#faultActive;
  }

  get lastRange(): number {
    return this.#lastRange;
  }

  /** A new scan with its front-sector minimum. */
  onScan(minRange: number, now = Date.now()): GateEvent {
    this.#lastScanAt = now;
    this.#lastRange = minRange;
    const s = this.settings;
    if (minRange < s.stopThreshold) {
      this.#stopped = true;
      this.#unsafe++;
      this.#safe = 0;
      if (!this.#faultActive && this.#unsafe >= s.confirmScans) {
        this.#faultActive = true;
        return { kind: 'raise', reason: `obstacle at ${minRange.toFixed(2)} m in the front sector (stop threshold ${s.stopThreshold} m)` };
      }
      return null;
    }
    this.#unsafe = 0;
    if (minRange < s.stopThreshold + s.hysteresis) {
      // Between threshold and threshold + hysteresis: hold whatever state we are in.
      this.#safe = 0;
      return null;
    }
    this.#safe++;
    if (this.#stopped && this.#safe >= s.clearScans) {
      this.#stopped = false;
      if (this.#faultActive) {
        this.#faultActive = false;
        return { kind: 'heal' };
      }
    }
    return null;
  }

  /** Periodic check for a stale scan (or none at all since start-up). */
  tick(now = Date.now()): GateEvent {
    const first = this.#lastScanAt === undefined;
    const age = now - (this.#lastScanAt ?? this.#startedAt);
    if (age <= (first ? this.settings.startupGraceMs : this.settings.scanTimeoutMs)) return null;
    this.#stopped = true;
    this.#safe = 0;
    if (this.#faultActive) return null;
    this.#faultActive = true;
    const reason = first ? `no scan since start-up ${(age / 1000).toFixed(1)} s ago` : `no scan for ${(age / 1000).toFixed(1)} s (timeout ${this.settings.scanTimeoutMs / 1000} s)`;
    return { kind: 'raise', reason };
  }
}
