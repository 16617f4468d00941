/**
 * The ROS graph: participants (SPDP), endpoints (SEDP) and nodes (ros_discovery_info, docs/ros2.md)
 * joined into nodes with their topics, services and actions. Indexes are rebuilt lazily after a
 * change, and `change` events are debounced so a burst of discovery traffic yields one event.
 */
import { EventEmitter } from 'node:events';
import { vendorName, type DiscoveredParticipant, type EndpointData } from '@medkit/rtps';
import { nodeFqn, parseActionPart } from '../names/index.js';
import { withDeadline, type CallOptions } from '../client/deadline.js';
import type { ParticipantEntities } from './discovery-info.js';
import { actionTypeOf, endpointInfo, serviceTypeOf } from './endpoint-info.js';
import {
  UNKNOWN_NODE_NAME,
  UNKNOWN_NODE_NAMESPACE,
  type GraphEndpoint,
  type RosActionInfo,
  type RosEndpointInfo,
  type RosNodeInfo,
  type RosParticipantInfo,
  type RosServiceInfo,
  type RuntimeGraphSnapshot,
} from './model.js';
import { checkTypeHashes, type TypeHashCheck } from './type-hash-mismatch.js';
import { parseUserData } from './user-data.js';

interface ParticipantEntry {
  guid: string;
  vendorId: number;
  userData: Record<string, string>;
  local: boolean;
}

/** A service server as found in the graph, with what a client needs to pick a convention. */
export interface ServiceServerInfo {
  service: string;
  type: string;
  node?: { name: string; namespace: string };
  participantGuid: string;
  vendorId: number;
  vendor: string;
  requestReader: RosEndpointInfo;
  replyWriter?: RosEndpointInfo;
}

/** Options of {@link RosGraph.snapshot} and {@link RosGraph.nodes}. */
export interface GraphQueryOptions {
  /** Include the nodes of this process (default true). */
  includeLocal?: boolean;
  /** Include the per-participant bucket of endpoints no node lists (default false). */
  includeUnknown?: boolean;
}

interface RosGraphEvents {
  /** Something in the graph changed (debounced). */
  change: [];
}

/** Debounce of `change` events (ms). */
const CHANGE_DEBOUNCE_MS = 10;

/** The live ROS graph of one context. Read it with the query methods; listen to `change`. */
export class RosGraph extends EventEmitter<RosGraphEvents> {
  readonly #participants = new Map<string, ParticipantEntry>();
  readonly #infos = new Map<string, ParticipantEntities>();
  readonly #endpoints = new Map<string, RosEndpointInfo>();
  #dirty = true;
  #nodes: RosNodeInfo[] = [];
  #ownerOf = new Map<string, RosNodeInfo>();
  #timer: NodeJS.Timeout | undefined;
  #version = 0;

  /** Increases on every change (cheap change detection for pollers). */
  get version(): number {
    return this.#version;
  }

  // ---- inputs (called by the context) ---------------------------------------------------

  /** @internal */
  upsertParticipant(p: DiscoveredParticipant | { guid: string; vendorId: number; userData: Uint8Array }, local = false): void {
    const prefix = p.guid.slice(0, 24);
    this.#participants.set(prefix, { guid: p.guid, vendorId: p.vendorId, userData: parseUserData(p.userData), local });
    this.#changed();
  }

  /** @internal Participant gone (dispose or lease expiry): its nodes and endpoints go too. */
  removeParticipant(guid: string): void {
    const prefix = guid.slice(0, 24);
    this.#participants.delete(prefix);
    this.#infos.delete(prefix);
    for (const [g, e] of this.#endpoints) if (g.startsWith(prefix) && !e.local) this.#endpoints.delete(g);
    this.#changed();
  }

  /** @internal */
  upsertEndpoint(d: EndpointData, local = false): void {
    this.#endpoints.set(d.guid, endpointInfo(d, local));
    this.#changed();
  }

  /** @internal */
  removeEndpoint(guid: string): void {
    if (this.#endpoints.delete(guid)) this.#changed();
  }

  /** @internal A ros_discovery_info snapshot from the participant with this GUID prefix. */
  setDiscoveryInfo(prefix: string, info: ParticipantEntities): void {
    this.#infos.set(prefix, info);
    this.#changed();
  }

  #changed(): void {
    this.#dirty = true;
    this.#version++;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.emit('change');
    }, CHANGE_DEBOUNCE_MS);
    this.#timer.unref?.();
  }

  /** @internal */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.removeAllListeners();
  }

  // ---- index ----------------------------------------------------------------------------

  #rebuild(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    const nodes: RosNodeInfo[] = [];
    const owner = new Map<string, RosNodeInfo>();
    const unknownOf = new Map<string, RosNodeInfo>();
    const newNode = (prefix: string, name: string, namespace: string, unknown: boolean, gidSize?: 16 | 24): RosNodeInfo => {
      const p = this.#participants.get(prefix);
      const vendorId = p?.vendorId ?? 0;
      const n: RosNodeInfo = {
        name,
        namespace,
        fqn: unknown ? `${namespace}/${name}` : nodeFqn(namespace, name),
        enclave: p?.userData.enclave ?? '/',
        participantGuid: p?.guid ?? `${prefix}000001c1`,
        vendorId,
        vendor: vendorName(vendorId),
        gidSize,
        local: p?.local ?? false,
        unknown,
        publishers: [],
        subscriptions: [],
        serviceServers: [],
        serviceClients: [],
        actionServers: [],
        actionClients: [],
      };
      nodes.push(n);
      return n;
    };
    for (const [prefix, info] of this.#infos) {
      if (!this.#participants.has(prefix)) continue;
      for (const ne of info.nodes) {
        const ns = ne.namespace === '' ? '/' : ne.namespace.startsWith('/') ? ne.namespace : `/${ne.namespace}`;
        const n = newNode(prefix, ne.name, ns, false, info.gidSize);
        for (const g of ne.readers) owner.set(g, n);
        for (const g of ne.writers) owner.set(g, n);
      }
    }
    const epsOf = new Map<RosNodeInfo, RosEndpointInfo[]>();
    for (const e of this.#endpoints.values()) {
      let n = owner.get(e.guid);
      if (!n) {
        if (e.role === 'other') continue;
        const prefix = e.guid.slice(0, 24);
        n = unknownOf.get(prefix);
        if (!n) {
          n = newNode(prefix, UNKNOWN_NODE_NAME, UNKNOWN_NODE_NAMESPACE, true);
          unknownOf.set(prefix, n);
        }
      } else {
        e.node = { name: n.name, namespace: n.namespace };
      }
      if (e.role === 'topic') (e.kind === 'writer' ? n.publishers : n.subscriptions).push(e);
      const list = epsOf.get(n);
      if (list) list.push(e);
      else epsOf.set(n, [e]);
    }
    for (const n of nodes) this.#fillServices(n, epsOf.get(n) ?? []);
    this.#nodes = nodes;
    this.#ownerOf = owner;
  }

  #fillServices(n: RosNodeInfo, eps: RosEndpointInfo[]): void {
    const servers = new Map<string, RosServiceInfo>();
    const clients = new Map<string, RosServiceInfo>();
    for (const e of eps) {
      if (e.role !== 'request' && e.role !== 'reply') continue;
      // Server: reads requests, writes replies. Client: the opposite.
      const isServer = (e.role === 'request') === (e.kind === 'reader');
      const map = isServer ? servers : clients;
      let s = map.get(e.rosName);
      if (!s) {
        s = { name: e.rosName, type: serviceTypeOf(e.rosType) };
        map.set(e.rosName, s);
      }
      if (e.role === 'request') {
        s.requestEndpoint = e.guid;
        s.type = serviceTypeOf(e.rosType);
      } else s.replyEndpoint = e.guid;
    }
    n.serviceServers = [...servers.values()];
    n.serviceClients = [...clients.values()];
    n.actionServers = actionsOf(n.serviceServers, n.publishers);
    n.actionClients = actionsOf(n.serviceClients, n.subscriptions);
  }

  // ---- queries --------------------------------------------------------------------------

  /** Nodes with their endpoints, services and actions. */
  nodes(opts: GraphQueryOptions = {}): RosNodeInfo[] {
    this.#rebuild();
    return this.#nodes.filter((n) => (opts.includeLocal ?? true ? true : !n.local) && (opts.includeUnknown ? true : !n.unknown));
  }

  /** The first node with this fully qualified name. */
  node(fqn: string): RosNodeInfo | undefined {
    return this.nodes().find((n) => n.fqn === fqn);
  }

  /** Participants seen (including our own). */
  participants(): RosParticipantInfo[] {
    this.#rebuild();
    return [...this.#participants.entries()].map(([prefix, p]) => ({
      guid: p.guid,
      vendorId: p.vendorId,
      vendor: vendorName(p.vendorId),
      enclave: p.userData.enclave ?? '/',
      userData: p.userData,
      local: p.local,
      gidSize: this.#infos.get(prefix)?.gidSize,
      nodes: this.#nodes.filter((n) => !n.unknown && n.participantGuid.startsWith(prefix)).map((n) => n.fqn),
    }));
  }

  /** Every ROS endpoint known (remote and local). */
  endpoints(): RosEndpointInfo[] {
    this.#rebuild();
    return [...this.#endpoints.values()];
  }

  /** One endpoint by GUID. */
  endpoint(guid: string): RosEndpointInfo | undefined {
    this.#rebuild();
    return this.#endpoints.get(guid);
  }

  /** The node that lists this endpoint GUID in its ros_discovery_info, if any. */
  nodeOfEndpoint(guid: string): RosNodeInfo | undefined {
    this.#rebuild();
    return this.#ownerOf.get(guid);
  }

  /**
   * Remote endpoints that announce a type hash other than ours for the same type name (see
   * type-hash-mismatch.ts); `hashOf` gives our hash of a type, or `undefined` when we do not know it.
   */
  typeHashMismatches(hashOf: (rosType: string) => string | undefined, limit?: number): TypeHashCheck {
    return checkTypeHashes(this.endpoints(), hashOf, limit);
  }

  /** Writers of a ROS topic (`/chatter`). */
  publishersOf(topic: string): RosEndpointInfo[] {
    return this.endpoints().filter((e) => e.role === 'topic' && e.kind === 'writer' && e.rosName === topic);
  }

  /** Readers of a ROS topic. */
  subscribersOf(topic: string): RosEndpointInfo[] {
    return this.endpoints().filter((e) => e.role === 'topic' && e.kind === 'reader' && e.rosName === topic);
  }

  /** Servers of a ROS service (`/add_two_ints`): one entry per request reader, with the vendor that decides the convention. */
  serviceServers(service: string): ServiceServerInfo[] {
    const eps = this.endpoints();
    const out: ServiceServerInfo[] = [];
    for (const e of eps) {
      if (e.role !== 'request' || e.kind !== 'reader' || e.rosName !== service) continue;
      const prefix = e.guid.slice(0, 24);
      const owner = this.#ownerOf.get(e.guid);
      const reply = eps.find(
        (r) => r.role === 'reply' && r.kind === 'writer' && r.rosName === service && r.guid.startsWith(prefix) && this.#ownerOf.get(r.guid) === owner,
      );
      out.push({
        service,
        type: serviceTypeOf(e.rosType),
        node: owner && { name: owner.name, namespace: owner.namespace },
        participantGuid: e.participantGuid,
        vendorId: e.vendorId,
        vendor: e.vendor,
        requestReader: e,
        replyWriter: reply,
      });
    }
    return out;
  }

  /** ROS topics with every type advertised for them. */
  topics(): GraphEndpoint[] {
    return groupNames(this.endpoints().filter((e) => e.role === 'topic'), (e) => e.rosType);
  }

  /** ROS services (from request readers and writers) with their service types. */
  services(): GraphEndpoint[] {
    return groupNames(this.endpoints().filter((e) => e.role === 'request'), (e) => serviceTypeOf(e.rosType));
  }

  /** The graph as the plain data the gateway's runtime layer consumes. */
  snapshot(opts: GraphQueryOptions = {}): RuntimeGraphSnapshot {
    return {
      nodes: this.nodes(opts).map((n) => ({
        name: n.name,
        namespace: n.namespace,
        publishes: groupNames(n.publishers, (e) => e.rosType),
        subscribes: groupNames(n.subscriptions, (e) => e.rosType),
        services: n.serviceServers.map((s) => ({ name: s.name, types: [s.type] })),
      })),
    };
  }

  /** Resolves once `ok(graph)` holds (checked now and on every change); rejects on deadline or abort. */
  waitFor(ok: (g: RosGraph) => boolean, opts: CallOptions = {}): Promise<void> {
    let listener: (() => void) | undefined;
    return withDeadline<void>(
      'waiting for the ROS graph',
      opts,
      (resolve) => {
        if (ok(this)) return resolve();
        listener = () => {
          if (ok(this)) resolve();
        };
        this.on('change', listener);
      },
      () => {
        if (listener) this.off('change', listener);
      },
      10_000,
    );
  }
}

function groupNames(eps: RosEndpointInfo[], typeOf: (e: RosEndpointInfo) => string): GraphEndpoint[] {
  const by = new Map<string, string[]>();
  for (const e of eps) {
    const types = by.get(e.rosName) ?? [];
    const t = typeOf(e);
    if (!types.includes(t)) types.push(t);
    by.set(e.rosName, types);
  }
  return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, types]) => ({ name, types }));
}

function actionsOf(services: RosServiceInfo[], topics: RosEndpointInfo[]): RosActionInfo[] {
  const by = new Map<string, RosActionInfo>();
  for (const s of services) {
    const part = parseActionPart(s.name, 'service');
    if (!part) continue;
    const a = by.get(part.action) ?? { name: part.action };
    if (part.part !== 'cancel_goal') a.type ??= actionTypeOf(`${s.type}_Request`);
    by.set(part.action, a);
  }
  for (const t of topics) {
    const part = parseActionPart(t.rosName, 'topic');
    const a = part && by.get(part.action);
    if (a && part.part === 'feedback') a.type ??= actionTypeOf(t.rosType);
  }
  return [...by.values()];
}
