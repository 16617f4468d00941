// PluginContext.subscribeFaultEvents (docs/plugins.md): the fault manager's events, as a plugin sees them. The
// plugins feature initialises before the faults feature, so a plugin subscribes (in setContext) to this hub, which
// the plugins feature connects to the fault manager's event stream once every feature has initialised.
import type { FaultEvent, FaultEventStream } from '@medkit/faults';
import { isoFromNs, restSeverityLabel } from '@medkit/faults';
import type { PluginFaultEvent } from '@medkit/plugin-api';
import type { SourceEntity } from '../faults/gateway/entity-scope.js';

type Listener = (e: PluginFaultEvent) => void;

/** What the hub needs of the faults service: its events and the entity of a reporting source. */
export interface FaultEventSource {
  events: FaultEventStream;
  entityOf(source: string): SourceEntity | undefined;
}

/** The plugin's view of one event: the fault's public fields, its entity and the path of its detail. */
export function pluginFaultEvent(e: FaultEvent, entity: SourceEntity | undefined): PluginFaultEvent {
  const f = e.fault;
  const code = encodeURIComponent(f.fault_code);
  return {
    id: e.id,
    event_type: e.event_type,
    timestamp: isoFromNs(e.timestamp_ns) || new Date().toISOString(),
    fault: {
      fault_code: f.fault_code,
      description: f.description,
      severity: f.severity,
      severity_label: restSeverityLabel(f.severity),
      status: f.status,
      occurrence_count: f.occurrence_count,
      reporting_sources: [...f.reporting_sources],
      first_occurred: isoFromNs(f.first_occurred_ns),
      last_occurred: isoFromNs(f.last_occurred_ns),
    },
    ...(entity ? { entity: { type: entity.type, id: entity.entity_id } } : {}),
    path: entity ? `/api/v1/${entity.entity_type}/${encodeURIComponent(entity.entity_id)}/faults/${code}` : `/api/v1/faults/${code}`,
    ...(e.auto_cleared_codes.length > 0 ? { auto_cleared_codes: [...e.auto_cleared_codes] } : {}),
  };
}

export class PluginFaultEventHub {
  private readonly listeners = new Set<Listener>();
  private off?: () => void;

  /** Adds a listener (before or after {@link connect}); returns the function that removes it. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Starts delivering the source's events; the view of an event is built only when someone listens. */
  connect(source: FaultEventSource): void {
    this.off?.();
    this.off = source.events.subscribe((e) => {
      if (this.listeners.size === 0) return;
      const view = pluginFaultEvent(e, e.fault.reporting_sources.length > 0 ? source.entityOf(e.fault.reporting_sources[0]) : undefined);
      for (const l of this.listeners) l(view);
    });
  }

  close(): void {
    this.off?.();
    this.off = undefined;
    this.listeners.clear();
  }
}
