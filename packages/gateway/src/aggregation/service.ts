// The aggregation service: owns the peers, merges their entities into discovery's cache, answers "who owns
// this entity", and feeds peer fault events to the local stream. The HTTP hooks (routes.ts) build on it.
import { randomUUID } from 'node:crypto';
import type { App, Area, Component, Entity, EntitySnapshot, EntityType, SovdFunction } from '../entities/model.js';
import { SovdError } from '@medkit/sovd';
import { warning, type HealthContribution } from '@medkit/kit';
import type { AggregationSettings, PeerConfig } from './config.js';
import { PeerFaultEventHub, type FaultEventSink } from '../faults/gateway/peer-events.js';
import { PeerFaultRelay } from './fault-relay.js';
import { mergePeerEntities, renamedAppId, routeKey, type LeafCollision, type PeerRoute } from './merge.js';
import { INSTANCE_HEALTH_FIELD, PeerRegistry, type PeerLogger, type PeerState } from './peers.js';

/** What aggregation needs from discovery (the DiscoveryManager). */
export interface MergeHost {
  setMerger(merger: ((local: EntitySnapshot) => EntitySnapshot) | undefined): void;
  refresh(reason: 'aggregation'): Promise<unknown>;
  cache: { get(type: EntityType, id: string): Entity | undefined };
}

/** `/health` `peers[]` entry (docs/api.md; `last_seen` and `instance_id` are [ours]). */
export interface PeerHealth {
  name: string;
  url: string;
  status: 'online' | 'offline';
  last_seen?: string;
  instance_id?: string;
}

export class AggregationService {
  /** Identifies this gateway process to its peers (loop detection). */
  readonly instanceId = randomUUID();
  readonly registry: PeerRegistry;
  /** Relayed peer fault events; the local /faults/stream subscribes here. */
  readonly faultEvents: PeerFaultEventHub;
  private relay?: PeerFaultRelay;
  private host?: MergeHost;
  private routes = new Map<string, PeerRoute>();
  private collisions: LeafCollision[] = [];
  /** Names of peers added by mDNS (only these may be removed by mDNS). */
  private readonly discovered = new Set<string>();
  /** Set when mDNS discovery/announcement could not start or cannot use multicast. */
  mdnsProblem?: string;

  constructor(
    readonly settings: AggregationSettings,
    private readonly log: PeerLogger & { error(msg: string): void },
  ) {
    this.faultEvents = new PeerFaultEventHub((err) => log.error(`a relayed fault event listener failed: ${err.message}`));
    this.registry = new PeerRegistry({
      peers: settings.peers,
      timeoutMs: settings.timeoutMs,
      agent: settings.agent,
      peerAuthHeader: settings.peerAuthHeader,
      intervalMs: settings.healthIntervalMs,
      instanceId: this.instanceId,
      log,
      onChange: () => void this.peersChanged(),
    });
  }

  /** Hooks the merge into discovery's refresh pipeline (docs/manifest.md step 4). */
  attach(host: MergeHost): void {
    this.host = host;
    host.setMerger((local) => this.merge(local));
  }

  /** Starts health checks and, with `sink`, the fault-event relay (the hub is always fed). */
  async start(extraSink?: FaultEventSink): Promise<void> {
    const sink: FaultEventSink = extraSink
      ? { publishPeerEvent: (e) => (this.faultEvents.publishPeerEvent(e), extraSink.publishPeerEvent(e)) }
      : this.faultEvents;
    this.relay = new PeerFaultRelay({
      sink,
      instanceId: this.instanceId,
      connectTimeoutMs: this.settings.timeoutMs,
      agent: this.settings.agent,
      headers: (peer) => this.registry.credentialOf(peer),
      log: this.log,
    });
    await this.registry.start();
    // The first round may have changed nothing relative to "all offline" and still needs a merge; resolves once the
    // merged entities show it (the start-up work a deferred gateway's route build waits for, issue 69).
    await this.peersChanged();
  }

  async stop(): Promise<void> {
    this.registry.stop();
    this.host?.setMerger(undefined);
    await this.relay?.stop();
  }

  /** The merge step itself (pure apart from remembering the routing table). */
  merge(local: EntitySnapshot): EntitySnapshot {
    const contributions = this.registry
      .list()
      .filter((p) => p.tree)
      .map((p) => ({ peer: p.name, snapshot: p.tree!.snapshot, online: p.status === 'online', selfAliases: p.selfAliases }));
    const r = mergePeerEntities(local, contributions);
    for (const n of r.notes) this.log.warn(n);
    this.routes = r.routes;
    this.collisions = r.collisions;
    return r.snapshot;
  }

  /** The peer that owns `type/id`, or undefined when it is served here. */
  route(type: EntityType, id: string): PeerRoute | undefined {
    return this.routes.get(routeKey(type, id));
  }

  /**
   * This gateway's id of the entity `peer` knows as `type/remoteId`, when requests for it are routed to that
   * peer (the same id, or the `<peer>__<id>` of a renamed app); undefined otherwise.
   */
  localIdOf(peer: string, type: EntityType, remoteId: string): string | undefined {
    for (const id of type === 'app' ? [remoteId, renamedAppId(peer, remoteId)] : [remoteId]) {
      const r = this.route(type, id);
      if (r?.peer === peer && r.remoteId === remoteId) return id;
    }
    return undefined;
  }

  /**
   * Member dispatch: the route of app `member` when it is owned by a peer and is a member of the aggregating
   * entity `type/id` (function host, app hosted by the component, app in the area or one of its subareas).
   */
  memberRoute(type: EntityType, id: string, member: string): PeerRoute | undefined {
    const r = this.route('app', member);
    const cache = this.host?.cache;
    if (!r || !cache || type === 'app') return undefined;
    const app = cache.get('app', member) as App | undefined;
    if (!app) return undefined;
    if (type === 'function') {
      const hosts = (cache.get('function', id) as SovdFunction | undefined)?.hosts ?? [];
      return hosts.includes(member) || (app.component_id !== undefined && hosts.includes(app.component_id)) ? r : undefined;
    }
    if (type === 'component') return app.component_id === id ? r : undefined;
    let area = app.component_id ? (cache.get('component', app.component_id) as Component | undefined)?.area : undefined;
    for (let depth = 0; area && depth < 64; depth++) {
      if (area === id) return r;
      area = (cache.get('area', area) as Area | undefined)?.parent_area_id;
    }
    return undefined;
  }

  /** The route's peer when it is online; otherwise the 504 of docs/api.md step 3 (entity retained from a silent peer). */
  onlinePeer(route: PeerRoute, entityId: string): PeerState {
    const peer = this.registry.get(route.peer);
    if (peer?.status === 'online') return peer;
    throw new SovdError('not-responding', `Peer '${route.peer}' owning '${entityId}' is not responding`, {
      entity_id: entityId,
      peer: route.peer,
      details: peer?.lastError ?? 'peer failed its last health check',
    });
  }

  /**
   * Adds a peer found by mDNS and checks it at once. Refused (false) when its name is taken by a static peer
   * or its scheme violates `require_tls`.
   */
  addDiscovered(peer: PeerConfig): boolean {
    if (this.settings.requireTls && peer.url.startsWith('http:')) {
      this.log.warn(`discovered peer '${peer.name}' (${peer.url}) rejected: aggregation.require_tls is set`);
      return false;
    }
    if (!this.registry.add(peer)) {
      this.log.warn(`discovered peer '${peer.name}' (${peer.url}) ignored: a peer of that name exists`);
      return false;
    }
    this.discovered.add(peer.name);
    this.log.info(`discovered peer '${peer.name}' at ${peer.url}`);
    if (peer.url.startsWith('http:')) this.log.warn(`peer '${peer.name}' is reached over cleartext http (${peer.url})`);
    void this.registry.checkAll([peer.name]).then(() => this.peersChanged());
    return true;
  }

  /** Removes a peer that mDNS added (goodbye or TTL expiry); static peers are never removed. */
  removeDiscovered(name: string): boolean {
    if (!this.discovered.delete(name)) return false;
    this.registry.remove(name);
    this.log.info(`discovered peer '${name}' left`);
    this.peersChanged();
    return true;
  }

  peer(name: string): PeerState | undefined {
    return this.registry.get(name);
  }

  /** Peers that contribute to a local (merged) entity, in configuration order. */
  contributors(type: EntityType, id: string): PeerState[] {
    const e = this.host?.cache.get(type, id);
    if (!e) return [];
    return this.registry.list().filter((p) => e.contributors.includes(p.name));
  }

  /** Checks every peer now and resolves once the merged entities reflect the result. */
  async checkNow(): Promise<void> {
    await this.registry.checkAll();
    await this.host?.refresh('aggregation');
  }

  /** A forward to `peer` failed: check it now instead of waiting for the next round. */
  suspect(peer: string): void {
    void this.registry.checkAll([peer]);
  }

  health(): HealthContribution {
    const peers: PeerHealth[] = this.registry.list().map((p) => ({
      name: p.name,
      url: p.url,
      status: p.status,
      ...(p.lastSeen ? { last_seen: p.lastSeen } : {}),
      ...(p.instanceId ? { instance_id: p.instanceId } : {}),
    }));
    const warnings = this.collisions.map((c) =>
      warning('leaf_id_collision', `Component '${c.componentId}' is declared by more than one peer; requests route to one of them arbitrarily`, {
        entity_ids: [c.componentId],
        peer_names: c.peers,
      }),
    );
    if (this.mdnsProblem) warnings.push(warning('peer_discovery_unavailable', `mDNS peer discovery unavailable: ${this.mdnsProblem}`));
    // A peer checked and found not answering (not one still waiting for its first check).
    for (const p of this.registry.list()) {
      if (p.status === 'offline' && p.lastError !== undefined) warnings.push(warning('peer_offline', `peer gateway ${p.name} (${p.url}) does not answer: ${p.lastError}`, { peer_names: [p.name] }));
    }
    return { fields: { peers, [INSTANCE_HEALTH_FIELD]: { instance_id: this.instanceId } }, warnings };
  }

  private async peersChanged(): Promise<void> {
    this.relay?.sync(this.registry.list());
    this.faultEvents.setOnline(this.registry.list().filter((p) => p.status === 'online').map((p) => p.name));
    await this.host?.refresh('aggregation');
  }
}
