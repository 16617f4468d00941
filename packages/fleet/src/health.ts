// The fleet replica's part of /health (docs/fleet.md): broker and database state, robots online/offline, ingest
// counters, and `status: "degraded"` with a named warning whenever ingest cannot progress or the store is down,
// so a load balancer or an operator sees a replica that serves only stale data.
import type { Pool } from 'pg';
import { warning, type HealthContribution, type HealthWarning } from '@medkit/kit';
import { streamName } from '@medkit/fleet-protocol';
import { STALL_AFTER_MS, type FleetIngest } from './ingest.js';
import type { FastPathStats } from './fast-path.js';
import { robotCounts, type RobotCounts } from './queries.js';

interface FleetHealthSources {
  fleet: string;
  pool(): Pool;
  ingest(): FleetIngest | undefined;
  /** The fast path's counters once it runs, else whether it is on. */
  fastPath(): FastPathStats | { enabled: boolean };
  /** Connected to a NATS server right now (false while reconnecting). */
  natsConnected(): boolean;
  migrated(): boolean;
  liveClients(): number;
  /** Why start-up (schema, broker, stream, consumer) has not finished yet, if it has not. */
  startupProblem(): string | undefined;
  startedAt: number;
}

export async function fleetHealth(src: FleetHealthSources): Promise<HealthContribution> {
  const warnings: HealthWarning[] = [];
  const ingest = src.ingest();
  const st = ingest?.stats();
  const natsUp = src.natsConnected();
  let robots: RobotCounts | null = null;
  const unheardSince = ingest?.unheardSince();
  try {
    robots = await robotCounts(src.pool(), unheardSince === undefined ? undefined : new Date(unheardSince));
  } catch {
    warnings.push(warning('fleet_database_unavailable', 'fleet database (PostgreSQL) is unreachable; ingest is paused and the API answers 503'));
  }
  if (robots && st && !st.db_ok) {
    warnings.push(warning('fleet_database_unavailable', 'the last ingest write to the fleet database (PostgreSQL) failed; ingest holds its batch and retries'));
  }
  if (!natsUp) warnings.push(warning('fleet_nats_unavailable', 'fleet broker (NATS JetStream) is unreachable; ingest and the live stream are paused'));
  const stalled = ingest ? ingest.stalled() : Date.now() - src.startedAt > STALL_AFTER_MS ? `ingest has not started: ${src.startupProblem() ?? 'starting'}` : undefined;
  if (stalled) warnings.push(warning('fleet_ingest_stalled', `fleet ingest cannot progress: ${stalled}`));
  // Every warning so far means this replica cannot do its job; the ones below do not stop it.
  const degraded = warnings.length > 0;
  const fast = src.fastPath();
  if ('error' in fast && fast.error) {
    warnings.push(warning('fleet_fast_path_refused', `the NATS server refuses this replica's fast-path subscription (${fast.error}); events are ingested by JetStream only, so a JetStream election delays them: allow subscribing to medkit-fast.${src.fleet}.> (docs/fleet.md)`));
  }
  if (unheardSince !== undefined && robots && robots.unknown > 0) {
    warnings.push(warning('fleet_robots_unheard', `the fleet cannot hear its robots through JetStream since ${new Date(unheardSince).toISOString()}: ${robots.unknown} robot${robots.unknown === 1 ? ' that was' : 's that were'} online then ${robots.unknown === 1 ? 'is' : 'are'} unknown until heard from again`));
  }
  const replicas = ingest?.streamReplicas() ?? null;
  if (replicas && replicas.leader === null) {
    warnings.push(warning('fleet_stream_no_leader', `fleet stream ${streamName(src.fleet)} has no leader${replicas.error ? ` (no answer: ${replicas.error})` : ''}: an election, or a lost quorum of its nodes; JetStream stores nothing until it has one`));
  }
  if (replicas && replicas.replicas < replicas.intended) {
    const stream = streamName(src.fleet);
    warnings.push(warning('fleet_stream_under_replicated', `fleet stream ${stream} has ${replicas.replicas} replica${replicas.replicas === 1 ? '' : 's'} where ${replicas.intended} are intended: losing ${replicas.replicas === 1 ? 'its NATS node' : 'a quorum of its nodes'} stops ingest and robots' publishing until ${replicas.replicas === 1 ? 'that node returns' : 'they return'}; raise it with \`nats stream edit ${stream} --replicas ${replicas.intended}\` (or set fleet.stream.replicas to the count wanted)`));
  }
  return {
    fields: {
      'x-medkit-fleet': {
        fleet: src.fleet,
        stream: streamName(src.fleet),
        nats_connected: natsUp,
        database_ok: robots !== null && st?.db_ok !== false,
        schema_migrated: src.migrated(),
        robots: robots && { ...robots, unheard_since: unheardSince === undefined ? null : new Date(unheardSince).toISOString() },
        ingest: st ?? null,
        fast_path: fast,
        stream_replicas: replicas,
        live_clients: src.liveClients(),
      },
    },
    warnings,
    degraded,
  };
}
