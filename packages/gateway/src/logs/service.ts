// Logs of an entity (docs/resources.md): which buffers an entity reads (its apps' nodes,
// namespace prefixes of components and areas, function hosts), severity/context filters, the
// per-entity configuration, and the raw /rosout view (filters node, severity, since).
import type { App, Area, Component, Entity, EntityType } from '../entities/model.js';
import { effectiveFqn } from '../entities/model.js';
import { SovdError } from '@medkit/sovd';
import type { LogManager, LogConfig } from './manager.js';
import { entryBody, isSeverity, levelOf, rosoutBody, SEVERITIES } from './model.js';
import type { LogConfigBody, LogListBody, RosoutListBody } from './rest-shape.js';
import type { LogSources } from './ring-buffer.js';

export interface EntityRef {
  type: EntityType;
  entity: Entity;
}

export const MAX_CONTEXT = 256;

interface LogsServiceDeps {
  manager: LogManager;
  members(type: EntityType, entity: Entity): App[];
  /** Components counted for an area's x-medkit.component_count. */
  areaComponents(area: Area): Component[];
}

export class LogsService {
  constructor(private readonly deps: LogsServiceDeps) {}

  /** Buffers an entity reads, and the apps behind them. */
  sources(ref: EntityRef): { sources: LogSources; apps: App[] } {
    const apps = this.deps.members(ref.type, ref.entity);
    const exact = new Set<string>();
    for (const a of apps) {
      const fqn = effectiveFqn(a);
      if (fqn && !a.external) exact.add(fqn);
      exact.add(a.id);
    }
    const prefixes: string[] = [];
    if (ref.type === 'component' || ref.type === 'area') {
      exact.add(ref.entity.id);
      const ns = (ref.entity as Component | Area).namespace;
      if (ns && ns !== '/') prefixes.push(ns);
    }
    return { sources: { exact: [...exact], prefixes }, apps };
  }

  private key(ref: EntityRef): string {
    return `${ref.type}:${ref.entity.id}`;
  }

  /** `GET /{entity}/logs`. */
  async list(ref: EntityRef, q: { severity?: string; context?: string }): Promise<LogListBody> {
    if (q.severity !== undefined && !isSeverity(q.severity)) {
      throw new SovdError('invalid-parameter', 'Invalid severity', { parameter: 'severity', value: q.severity, allowed_values: [...SEVERITIES] });
    }
    if (q.context !== undefined && q.context.length > MAX_CONTEXT) {
      throw new SovdError('invalid-parameter', `context is longer than ${MAX_CONTEXT} characters`, { parameter: 'context' });
    }
    const cfg = this.deps.manager.config(this.key(ref));
    const minLevel = Math.max(levelOf(cfg.severity_filter), q.severity ? levelOf(q.severity) : 0);
    const { sources, apps } = this.sources(ref);
    let entries;
    try {
      entries = await this.deps.manager.query(sources, { minLevel, context: q.context || undefined, limit: cfg.max_entries });
    } catch (err) {
      throw new SovdError('service-unavailable', `Log backend unavailable: ${(err as Error).message}`, { entity_id: ref.entity.id });
    }
    const items = entries.map(entryBody);
    if (ref.type === 'app') return { items };
    const xm: Record<string, unknown> = { entity_id: ref.entity.id, aggregation_level: ref.type, aggregated: true };
    if (ref.type === 'function') xm.host_count = apps.length;
    else xm.app_count = apps.length;
    if (ref.type === 'area') xm.component_count = this.deps.areaComponents(ref.entity as Area).length;
    xm.aggregation_sources = apps.map((a) => effectiveFqn(a) || a.id);
    return { items, 'x-medkit': xm };
  }

  getConfig(ref: EntityRef): LogConfigBody {
    return this.deps.manager.config(this.key(ref));
  }

  /** `PUT /{entity}/logs/configuration`. */
  setConfig(ref: EntityRef, body: { severity_filter?: unknown; max_entries?: unknown }): void {
    const patch: Partial<LogConfig> = {};
    if (body.severity_filter !== undefined) {
      if (!isSeverity(body.severity_filter)) throw new SovdError('invalid-parameter', 'Invalid severity_filter', { parameter: 'severity_filter', value: body.severity_filter, allowed_values: [...SEVERITIES] });
      patch.severity_filter = body.severity_filter;
    }
    if (body.max_entries !== undefined) {
      const n = body.max_entries;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10000) throw new SovdError('invalid-parameter', 'max_entries must be an integer from 1 to 10000', { parameter: 'max_entries', value: n });
      patch.max_entries = n;
    }
    this.deps.manager.setConfig(this.key(ref), patch);
  }

  /** `GET /rosout` and `GET /{entity}/rosout`: raw Log messages, oldest first. */
  rosout(ref: EntityRef | undefined, q: { node?: string; severity?: string; since?: string; limit?: number }): RosoutListBody {
    let minLevel: number | undefined;
    if (q.severity !== undefined) {
      if (isSeverity(q.severity)) minLevel = levelOf(q.severity);
      else if (/^\d+$/.test(q.severity)) minLevel = Number(q.severity);
      else throw new SovdError('invalid-parameter', 'Invalid severity', { parameter: 'severity', value: q.severity, allowed_values: [...SEVERITIES] });
    }
    let sinceNs: bigint | undefined;
    if (q.since !== undefined) {
      sinceNs = parseSince(q.since);
      if (sinceNs === undefined) throw new SovdError('invalid-parameter', 'Invalid since (ISO 8601 time or seconds since the epoch)', { parameter: 'since', value: q.since });
    }
    const ring = this.deps.manager.ring;
    let list = ref ? ring.query(this.sources(ref).sources, { minLevel, sinceNs }) : ring.all({ minLevel, sinceNs });
    if (q.node) {
      const n = q.node;
      list = list.filter((e) => e.source === n || e.logger === n || e.logger === n.replace(/^\//, '').replace(/\//g, '.'));
    }
    if (q.limit !== undefined && list.length > q.limit) list = list.slice(list.length - q.limit);
    return { items: list.map(rosoutBody) };
  }
}

/** ISO 8601 (fractions to ns) or seconds since the epoch → ns. */
export function parseSince(s: string): bigint | undefined {
  if (/^\d+(\.\d+)?$/.test(s)) {
    const [sec, frac = ''] = s.split('.');
    return BigInt(sec) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9));
  }
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(whole)) return undefined;
  return BigInt(whole) * 1_000_000n + BigInt(((m[2] ?? '') + '000000000').slice(0, 9));
}
