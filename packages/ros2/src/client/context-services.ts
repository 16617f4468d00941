/**
 * What a node and the context's own helpers (type lookup, the /rosout reader) need from the
 * context: its participant, registry, graph and a node of its own to create clients and
 * subscriptions on. Taking this seam instead of RosContext keeps them out of an import circle
 * with context.ts (which creates them).
 */
import type { Participant } from '@medkit/rtps';
import type { RosGraph } from '../graph/graph.js';
import type { TypeRegistry } from '../types/index.js';
import type { NodeHost } from './node-host.js';
import type { SampleLimits } from '../topics/sample-limits.js';
import type { UnansweredCalls } from '../services/unanswered-calls.js';

export interface ContextServices {
  readonly participant: Participant;
  readonly types: TypeRegistry;
  /** Bounds of the subscriptions made on the context (topics/sample-limits.ts). */
  readonly sampleLimits: SampleLimits;
  readonly graph: RosGraph;
  /** Whether endpoints announce `typehash=RIHS01_…;` in USER_DATA (not for a configured Humble). */
  readonly announcesTypeHashes: boolean;
  /** Live servers that stopped answering this context's calls. */
  readonly unansweredCalls: UnansweredCalls;
  /** The context's hidden node (created on first use). */
  internalNode(): NodeHost;
}
