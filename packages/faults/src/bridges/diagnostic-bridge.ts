// Diagnostic bridge (docs/faults.md): each DiagnosticStatus of a /diagnostics DiagnosticArray becomes a fault
// report. Input is the decoded message as JSON.
import type { FaultLogger } from '../log.js';
import { Throttle, silentLogger } from '../log.js';
import { clampInt, upperSnake } from './naming.js';
import type { BridgeReport } from './report.js';

interface DiagnosticStatusMsg {
  level: number;
  name: string;
  message: string;
  hardware_id: string;
  values: { key: string; value: string }[];
}
export interface DiagnosticArrayMsg {
  status: DiagnosticStatusMsg[];
}

export interface DiagnosticBridgeConfig {
  enabled: boolean;
  diagnostics_topic: string;
  auto_generate_codes: boolean;
  keyvalue_codes: string[];
  use_hardware_id_as_source_id: boolean;
  max_tracked_sources: number;
  /** `name_to_code.<diagnostic name>` parameters. */
  name_to_code: Record<string, string>;
}

export function sanitizeDiagnosticBridgeConfig(c: Partial<DiagnosticBridgeConfig> = {}): DiagnosticBridgeConfig {
  return {
    enabled: c.enabled ?? true,
    diagnostics_topic: c.diagnostics_topic || '/diagnostics',
    auto_generate_codes: c.auto_generate_codes ?? true,
    keyvalue_codes: (c.keyvalue_codes ?? []).filter((k) => k !== ''),
    use_hardware_id_as_source_id: c.use_hardware_id_as_source_id ?? false,
    max_tracked_sources: clampInt(c.max_tracked_sources ?? 512, 1, 2 ** 31 - 1, 512),
    name_to_code: { ...(c.name_to_code ?? {}) },
  };
}

/** Severity for a diagnostic level: OK → PASSED (null), WARN 1, ERROR 2, STALE → CRITICAL 3, other 2. */
function diagnosticSeverity(level: number): number | null {
  switch (level) {
    case 0: return null;
    case 1: return 1;
    case 2: return 2;
    case 3: return 3;
    default: return 2;
  }
}

export class DiagnosticBridge {
  private readonly dropWarn: Throttle;
  private hwWarned = false;
  private readonly log: FaultLogger;

  constructor(readonly config: DiagnosticBridgeConfig, private readonly bridgeFqn = '/diagnostic_bridge', now: () => number = () => performance.now(), log: FaultLogger = silentLogger) {
    this.log = log;
    this.dropWarn = new Throttle(5000, now);
  }

  /** The fault code of a status, or '' when none can be derived. */
  codeFor(s: DiagnosticStatusMsg): string {
    const mapped = this.config.name_to_code[s.name];
    if (mapped) return mapped;
    for (const key of this.config.keyvalue_codes) {
      const kv = (s.values ?? []).find((v) => v.key === key);
      if (kv) return kv.value;
    }
    return this.config.auto_generate_codes ? upperSnake(s.name ?? '') : '';
  }

  private sourceFor(s: DiagnosticStatusMsg): string {
    if (!this.config.use_hardware_id_as_source_id) return this.bridgeFqn;
    if (s.hardware_id && s.hardware_id.includes('/')) return s.hardware_id;
    if (!this.hwWarned) this.log.warn(`diagnostic bridge: hardware_id '${s.hardware_id}' is not a path; using ${this.bridgeFqn}`);
    this.hwWarned = true;
    return this.bridgeFqn;
  }

  /** Converts every status of the array independently. */
  convert(msg: DiagnosticArrayMsg): BridgeReport[] {
    const out: BridgeReport[] = [];
    for (const s of msg.status ?? []) {
      const code = this.codeFor(s);
      if (!code) {
        this.dropWarn.run(() => this.log.warn(`diagnostic bridge: no fault code for status '${s.name}'; dropped`));
        continue;
      }
      const severity = diagnosticSeverity(Number(s.level));
      out.push({ source_id: this.sourceFor(s), code, passed: severity === null, severity: severity ?? 0, description: severity === null ? '' : s.message ?? '' });
    }
    return out;
  }
}
