// The per-fleet JetStream stream (docs/fleet.md): created idempotently by whoever connects first, robot or fleet.
import type { NatsConnection } from '@nats-io/transport-node';
import type { StreamConfig } from '@nats-io/jetstream';
import { fleetSubjects, streamName } from './envelope.js';

export interface StreamLimits {
  maxAgeSec: number;
  maxBytes: number;
  /** ≥ 120 s: a republished event inside the window is stored once. */
  duplicateWindowSec: number;
  /** Stream replicas; 0 = min(3, cluster size). */
  replicas: number;
}

const NS = 1_000_000_000;
/** JetStream's "no suitable peers for placement": fewer nodes can take a replica than were asked for. */
const NO_PLACEMENT = 10005;

/** What a connection knows of its server (a NatsConnection's `info`). */
export interface ServerFacts {
  cluster?: string;
  connect_urls?: string[];
}

/**
 * The replicas the fleet stream should have: `configured` when set, else min(3, cluster size). A clustered server
 * (its INFO names a cluster) advertises the other nodes' URLs unless `no_advertise` hides them (behind NAT or a
 * load balancer): then the size is unknown, and a JetStream cluster that is meant to survive a node's loss has
 * at least 3 nodes, so 3.
 */
export function intendedReplicas(info: ServerFacts | undefined, configured: number): number {
  if (configured > 0) return configured;
  if (!info?.cluster) return 1;
  const advertised = info.connect_urls?.length ?? 0;
  return advertised > 0 ? Math.min(3, advertised) : 3;
}

/**
 * Creates the fleet's stream if absent, with the intended replicas (above). When JetStream cannot place that many
 * (nodes down at creation, or a cluster smaller than assumed) and the count was not configured, it takes the most
 * it can place: the fleet's /health then names the stream as under-replicated. Returns the stream name.
 */
export async function ensureFleetStream(nc: NatsConnection, fleet: string, limits: StreamLimits): Promise<string> {
  const { DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType } = await import('@nats-io/jetstream');
  const jsm = await jetstreamManager(nc, { timeout: 5000 });
  const name = streamName(fleet);
  try {
    await jsm.streams.info(name);
    return name;
  } catch {
    // absent (or the info timed out): try to create below
  }
  const intended = intendedReplicas(nc.info, limits.replicas);
  const cfg: Partial<StreamConfig> & { name: string } = {
    name,
    subjects: [fleetSubjects(fleet)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: intended,
    max_age: limits.maxAgeSec * NS,
    max_bytes: limits.maxBytes,
    duplicate_window: Math.max(120, limits.duplicateWindowSec) * NS,
  };
  for (;;) {
    try {
      await jsm.streams.add(cfg);
      return name;
    } catch (err) {
      const unplaceable = (err as { code?: unknown }).code === NO_PLACEMENT;
      if (unplaceable && limits.replicas === 0 && (cfg.num_replicas ?? 1) > 1) {
        cfg.num_replicas = (cfg.num_replicas ?? 1) - 1;
        continue;
      }
      // A concurrent creator won the race: fine when the stream now exists.
      await jsm.streams.info(name).catch(() => { throw err; });
      return name;
    }
  }
}

/** The fleet stream's replicas as JetStream has them, against the intended count. */
export interface StreamReplicas {
  /** `num_replicas` of the stream's configuration. */
  replicas: number;
  /** What the fleet intends (intendedReplicas). */
  intended: number;
  /** Replicas that are current now: the leader and each follower that has caught up (not offline); 0 without a leader. */
  current: number;
  /** The node that leads the stream, null when none does (an election, a lost quorum) or none answered. */
  leader: string | null;
}

/** Reads the stream's replica state (one JetStream API request, with the client's deadline). */
export async function streamReplicas(nc: NatsConnection, stream: string, configured: number, timeoutMs: number): Promise<StreamReplicas> {
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const jsm = await jetstreamManager(nc, { timeout: timeoutMs, checkAPI: false });
  const info = await jsm.streams.info(stream);
  const followers = info.cluster?.replicas ?? [];
  // A JetStream server that is not in a cluster answers without a `cluster` block (nats-server 2.9): the stream
  // lives on that one server, which leads it. Only a clustered stream can be without a leader.
  const leader = info.cluster ? info.cluster.leader || null : (nc.info?.server_name ?? 'standalone');
  return {
    replicas: info.config.num_replicas,
    intended: intendedReplicas(nc.info, configured),
    // Followers are current with a leader: without one, none is.
    current: leader ? 1 + followers.filter((r) => r.current && !r.offline).length : 0,
    leader,
  };
}
