/**
 * A ROS node on a {@link RosContext}: everything it creates is listed under it in
 * ros_discovery_info. Like an rclcpp node it has a /rosout publisher, a /parameter_events
 * publisher and the six parameter services unless turned off.
 */
import type { EndpointData, Reader, ReaderConfig, Writer, WriterConfig } from '@medkit/rtps';
import { expandName, fullNameProblem, namespaceProblem, nodeFqn, nodeNameProblem, normalizeNamespace, normalizeRosTypeName, rosTypeToDds, topicToDds } from '../names/index.js';
import { ActionClient, type ActionClientOptions } from '../actions/action-client.js';
import { ActionServer, type ActionServerHandlers } from '../actions/action-server.js';
import type { NodeEntities } from '../graph/discovery-info.js';
import { formatRmwId } from '../graph/user-data.js';
import { LifecycleClient } from '../lifecycle/lifecycle-client.js';
import { ManagedLifecycle, type LifecycleCallbacks } from '../lifecycle/managed-lifecycle.js';
import { ParameterClient } from '../parameters/parameter-client.js';
import { ParameterServer, type ParameterServerOptions } from '../parameters/parameter-server.js';
import { ServiceClient, type ServiceClientOptions } from '../services/service-client.js';
import { ServiceServer, type ServiceHandler, type ServiceServerOptions } from '../services/service-server.js';
import type { UnansweredCalls } from '../services/unanswered-calls.js';
import { Publisher } from '../topics/publisher.js';
import { Subscription, type MessageCallback, type SubscriptionOptions } from '../topics/subscription.js';
import { decodedValuesFor, sampleBytesFor } from '../topics/sample-limits.js';
import type { ContextServices } from './context-services.js';
import { withTypeHash } from './endpoint-type-hash.js';
import { NodeLogger } from './logger.js';
import { serveTypeDescription } from './type-description-service.js';
import type { NodeHost } from './node-host.js';
import { QOS_DEFAULT, qosForWriters, resolveProfile, type QosInput } from './qos-profiles.js';

/** Options of {@link RosContext.createNode}. */
export interface NodeOptions extends ParameterServerOptions {
  /** Publish log messages on /rosout (default true). */
  rosout?: boolean;
  /** Publish /parameter_events (default true). */
  parameterEvents?: boolean;
  /** Serve the six parameter services (default true). */
  parameterServices?: boolean;
  /** Serve `~/get_type_description` from the context's type registry (default false). */
  typeDescriptionService?: boolean;
}

/** @internal Hooks from node to context. */
interface NodeHooks {
  changed(): void;
  localEndpoint(d: EndpointData): void;
  localEndpointGone(guid: string): void;
  destroyed(n: RosNode): void;
}

let rmwCounter = 0;

/** A ROS node. Create with {@link RosContext.createNode}. */
export class RosNode implements NodeHost {
  readonly name: string;
  readonly namespace: string;
  readonly fqn: string;
  readonly context: ContextServices;
  /** Log through /rosout (and nowhere else). */
  readonly logger: NodeLogger;
  /** This node's parameters (declare, get, set); served remotely unless `parameterServices: false`. */
  readonly parameters: ParameterServer;
  readonly #readers = new Set<string>();
  readonly #writers = new Set<string>();
  readonly #closers = new Set<{ close(): void }>();
  readonly #hooks: NodeHooks;
  #destroyed = false;

  /** @internal */
  constructor(context: ContextServices, name: string, namespace: string, opts: NodeOptions, hooks: NodeHooks) {
    const nameProblem = nodeNameProblem(name);
    if (nameProblem) throw new Error(`invalid node name '${name}': ${nameProblem}`);
    const ns = normalizeNamespace(namespace);
    const nsProblem = namespaceProblem(ns);
    if (nsProblem) throw new Error(`invalid namespace '${namespace}': ${nsProblem}`);
    this.context = context;
    this.name = name;
    this.namespace = ns;
    this.fqn = nodeFqn(ns, name);
    this.#hooks = hooks;
    this.logger = new NodeLogger(this, opts.rosout !== false);
    this.parameters = new ParameterServer(this, opts);
    if (opts.parameterServices !== false) this.parameters.serve();
    if (opts.typeDescriptionService) this.#own(serveTypeDescription(this, context.types));
  }

  get types() {
    return this.context.types;
  }

  get participant() {
    return this.context.participant;
  }

  get graph() {
    return this.context.graph;
  }

  /** @internal ros_discovery_info entry of this node. */
  entities(): NodeEntities {
    return { namespace: this.namespace, name: this.name, readers: [...this.#readers], writers: [...this.#writers] };
  }

  resolveName(name: string): string {
    const full = expandName(name, this.name, this.namespace);
    const problem = fullNameProblem(full);
    if (problem) throw new Error(`invalid name '${name}' (expanded to '${full}'): ${problem}`);
    return full;
  }

  nextRmwId(): string {
    const id = Buffer.alloc(16);
    Buffer.from(this.participant.guidPrefix, 'hex').copy(id, 0);
    id.writeUInt32BE(++rmwCounter, 12);
    return formatRmwId(id);
  }

  createWriter(config: WriterConfig): Writer {
    this.#assertAlive();
    const cfg = this.#announcingTypeHash(config);
    const w = this.participant.createWriter(cfg);
    this.#track('writer', w, cfg);
    return w;
  }

  createReader(config: ReaderConfig): Reader {
    this.#assertAlive();
    const cfg = this.#announcingTypeHash(config);
    const r = this.participant.createReader(cfg);
    this.#track('reader', r, cfg);
    return r;
  }

  #announcingTypeHash<T extends WriterConfig | ReaderConfig>(cfg: T): T {
    const userData = withTypeHash(cfg.userData, cfg.typeName, this.types, this.context.announcesTypeHashes);
    return userData === cfg.userData ? cfg : { ...cfg, userData };
  }

  #track(kind: 'writer' | 'reader', ep: Writer | Reader, cfg: WriterConfig | ReaderConfig): void {
    const set = kind === 'writer' ? this.#writers : this.#readers;
    set.add(ep.guid);
    this.#hooks.localEndpoint({
      kind,
      guid: ep.guid,
      participantGuidPrefix: this.participant.guidPrefix,
      topicName: cfg.topic,
      typeName: cfg.typeName,
      qos: ep.qos,
      userData: cfg.userData === undefined ? Buffer.alloc(0) : Buffer.from(cfg.userData as string),
      unicastLocators: [],
      multicastLocators: [],
      expectsInlineQos: false,
      vendorId: this.participant.vendorId,
    });
    this.#hooks.changed();
    // The rtps endpoint clears its listeners on close, so hook close itself to keep our lists right.
    const close = ep.close.bind(ep);
    ep.close = () => {
      close();
      if (set.delete(ep.guid)) {
        this.#hooks.localEndpointGone(ep.guid);
        if (!this.#destroyed) this.#hooks.changed();
      }
    };
  }

  #own<T extends { close(): void }>(x: T): T {
    this.#closers.add(x);
    const close = x.close.bind(x);
    x.close = () => {
      this.#closers.delete(x);
      close();
    };
    return x;
  }

  /** Publishes `type` messages on `topic` (relative names resolve against the node). */
  createPublisher(topic: string, type: string, qos?: QosInput): Publisher {
    const name = this.resolveName(topic);
    const t = this.#messageType(type);
    const w = this.createWriter({ topic: topicToDds(name), typeName: rosTypeToDds(t), qos: resolveProfile(qos, QOS_DEFAULT) });
    return this.#own(new Publisher(w, name, t, this.types, () => {}));
  }

  /**
   * Subscribes to `topic`; `callback` gets JSON-form messages (or raw payloads with `{raw: true}`).
   * `qos: 'auto'` picks a QoS matching the publishers known now (reliable and transient local only
   * if all of them are), like `ros2 topic echo`.
   */
  createSubscription(topic: string, type: string, callback: MessageCallback, qos?: QosInput | 'auto', opts: SubscriptionOptions = {}): Subscription {
    const name = this.resolveName(topic);
    const t = opts.raw ? (normalizeRosTypeName(type) ?? type) : this.#messageType(type);
    const q = qos === 'auto' ? qosForWriters(this.graph.publishersOf(name).map((e) => e.qos)) : resolveProfile(qos, QOS_DEFAULT);
    const limits = this.context.sampleLimits;
    const maxSampleSize = opts.maxSampleBytes ?? sampleBytesFor(limits, t);
    const r = this.createReader({ topic: topicToDds(name), typeName: rosTypeToDds(t), qos: q, ...(maxSampleSize !== undefined ? { maxSampleSize } : {}) });
    const decode = { maxValues: decodedValuesFor(limits), ...opts };
    return this.#own(new Subscription(r, name, t, this.types, callback, decode, () => {}, limits.onRefused));
  }

  /** The context's record of servers that stopped answering (its clients note theirs there). */
  get unansweredCalls(): UnansweredCalls {
    return this.context.unansweredCalls;
  }

  /** A client of `service` (type `pkg/srv/X`); see {@link ServiceClient.call}. */
  createClient(service: string, type: string, opts?: ServiceClientOptions): ServiceClient {
    return this.#own(new ServiceClient(this, service, type, opts));
  }

  /** Serves `service`; `handler` maps JSON requests to JSON responses (may be async). */
  createService(service: string, type: string, handler: ServiceHandler, opts?: ServiceServerOptions): ServiceServer {
    return this.#own(new ServiceServer(this, service, type, handler, opts));
  }

  /** A client of action `name` (type `pkg/action/X`). */
  createActionClient(name: string, type: string, opts?: ActionClientOptions): ActionClient {
    return this.#own(new ActionClient(this, name, type, opts));
  }

  /** Serves action `name`: goals are accepted by `onGoal`, run by `execute`, cancelled through `onCancel`. */
  createActionServer(name: string, type: string, handlers: ActionServerHandlers): ActionServer {
    return this.#own(new ActionServer(this, name, type, handlers));
  }

  /** Access to another node's parameters (`/ns/node`). */
  parameterClient(targetNode: string): ParameterClient {
    return this.#own(new ParameterClient(this, targetNode));
  }

  /** Access to another (managed) node's lifecycle (`/ns/node`). */
  lifecycleClient(targetNode: string): LifecycleClient {
    return this.#own(new LifecycleClient(this, targetNode));
  }

  /** Makes this node a managed (lifecycle) node: serves the lifecycle services and publishes transition events. */
  createLifecycle(callbacks: LifecycleCallbacks = {}): ManagedLifecycle {
    return this.#own(new ManagedLifecycle(this, callbacks));
  }

  #messageType(type: string): string {
    const t = normalizeRosTypeName(type);
    if (!t) throw new Error(`'${type}' is not a ROS type name`);
    this.types.requireMessage(t);
    return t;
  }

  #assertAlive(): void {
    if (this.#destroyed) throw new Error(`node ${this.fqn} is destroyed`);
  }

  /** Closes everything the node created and removes it from the graph. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const c of [...this.#closers]) c.close();
    this.parameters.close();
    this.logger.close();
    this.#hooks.destroyed(this);
  }
}
