// The faults feature: the fault manager in the gateway (docs/faults.md), its REST routes and live stream
// (docs/faults.md), the black-box recordings and uploads under bulk-data (docs/faults.md), its /health report and the
// 'faults' service other features (aggregation, triggers, subscriptions, the ROS wiring) build on.
import { join } from 'node:path';
import { PEER_FAULT_EVENTS_SERVICE } from './gateway/peer-events.js';
import { correlatePeerFaults } from './gateway/peer-correlation.js';
import type { GatewayConfig } from '../config/index.js';
import { bool, list, str } from '@medkit/kit';
import type { RosNode } from '@medkit/ros2';
import { ROS_SERVICE, type RosConnection } from '../ros/connection.js';
import { ENTITIES_SERVICE } from '../entities/service.js';
import type { EntityCache } from '../entities/cache.js';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { warning } from '@medkit/kit';
import { getSamplers } from '../sampling/index.js';
import type { BlackBoxStats, FaultClock } from '@medkit/faults';
import { FAULT_KEYS, faultConfigFromKeys } from '@medkit/faults';
import { BRIDGE_KEYS, bridgeConfigsFrom } from '@medkit/faults';
import type { FaultLogger } from '@medkit/faults';
import type { TopicGraph, TopicSampler } from '@medkit/faults';
import { faultMigrations } from '@medkit/faults';
import { createFaultSystem } from '@medkit/faults';
import { BulkUploadStore } from './bulk-data/upload-store.js';
import { registerFaultSampler } from './gateway/sampler.js';
import { FAULTS_SERVICE, FaultsService } from './gateway/service.js';
import { PEER_FAULT_LOOKUP_SERVICE } from './gateway/peer-lookup.js';
import { contributedChain } from '../entities/provider-chain.js';
import { DATA_PROVIDERS } from '../data/providers.js';
import { FAULT_PROVIDERS } from './gateway/providers.js';
import { TYPE_TO_SEGMENT } from '../entity-scope/index.js';
import { ENTITY_FRAME_MIGRATIONS, EntityFrames, entityValuesOf, SqliteEntityFrameStore, type EntityFrameStore } from '@medkit/faults';
import { LOGS_SERVICE } from '../logs/feature.js';
import { FaultStream } from './http/fault-stream.js';
import { loadedRoutes } from '@medkit/server';
import { BlackBoxTap } from '@medkit/faults';
import { FaultBridges } from '@medkit/faults';
import { serveFaultManager, type FaultManagerNode } from '@medkit/faults';
import { faultManagerNamespace } from '@medkit/faults';
import { SnapshotSignalTap } from '@medkit/faults';
import { rosTopicGraph, rosTopicSampler } from '@medkit/faults';
import { SignalCache } from '@medkit/faults';

const CATEGORY = /^[A-Za-z0-9_-]{1,64}$/;

/** Keys of the faults feature: the fault manager's `faults.*` plus where it is served and what bulk data accepts. */
export const FAULTS_FEATURE_KEYS = {
  ...FAULT_KEYS,
  'fault_manager.namespace': str('', 'Namespace of the fault manager\'s ROS services and events topic (`<ns>/fault_manager/...`; empty = root).'),
  ...BRIDGE_KEYS,
  'bulk_data.categories': list([], 'Upload categories of bulk-data on apps and components besides the read-only `rosbags` (e.g. calibration, firmware).'),
  'entity_freeze_frame.enabled': bool(true, "When a fault of a plugin's entity confirms, keep that entity's data values as the fault's freeze frame (active only with a plugin that serves data)."),
  'entity_freeze_frame.storage.path': str('', 'SQLite file of the entity freeze frames, so they survive a restart (empty = the gateway store <data_dir>/medkit.db).'),
};

/**
 * Entity freeze frames (docs/faults.md (c)) of plugin entities: captured on every confirm edge of a fault whose
 * reporting source is a plugin's entity, caught up after start-up (and after each discovery pass until the
 * entities are known) for faults already confirmed. Returns the function that stops it, or undefined when no
 * plugin serves data or the feature is off.
 */
function startEntityFrames(ctx: GatewayContext, s: FaultsService, log: FaultLogger): (() => void) | undefined {
  const providers = contributedChain(ctx.services, DATA_PROVIDERS);
  if (!ctx.config.read(FAULTS_FEATURE_KEYS, 'entity_freeze_frame.enabled') || providers.all.length === 0) return undefined;
  const path = ctx.config.read(FAULTS_FEATURE_KEYS, 'entity_freeze_frame.storage.path');
  let store: EntityFrameStore;
  try {
    store = new SqliteEntityFrameStore(ctx.db, path);
  } catch (err) {
    log.warn(`entity freeze frame store ${path} cannot be opened (${(err as Error).message}); frames are kept in memory only`);
    store = { load: () => [], put: () => {}, delete: () => {}, close: () => {} };
  }
  const frames = new EntityFrames({
    store,
    ownerOf(source) {
      const hit = s.entities.entityOf(source);
      if (!hit) return undefined;
      let entity;
      try {
        entity = ctx.resolver.resolve(TYPE_TO_SEGMENT[hit.type], hit.entity_id).entity;
      } catch {
        return undefined;
      }
      const data = providers.resourceFor({ type: hit.type, entity });
      if (!data) return undefined;
      return {
        entityId: entity.id,
        read: async () => {
          const items = ((await data.list()).body as { items?: { id?: unknown }[] } | undefined)?.items ?? [];
          const ids = items.map((i) => i?.id).filter((id): id is string => typeof id === 'string');
          return entityValuesOf(await Promise.all(ids.map(async (id) => ({ id, body: (await data.read(id)).body }))));
        },
      };
    },
    fault: (code) => s.manager.getFault(code),
    allFaults: () => s.system.repository.allFaults(),
    nowNs: () => BigInt(Date.now()) * 1_000_000n,
    warn: (m) => log.warn(m),
  });
  s.views.entityFrames = frames;
  const off = s.manager.events.subscribe((e) => {
    if (e.event_type === 'fault_confirmed') void frames.captureConfirmed(e.fault);
  });
  frames.startup();
  const discovery = ctx.services.find(ENTITIES_SERVICE);
  const catchUp = () => {
    if (frames.waiting > 0) void frames.catchUp();
  };
  catchUp();
  discovery?.on('refresh', catchUp);
  return () => {
    off();
    discovery?.off('refresh', catchUp);
    frames.close();
  };
}

export interface FaultsFeatureOptions {
  /** SSE keep-alive of /faults/stream; the spec's 30 s unless a test needs it shorter. */
  keepaliveMs?: number;
  /** Fault clock (tests use a manual clock). */
  clock?: FaultClock;
  /** Topic access for freeze frames, when no ROS service provides one. */
  sampler?: TopicSampler;
  graph?: TopicGraph;
}

/** Bridges the domain's logger to the gateway's pino logger. */
function faultLogger(ctx: GatewayContext): FaultLogger {
  const log = ctx.log.child({ component: 'faults' });
  return { debug: (m) => log.debug(m), info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) };
}

export function createFaultsFeature(_config?: GatewayConfig, opts: FaultsFeatureOptions = {}): GatewayFeature {
  let svc: FaultsService | undefined;
  let stream: FaultStream | undefined;
  let uploads: BulkUploadStore | undefined;
  let unregisterSampler: (() => void) | undefined;
  let ros: RosConnection | undefined;
  let rosNode: RosNode | undefined;
  let served: FaultManagerNode | undefined;
  let bridges: FaultBridges | undefined;
  let tap: BlackBoxTap | undefined;
  let signals: SignalCache | undefined;
  let signalTap: SnapshotSignalTap | undefined;
  let stopFrames: (() => void) | undefined;
  let stopPeerCorrelation: (() => void) | undefined;
  const need = (): FaultsService => {
    if (!svc) throw new Error('faults feature used before init');
    return svc;
  };
  return {
    name: 'faults',
    provides: [FAULTS_SERVICE],
    uses: [ROS_SERVICE, ENTITIES_SERVICE, PEER_FAULT_EVENTS_SERVICE, PEER_FAULT_LOOKUP_SERVICE, FAULT_PROVIDERS, DATA_PROVIDERS],
    keys: FAULTS_FEATURE_KEYS,
    migrations: [...faultMigrations, ...ENTITY_FRAME_MIGRATIONS],
    init(ctx) {
      const log = faultLogger(ctx);
      const config = faultConfigFromKeys((k) => ctx.config.read(FAULT_KEYS, k), log);
      // The ROS feature (before this one) publishes its connection as 'ros'; without it faults work from REST only.
      ros = ctx.services.find(ROS_SERVICE);
      const snap = config.snapshots;
      // Background capture of the configured snapshot topics: their history for value-and-history frames
      // (history_window_sec > 0) and the newest message for background_capture.
      if (ros && !opts.sampler && snap.enabled && (snap.history_window_sec > 0 || snap.background_capture)) {
        signals = new SignalCache({ historyWindowMs: snap.history_window_sec * 1000, maxMessageSize: snap.max_message_size });
      }
      const sampler = opts.sampler ?? (ros ? rosTopicSampler(() => rosNode, ros.graph, signals) : undefined);
      const graph = opts.graph ?? (ros ? rosTopicGraph(ros.graph) : undefined);
      const system = createFaultSystem({ config, dataDir: ctx.dataDir, db: ctx.db, clock: opts.clock, log, sampler, graph });
      const discovery = ctx.services.find(ENTITIES_SERVICE);
      const entities = (): EntityCache | undefined => discovery?.cache;
      svc = new FaultsService(system, ctx.resolver, entities, contributedChain(ctx.services, FAULT_PROVIDERS));
      const faultStream = (stream = new FaultStream(svc, config.event_replay_buffer, config.stream_flush_ms));
      uploads = new BulkUploadStore(join(ctx.dataDir, 'bulk-data'));
      ctx.services.provide(FAULTS_SERVICE, svc);
      unregisterSampler = registerFaultSampler(getSamplers(ctx), svc, ctx.resolver);
      const s = svc;
      ctx.health.add(() => {
        const h = s.manager.health();
        const store = system.store.report();
        const warnings = h.store_full ? [warning('fault_store_full', `fault store holds ${h.max_fault_codes} confirmed faults; new fault codes are rejected until some are cleared`)] : [];
        // docs/faults.md "Storage outages": the store's own state, so an outage is not a healthy gateway with an empty list.
        if (store.state !== 'ok') warnings.push(warning('fault_store_unavailable', `fault store (${store.backend}) ${store.state}${store.problem ? ` (${store.problem})` : ''}: ${store.last_error ?? 'not loaded yet'}; fault reports are refused`));
        return {
          fields: { 'x-medkit-faults': { ...h, storage_type: system.repository.kind, store, sse_clients: faultStream.fanout.clientCount, peer_events_relayed: faultStream.timeline.relayedCount, black_box: Boolean(system.blackbox), ...blackBoxHealth(system.blackbox) } },
          warnings,
        };
      });
    },
    routes(ctx) {
      const service = need();
      const store = uploads!;
      const categories = ctx.config.read(FAULTS_FEATURE_KEYS, 'bulk_data.categories').filter((c) => {
        if (CATEGORY.test(c) && c !== 'rosbags') return true;
        ctx.log.warn({ category: c }, 'bulk_data.categories: ignoring an invalid category name');
        return false;
      });
      const deps = {
        service,
        stream: stream!,
        sse: ctx.sse,
        keepaliveMs: opts.keepaliveMs ?? 30_000,
        resolver: ctx.resolver,
        peers: ctx.services.find(PEER_FAULT_LOOKUP_SERVICE),
        logs: () => ctx.services.find(LOGS_SERVICE),
        uploads: store,
        categories,
        maxUploadBytes: ctx.config.get('bulk_data.max_upload_size'),
      };
      return loadedRoutes(() => import('./http/routes.js'), (m) => (app) => m.registerFaultHttp(app, deps));
    },
    start(ctx) {
      const s = need();
      // With aggregation, peers' fault events join this gateway's /faults/stream (same ids, same replay buffer).
      const peerEvents = ctx.services.find(PEER_FAULT_EVENTS_SERVICE);
      if (peerEvents) {
        stream!.timeline.connectPeers(peerEvents);
        stopPeerCorrelation = correlatePeerFaults(peerEvents, s.manager);
      }
      stopFrames = startEntityFrames(ctx, s, faultLogger(ctx));
      if (!ros) return;
      const log = faultLogger(ctx);
      const ns = faultManagerNamespace(ctx.config.read(FAULTS_FEATURE_KEYS, 'fault_manager.namespace'), (m) => log.warn(m));
      try {
        rosNode = ros.context.createNode('fault_manager', ns, { rosout: false, parameterServices: false, parameterEvents: false });
        served = serveFaultManager(rosNode, s.manager, log, { entityPathOf: (f) => s.entityPathOf(f) });
        bridges = new FaultBridges(rosNode, ros.graph, s.manager, bridgeConfigsFrom(ctx.config, (m) => log.warn(m)), log);
        bridges.start();
        if (signals && s.system.snapshotTopics.length > 0) {
          signalTap = new SnapshotSignalTap(rosNode, ros.graph, s.system.snapshotTopics, signals, log);
          signalTap.start();
        }
        if (s.system.blackbox) {
          tap = new BlackBoxTap(rosNode, ros.graph, ros.types, s.system.blackbox, log);
          tap.start();
        }
        ctx.log.info({ node: rosNode.resolveName('~') }, 'fault manager serving on the ROS graph');
      } catch (err) {
        ctx.log.error({ err }, 'fault manager could not be served on the ROS graph');
      }
    },
    async stop() {
      stopFrames?.();
      stopPeerCorrelation?.();
      tap?.stop();
      signalTap?.stop();
      bridges?.stop();
      served?.close();
      unregisterSampler?.();
      stream?.close();
      await svc?.system.stop();
    },
    summary() {
      const s = need();
      if (s.system.store.blocksReads()) return [['faults', `${s.system.repository.kind} store ${s.system.store.current} (loading in the background)`]];
      const all = s.system.repository.allFaults();
      const confirmed = all.filter((f) => f.status === 'CONFIRMED').length;
      return [['faults', `${all.length} faults stored (${confirmed} confirmed), ${s.system.repository.kind} store`]];
    },
  };
}

/** The black box's recording counters on /health (docs/faults.md "One recording per incident"). */
function blackBoxHealth(recorder: { stats(): BlackBoxStats } | undefined): { black_box_recordings?: Record<string, number> } {
  if (!recorder) return {};
  const s = recorder.stats();
  return { black_box_recordings: { recordings: s.recordings, failed: s.failed_recordings, capped: s.capped_recordings, joined_faults: s.joined_faults, unlinked_faults: s.unlinked_faults } };
}
