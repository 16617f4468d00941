// Which fault a native OPC-UA condition is (docs/opcua.md "Native alarms and conditions"): configured
// `event_alarms` first (by ConditionId, then SourceNode), else, with `auto_alarms`, a code derived from the
// condition's SourceName and ConditionName. Remembers each fault's latest ConditionId and EventId (what
// Acknowledge / Confirm need). Bounded: auto-mapped conditions stop at `auto_alarms_max`; the rest is counted.
import { MAX_FAULT_CODE_LENGTH, type PluginLogger, type PointSeverity } from '@medkit/plugin-api';
import type { OpcuaConfig } from './config.js';

/** The longest ConditionId / EventId the plugin keeps (a hostile server's huge ids are not stored). */
const MAX_ID_CHARS = 4096;

/** One fault fed by native conditions. */
export interface ConditionTarget {
  fault_code: string;
  /** The reporting entity: the event alarm's `entity_id`, else the component. */
  entity_id: string;
  require_confirm_for_clear: boolean;
  severity_override?: PointSeverity;
  message?: string;
  /** Mapped by `auto_alarms`, not configured. */
  auto: boolean;
  /** The configured `alarm_source` (canonical form); absent for auto-mapped conditions. */
  source?: string;
  /** The latest ConditionId seen for this fault (main branch). */
  condition_id?: string;
  /** The latest EventId of that condition, hex. */
  event_id?: string;
}

/** The event fields the map reads (NodeIds as strings, EventId as hex). */
interface ConditionEventRef {
  ConditionId?: unknown;
  SourceNode?: unknown;
  SourceName?: unknown;
  ConditionName?: unknown;
  EventId?: unknown;
}

/** 32-bit FNV-1a of a string, 8 hex digits: the deterministic suffix of a colliding auto code. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The fault code of an auto-mapped condition: `<SourceName>.<ConditionName>` (the ConditionId when both
 * are empty), characters outside `A-Z a-z 0-9 _ . -` replaced by `_`, `..` collapsed, at most 119
 * characters (room for a collision suffix `_<8 hex>`).
 */
export function autoFaultCode(sourceName: unknown, conditionName: unknown, conditionId: string): string {
  // A SourceName given as a QualifiedName string (`1:PLC`, node-opcua's servers) loses its namespace index.
  const parts = [typeof sourceName === 'string' ? sourceName.replace(/^\d{1,5}:/, '') : undefined, conditionName].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  const raw = (parts.length > 0 ? parts.join('.') : conditionId).slice(0, 512);
  const code = raw
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .slice(0, MAX_FAULT_CODE_LENGTH - 9)
    .replace(/\.+$/, '');
  return code || `condition_${fnv1a(conditionId)}`;
}

/** The entities that report native-condition faults: event alarms' entities, and the component with `auto_alarms`. */
export function conditionEntityIds(cfg: Pick<OpcuaConfig, 'component_id' | 'event_alarms' | 'auto_alarms'>): Set<string> {
  const ids = new Set(cfg.event_alarms.map((a) => a.entity_id ?? cfg.component_id));
  if (cfg.auto_alarms) ids.add(cfg.component_id);
  return ids;
}

export class ConditionMap {
  private readonly bySource = new Map<string, ConditionTarget>();
  private readonly byCode = new Map<string, ConditionTarget>();
  /** Auto-mapped conditions by ConditionId. */
  private readonly autoById = new Map<string, ConditionTarget>();
  /** Conditions auto mapping refused because `auto_alarms_max` was reached. */
  overflow = 0;

  constructor(
    private readonly cfg: Pick<OpcuaConfig, 'component_id' | 'event_alarms' | 'auto_alarms' | 'auto_alarms_max' | 'require_confirm_for_clear'>,
    canonical: (nodeId: string) => string,
    /** Codes of the plugin's other fault sources (threshold rules, comms lost): never taken by auto mapping. */
    private readonly reserved: ReadonlySet<string>,
    private readonly log: PluginLogger,
  ) {
    for (const a of cfg.event_alarms) {
      const source = canonical(a.alarm_source);
      const t: ConditionTarget = {
        fault_code: a.fault_code,
        entity_id: a.entity_id ?? cfg.component_id,
        require_confirm_for_clear: a.require_confirm_for_clear,
        ...(a.severity_override ? { severity_override: a.severity_override } : {}),
        ...(a.message !== undefined ? { message: a.message } : {}),
        auto: false,
        source,
      };
      this.bySource.set(source, t);
      this.byCode.set(a.fault_code, t);
    }
  }

  /** The fault of a condition event, or undefined when it is neither configured nor auto-mapped. */
  resolve(e: ConditionEventRef): ConditionTarget | undefined {
    const id = typeof e.ConditionId === 'string' ? e.ConditionId : undefined;
    if (!id || id.length > MAX_ID_CHARS) return undefined;
    const configured = this.bySource.get(id) ?? (typeof e.SourceNode === 'string' ? this.bySource.get(e.SourceNode) : undefined);
    if (configured) return configured;
    if (!this.cfg.auto_alarms) return undefined;
    const known = this.autoById.get(id);
    if (known) return known;
    if (this.autoById.size >= this.cfg.auto_alarms_max) {
      if (this.overflow++ === 0) this.log.warn(`auto_alarms: ${this.cfg.auto_alarms_max} conditions mapped (auto_alarms_max); further conditions are ignored and counted`);
      return undefined;
    }
    let code = autoFaultCode(e.SourceName, e.ConditionName, id);
    if (this.byCode.has(code) || this.reserved.has(code)) code = `${code}_${fnv1a(id)}`;
    if (this.byCode.has(code)) {
      this.overflow++; // two ids with the same name and hash: the later one stays unmapped
      return undefined;
    }
    const t: ConditionTarget = { fault_code: code, entity_id: this.cfg.component_id, require_confirm_for_clear: this.cfg.require_confirm_for_clear, auto: true, condition_id: id };
    this.autoById.set(id, t);
    this.byCode.set(code, t);
    return t;
  }

  /** Records the ConditionId and EventId of a main-branch event of `t`. */
  remember(t: ConditionTarget, e: ConditionEventRef): void {
    if (typeof e.ConditionId === 'string' && e.ConditionId.length <= MAX_ID_CHARS) t.condition_id = e.ConditionId;
    if (typeof e.EventId === 'string' && e.EventId.length > 0 && e.EventId.length <= MAX_ID_CHARS) t.event_id = e.EventId;
  }

  get(code: string): ConditionTarget | undefined {
    return this.byCode.get(code);
  }

  all(): ConditionTarget[] {
    return [...this.byCode.values()];
  }

  /** Whether `code` is (or would be, for a code left active by an earlier run) a native-condition fault. */
  has(code: string): boolean {
    return this.byCode.has(code);
  }

  /** The condition nodes to read for a read-based replay: configured sources and every ConditionId seen. */
  conditionNodes(): { nodeId: string; target: ConditionTarget }[] {
    const out = new Map<string, ConditionTarget>();
    for (const t of this.byCode.values()) {
      if (t.source) out.set(t.source, t);
      if (t.condition_id) out.set(t.condition_id, t);
    }
    return [...out].map(([nodeId, target]) => ({ nodeId, target }));
  }
}
