// The per-fleet JetStream stream (fleet.md §3): created idempotently by whoever connects first, robot or fleet.
import type { NatsConnection } from '@nats-io/transport-node';
import type { StreamConfig } from '@nats-io/jetstream';
import { fleetSubjects, streamName } from './envelope.js';

export interface StreamLimits {
  maxAgeSec: number;
  maxBytes: number;
  /** ≥ 120 s: a republished event inside the window is stored once. */
  duplicateWindowSec: number;
  /** Stream replicas; 0 = min(3, cluster size as the server gossips it). */
  replicas: number;
}

const NS = 1_000_000_000;

/** Creates the fleet's stream if absent; replicas = min(3, cluster size). Returns the stream name. */
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
  const info = nc.info;
  const clusterSize = info?.cluster ? Math.max(1, info.connect_urls?.length ?? 1) : 1;
  const replicas = limits.replicas > 0 ? limits.replicas : Math.min(3, clusterSize);
  const cfg: Partial<StreamConfig> & { name: string } = {
    name,
    subjects: [fleetSubjects(fleet)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: replicas,
    max_age: limits.maxAgeSec * NS,
    max_bytes: limits.maxBytes,
    duplicate_window: Math.max(120, limits.duplicateWindowSec) * NS,
  };
  try {
    await jsm.streams.add(cfg);
  } catch (err) {
    // A concurrent creator won the race: fine when the stream now exists.
    await jsm.streams.info(name).catch(() => { throw err; });
  }
  return name;
}
