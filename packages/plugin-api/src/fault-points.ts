// Protocol-point fault detection for gateway plugins (docs/faults.md): evaluate a raw value against a rule,
// then emit only edges. Undecidable values emit nothing, so the previous state holds.

export type PointSeverity = 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

interface ThresholdRule {
  kind: 'threshold';
  fault_code: string;
  threshold: number;
  /** true: alarm when value > threshold (booleans: alarm on true); false: value < threshold (alarm on false). */
  above: boolean;
  severity?: PointSeverity;
  message?: string;
}

export interface StatusWordRule {
  kind: 'status_word';
  /** Optional 1..63: mask the raw value to this many low bits first. */
  width?: number;
  bits: { bit: number; fault_code: string; severity?: PointSeverity; message?: string }[];
}

export interface EnumRule {
  kind: 'enum';
  ok_value: number;
  codes: Record<string, { fault_code: string; severity?: PointSeverity; message?: string }>;
  /** Catch-all for unmapped values, message `unmapped fault code <N>`. */
  unknown_fault?: { fault_code: string; severity?: PointSeverity };
}

type PointRule = ThresholdRule | StatusWordRule | EnumRule;

export interface FaultSignal {
  fault_code: string;
  active: boolean;
  severity: PointSeverity;
  message: string;
}

const sig = (fault_code: string, active: boolean, severity?: PointSeverity, message?: string): FaultSignal =>
  ({ fault_code, active, severity: severity ?? 'ERROR', message: message ?? fault_code });

/** An integer view of `value`, or null when it is not a finite whole number within the safe range. */
function asInteger(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number' && Number.isFinite(value) && Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) return BigInt(value);
  return null;
}

/** Evaluates one value. Strings, NaN/∞ and out-of-range doubles produce no signal. */
export function evaluatePoint(value: unknown, rule: PointRule): FaultSignal[] {
  switch (rule.kind) {
    case 'threshold': {
      if (typeof value === 'boolean') return [sig(rule.fault_code, rule.above ? value : !value, rule.severity, rule.message)];
      const n = typeof value === 'bigint' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) return [];
      return [sig(rule.fault_code, rule.above ? n > rule.threshold : n < rule.threshold, rule.severity, rule.message)];
    }
    case 'status_word': {
      let v = asInteger(value);
      if (v === null) return [];
      if (rule.width !== undefined && rule.width >= 1 && rule.width <= 63) v &= (1n << BigInt(rule.width)) - 1n;
      return rule.bits.map((b) => sig(b.fault_code, ((v! >> BigInt(b.bit)) & 1n) === 1n, b.severity, b.message));
    }
    case 'enum': {
      const v = asInteger(value);
      if (v === null) return [];
      const all = Object.values(rule.codes);
      const hit = rule.codes[v.toString()];
      const out = all.map((c) => sig(c.fault_code, c === hit, c.severity, c.message));
      if (rule.unknown_fault) {
        const unmapped = !hit && v !== BigInt(rule.ok_value);
        out.push(sig(rule.unknown_fault.fault_code, unmapped, rule.unknown_fault.severity, `unmapped fault code ${v}`));
      }
      return out;
    }
  }
}

/** Emits only changes per fault code; never a clear for a code it never raised. */
export class EdgeTracker {
  private readonly active = new Map<string, boolean>();

  update(signals: readonly FaultSignal[]): FaultSignal[] {
    const out: FaultSignal[] = [];
    for (const s of signals) {
      const prev = this.active.get(s.fault_code);
      if (prev === undefined && !s.active) continue;
      if (prev === s.active) continue;
      this.active.set(s.fault_code, s.active);
      out.push(s);
    }
    return out;
  }
}

/** Severity number for a report (INFO 0, WARNING 1, ERROR 2, CRITICAL 3). */
export function pointSeverityValue(s: PointSeverity): number {
  return { INFO: 0, WARNING: 1, ERROR: 2, CRITICAL: 3 }[s];
}
