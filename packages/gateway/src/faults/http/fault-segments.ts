// The entity segments whose entities have a faults collection, with what a per-entity fault route needs of each.
import { COLLECTIONS, ENTITY_SEGMENTS, ID_PARAM, SEGMENT_TO_TYPE } from '../../entity-scope/index.js';

export interface FaultSegment {
  segment: (typeof ENTITY_SEGMENTS)[number];
  /** The route parameter of the entity id (`app_id`, …). */
  idParam: string;
  /** `App`, `Component`, … for operation ids. */
  op: string;
}

/** Every segment (`apps`, `components`, …) whose entities keep faults. */
export function faultSegments(): FaultSegment[] {
  return ENTITY_SEGMENTS.filter((segment) => COLLECTIONS[SEGMENT_TO_TYPE[segment]].has('faults'))
    .map((segment) => ({ segment, idParam: ID_PARAM[segment], op: segment.charAt(0).toUpperCase() + segment.slice(1, -1) }));
}
