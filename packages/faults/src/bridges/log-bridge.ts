// Log bridge (docs/faults.md): /rosout WARN/ERROR/FATAL lines become FAILED reports with a stable code per
// (node, normalised message).
import { clampInt, fnv1a32, hex8, upperSnake } from './naming.js';
import type { BridgeReport } from './report.js';

export interface LogMsg {
  level: number;
  name: string;
  msg: string;
}

export interface LogBridgeConfig {
  enabled: boolean;
  rosout_topic: string;
  severity_floor: number;
  code_prefix: string;
  exclude_nodes: string[];
  include_only_nodes: string[];
  max_tracked_nodes: number;
  report_cooldown_sec: number;
  exclude_medkit_stack: boolean;
}

export function sanitizeLogBridgeConfig(c: Partial<LogBridgeConfig> = {}): LogBridgeConfig {
  const prefix = upperSnake(c.code_prefix ?? 'LOG').slice(0, 32).replace(/_+$/, '');
  const cooldown = Number(c.report_cooldown_sec ?? 5);
  return {
    enabled: c.enabled ?? true,
    rosout_topic: c.rosout_topic || '/rosout',
    severity_floor: clampInt(c.severity_floor ?? 30, 0, 50, 30),
    code_prefix: prefix || 'LOG',
    exclude_nodes: c.exclude_nodes ?? [],
    include_only_nodes: c.include_only_nodes ?? [],
    max_tracked_nodes: clampInt(c.max_tracked_nodes ?? 512, 1, 2 ** 31 - 1, 512),
    report_cooldown_sec: Number.isFinite(cooldown) && cooldown >= 0 ? cooldown : 5,
    exclude_medkit_stack: c.exclude_medkit_stack ?? true,
  };
}

/** Lower-case letters only, runs of anything else → one space, one-letter tokens dropped. */
export function normaliseLogMessage(text: string): string {
  return text.toLowerCase().replace(/[^a-z]+/g, ' ').trim().split(' ').filter((t) => t.length > 1).join(' ');
}

/** `<PREFIX>_<NODE>_<hash8>`, at most 64 characters, the hash never truncated. */
export function logFaultCode(prefix: string, sourceId: string, message: string): string {
  const norm = normaliseLogMessage(message);
  const hash = hex8(fnv1a32(norm === '' ? '_NOMSG' : norm));
  const budget = 64 - prefix.length - hash.length - 2;
  const node = upperSnake(sourceId).slice(0, Math.min(48, budget)).replace(/_+$/, '');
  return node ? `${prefix}_${node}_${hash}` : `${prefix}_${hash}`;
}

const MEDKIT_STACK = ['fault_manager', 'ros2_medkit_gateway', 'diagnostic_bridge', 'action_status_bridge'];

/**
 * Codes in the report cool-down table at most. Any node may publish on /rosout, and each distinct
 * message is a code: past this the oldest entry goes, so that code may be reported again early (the
 * fault manager still debounces it).
 */
export const MAX_COOLDOWN_CODES = 4096;

export class LogBridge {
  /** Code:severity → when it was last forwarded; insertion order is time order. */
  private readonly forwarded = new Map<string, number>();

  constructor(readonly config: LogBridgeConfig, private readonly bridgeFqn = '/log_bridge', private readonly now: () => number = () => performance.now()) {}

  /** `/` + the logger name before the first `.`. */
  static sourceOf(name: string): string {
    const head = name.split('.')[0];
    return head.startsWith('/') ? head : `/${head}`;
  }

  static severityOf(level: number): number {
    return level === 30 ? 1 : level === 40 ? 2 : level === 50 ? 3 : 2;
  }

  /** The report for one Log message, or null when filtered out. */
  convert(m: LogMsg): BridgeReport | null {
    const c = this.config;
    const source = LogBridge.sourceOf(m.name ?? '');
    if (source === this.bridgeFqn || source === '/log_bridge') return null;
    if (c.exclude_medkit_stack && MEDKIT_STACK.some((s) => (m.name ?? '').includes(s))) return null;
    if (c.include_only_nodes.length > 0 && !c.include_only_nodes.some((n) => source.includes(n))) return null;
    if (c.exclude_nodes.some((n) => source.includes(n))) return null;
    if (m.level < c.severity_floor || m.level <= 20) return null;
    const severity = LogBridge.severityOf(m.level);
    const code = logFaultCode(c.code_prefix, source, m.msg ?? '');
    if (severity >= 2 && c.report_cooldown_sec > 0) {
      const now = this.now();
      const windowMs = c.report_cooldown_sec * 1000;
      for (const [k, at] of this.forwarded) {
        if (now - at < windowMs) break;
        this.forwarded.delete(k);
      }
      const key = `${code}:${severity}`;
      if (this.forwarded.has(key)) return null;
      if (this.forwarded.size >= MAX_COOLDOWN_CODES) this.forwarded.delete(this.forwarded.keys().next().value!);
      this.forwarded.set(key, now);
    }
    return { source_id: source, code, passed: false, severity, description: m.msg ?? '' };
  }
}
