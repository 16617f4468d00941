// Builds the bodies of the robot's fleet events from the gateway's own models.
import type { RobotEntitySnapshot } from './robot-services.js';
import type { FaultEvent } from '@medkit/faults';
import type { EntitiesBody, EntityNode, FaultEventBody } from '@medkit/fleet-protocol';

function iso(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** A fault event as the fleet stores it: the fault after the change, with wall times in ISO 8601. */
export function faultEventBody(e: FaultEvent): FaultEventBody {
  const f = e.fault;
  return {
    event_type: e.event_type,
    fault_code: f.fault_code,
    severity: f.severity,
    status: f.status,
    description: f.description,
    occurrence_count: f.occurrence_count,
    reporting_sources: [...f.reporting_sources],
    first_occurred: iso(f.first_occurred_ns),
    last_occurred: iso(f.last_occurred_ns),
    ...(e.acknowledgement ? { acknowledgement: { by: e.acknowledgement.by, at: iso(e.acknowledgement.at_ns), ...(e.acknowledgement.note ? { note: e.acknowledgement.note } : {}) } } : {}),
  };
}

/** The entity tree, flattened to what the fleet shows (ids, names, parents). */
export function entitiesBody(snap: RobotEntitySnapshot): EntitiesBody {
  const entities: EntityNode[] = [
    ...snap.areas.map((a): EntityNode => ({ type: 'area', id: a.id, name: a.name, parent: a.parent_area_id })),
    ...snap.components.map((c): EntityNode => ({ type: 'component', id: c.id, name: c.name, parent: c.parent_component_id ?? c.area })),
    ...snap.apps.map((a): EntityNode => ({ type: 'app', id: a.id, name: a.name, parent: a.component_id })),
    ...snap.functions.map((f): EntityNode => ({ type: 'function', id: f.id, name: f.name })),
  ];
  return { entities };
}
