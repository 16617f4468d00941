// What the fleet link and the VDA 5050 bridge read of the robot gateway they run in, declared here as the
// parts they use. The composition root (`medkit gateway`, packages/cli) passes the gateway's own service
// tokens; the compiler checks that each gateway service has these parts, so this package needs no import of
// the gateway.
import type { Token } from '@medkit/server';
import type { FaultManager, FaultRecord } from '@medkit/faults';

interface NamedEntity {
  id: string;
  name: string;
}

/** The entity tree as the fleet shows it (ids, names, parents). */
export interface RobotEntitySnapshot {
  areas: readonly (NamedEntity & { parent_area_id?: string })[];
  components: readonly (NamedEntity & { parent_component_id?: string; area?: string })[];
  apps: readonly (NamedEntity & { component_id?: string })[];
  functions: readonly NamedEntity[];
}

/** The gateway's entity tree service. */
export interface RobotEntities {
  manifest?: { metadata: { name?: string } };
  cache: { readonly generation: number; snapshot(): RobotEntitySnapshot };
}

/** The gateway's fault service: the fault manager, and the entities a fault belongs to. */
export interface RobotFaults {
  system: { manager: FaultManager };
  entitiesOfFault(fault: FaultRecord): readonly { entity_id: string }[];
}

/** One stored log entry. */
export interface RobotLogEntry {
  /** Source stamp, ns since the Unix epoch. */
  stampNs: bigint;
  /** ROS level: 10 DEBUG, 20 INFO, 30 WARN, 40 ERROR, 50 FATAL. */
  level: number;
  logger: string;
  source: string;
  message: string;
}

/** The gateway's log store. */
export interface RobotLogs {
  /** Calls `listener` for each new entry; returns the unsubscribe function. */
  onEntry(listener: (entry: RobotLogEntry) => void): () => void;
}

/** The tokens under which the gateway publishes those services. */
export interface RobotServices {
  entities: Token<RobotEntities>;
  faults: Token<RobotFaults>;
  logs: Token<RobotLogs>;
}
