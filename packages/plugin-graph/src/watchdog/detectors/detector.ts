// What every watchdog detector implements (docs/graph.md): a sweep over one tick's topology that returns the
// defects it sees now. The watchdog applies grace, warm-up gating, aggregation per code and the fault reports.
import type { PluginRosAccess } from '@medkit/plugin-api';
import type { Topology } from '../topology.js';

export const FAULT_SEVERITY = { INFO: 0, WARN: 1, ERROR: 2, CRITICAL: 3 } as const;

/** One defect seen in one sweep. */
export interface Finding {
  code: string;
  severity: number;
  /** What the defect is about (a topic, a node, a node's parameter): the key of its grace counter. */
  subject: string;
  /** Nodes (FQNs) involved: the finding may raise only when all of them are armed. */
  nodes: string[];
  /** One line for the fault description. */
  text: string;
  /**
   * The reporting source the fault is raised under (a node FQN the gateway maps to its App); default the
   * watchdog's own App.
   */
  source?: string;
}

export interface SweepInput {
  tick: number;
  topology: Topology;
  /** True when the node has been present for the warm-up cycles. */
  armed(fqn: string): boolean;
  /** Live ROS access for detectors that read nodes (parameters, lifecycle); undefined in pure tests. */
  ros?: PluginRosAccess;
}

export interface Detector {
  readonly id: string;
  /** Every fault code it may raise. */
  readonly codes: readonly string[];
  /** Consecutive sweeps a finding must persist before it raises. */
  readonly grace: number;
  sweep(input: SweepInput): Finding[] | Promise<Finding[]>;
  /** Detector-specific status for `GET /x-medkit-watchdog`. */
  status(): Record<string, unknown>;
  /** Releases what it holds (topic subscriptions) at shutdown. */
  close?(): void;
}

/** The topics no detector looks at. */
export const SYSTEM_TOPICS: ReadonlySet<string> = new Set(['/rosout', '/parameter_events']);
