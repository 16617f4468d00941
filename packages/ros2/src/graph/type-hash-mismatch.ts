/**
 * Remote endpoints whose announced type hash (USER_DATA `typehash=`) differs from the hash of the
 * definition we would decode their samples with (docs/ros2.md "Type hashes"): same type name, other
 * fields, so decoding would read garbage or fail. Computed on demand from the graph; the hash of each
 * of our types is memoised by the registry, so one pass costs a string compare per endpoint.
 */
import type { RosEndpointInfo } from './model.js';

/** One topic (or service request/reply topic) where a peer's type differs from ours. */
export interface TypeHashMismatch {
  /** ROS topic or service name. */
  topic: string;
  /** `topic`, `request` or `reply`. */
  role: RosEndpointInfo['role'];
  /** The ROS type name both sides use (`pkg/msg/X`, `pkg/srv/X_Request` …). */
  type: string;
  /** What the remote endpoints announced. */
  announced: string;
  /** The hash of our definition of `type`. */
  ours: string;
  /** How many remote endpoints announced `announced` for this topic and type. */
  endpoints: number;
  /** Their nodes (FQN), when ros_discovery_info names them; at most {@link MAX_NODES_PER_MISMATCH}. */
  nodes: string[];
}

/** Mismatches listed at most; `more` counts the rest. */
export const MAX_TYPE_HASH_MISMATCHES = 32;
/** Nodes listed per mismatch at most. */
export const MAX_NODES_PER_MISMATCH = 8;

/** A well-formed announced hash; anything else (a typo, an over-long value, another RIHS version) is not compared. */
const RIHS01 = /^RIHS01_[0-9a-f]{64}$/;

export interface TypeHashCheck {
  mismatches: TypeHashMismatch[];
  /** Mismatching remote endpoints left out because `limit` (topic, type, hash) groups were listed already. */
  more: number;
  /** Remote endpoints whose `typehash` is not a RIHS01 hash (left out of the comparison). */
  malformed: number;
}

/**
 * Compares each remote endpoint's announced hash with `hashOf(type)` (our hash, or `undefined` when
 * we do not know the type: then nothing is decoded and there is nothing to compare).
 */
export function checkTypeHashes(endpoints: Iterable<RosEndpointInfo>, hashOf: (rosType: string) => string | undefined, limit = MAX_TYPE_HASH_MISMATCHES): TypeHashCheck {
  const groups = new Map<string, TypeHashMismatch>();
  let malformed = 0;
  let more = 0;
  for (const e of endpoints) {
    if (e.local || e.role === 'other' || e.typeHash === undefined) continue;
    if (!RIHS01.test(e.typeHash)) {
      malformed++;
      continue;
    }
    const ours = hashOf(e.rosType);
    if (ours === undefined || ours === e.typeHash) continue;
    const key = `${e.role} ${e.rosName} ${e.rosType} ${e.typeHash}`;
    let g = groups.get(key);
    if (!g) {
      if (groups.size >= limit) {
        more++;
        continue;
      }
      g = { topic: e.rosName, role: e.role, type: e.rosType, announced: e.typeHash, ours, endpoints: 0, nodes: [] };
      groups.set(key, g);
    }
    g.endpoints++;
    const node = e.node && (e.node.namespace === '/' ? `/${e.node.name}` : `${e.node.namespace}/${e.node.name}`);
    if (node && g.nodes.length < MAX_NODES_PER_MISMATCH && !g.nodes.includes(node)) g.nodes.push(node);
  }
  return { mismatches: [...groups.values()], more, malformed };
}
