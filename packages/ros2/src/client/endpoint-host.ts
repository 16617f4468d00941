/** What publishers, subscriptions, service clients and servers need from the node that owns them: DDS endpoints listed under it. */
import type { Participant, Reader, ReaderConfig, Writer, WriterConfig } from '@medkit/rtps';
import type { RosGraph } from '../graph/graph.js';
import type { TypeRegistry } from '../types/index.js';
import type { UnansweredCalls } from '../services/unanswered-calls.js';

export interface EndpointHost {
  readonly name: string;
  readonly namespace: string;
  /** Fully qualified node name. */
  readonly fqn: string;
  readonly types: TypeRegistry;
  readonly participant: Participant;
  readonly graph: RosGraph;
  /** Creates a DDS writer listed under this node in ros_discovery_info. */
  createWriter(cfg: WriterConfig): Writer;
  /** Creates a DDS reader listed under this node in ros_discovery_info. */
  createReader(cfg: ReaderConfig): Reader;
  /** Fully qualified form of a topic/service name relative to this node (`~/x`, `x`, `/x`). */
  resolveName(name: string): string;
  /** Where a client notes servers that stop answering (the context's); absent, nothing is noted. */
  readonly unansweredCalls?: UnansweredCalls;
  /** A fresh rmw_cyclonedds-style client/service id (`xx.x.x...`). */
  nextRmwId(): string;
}
