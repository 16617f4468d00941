/**
 * RosContext: one RTPS participant (USER_DATA `enclave=<enclave>;`) carrying any number of nodes,
 * the live graph, the ros_discovery_info exchange, the type registry and the /rosout reader.
 */
import { createParticipant, domainIdFromEnv, VendorId, type EndpointData, type Participant, type ParticipantOptions, type ParticipantSecurity } from '@medkit/rtps';
import type { PeerAuthStatus } from '@medkit/rtps/security';
import type { EnclaveSecurityOptions } from '../security/participant.js';
import type { LoadedEnclave } from '../security/keystore.js';
import { RosGraph } from '../graph/graph.js';
import type { NodeEntities } from '../graph/discovery-info.js';
import { TypeRegistry } from '../types/index.js';
import type { SampleLimits } from '../topics/sample-limits.js';
import { UnansweredCalls } from '../services/unanswered-calls.js';
import { DiscoveryInfoPublisher, type DiscoveryInfoStatus } from './discovery-publisher.js';
import { generationOfDistro, type RosDistro, type WireGeneration } from '../graph/distro.js';
import { RosNode, type NodeOptions } from './node.js';
import { RosoutReader } from './rosout.js';
import { TypeLookup } from './type-lookup.js';

/** Options of {@link RosContext.create}. */
export interface RosContextOptions {
  /** ROS domain id (default ROS_DOMAIN_ID, else 0). */
  domainId?: number;
  /** Only 127.0.0.1 (default from ROS_LOCALHOST_ONLY / ROS_AUTOMATIC_DISCOVERY_RANGE). */
  localhostOnly?: boolean;
  /** Hosts to send unicast SPDP to (networks without multicast). */
  initialPeers?: string[];
  /** Interface names or IPv4 addresses to use. */
  interfaces?: string[];
  /** Security enclave announced in USER_DATA (default `/`). */
  enclave?: string;
  /**
   * The robot's ROS 2 distribution (`ros.distro`, default `auto`): decides the Gid layout of our ros_discovery_info
   * and whether our endpoints announce their type hash. `auto` learns it from the peers (docs/ros2.md "Distro").
   */
  distro?: RosDistro;
  /** Type registry (default: the shared one). */
  types?: TypeRegistry;
  /**
   * DDS-Security (SROS2): a loaded enclave (`loadEnclave` of `@medkit/ros2/security`; its path is then announced
   * as `enclave` unless that is given), or a ready security object (`participantSecurity()` of
   * `@medkit/rtps/security`, built for this domain). Absent: the plain participant, and no security module loaded.
   */
  security?: RosSecurityOption;
  /**
   * Bounds of the subscriptions made on this context (topics/sample-limits.ts): bytes per sample, by ROS type, and
   * values per decoded message. Default: the per-type defaults and DEFAULT_MAX_DECODED_VALUES.
   */
  sampleLimits?: SampleLimits;
  /** Further participant options (lease, participant-index sweep, limits, ...). */
  rtps?: Omit<ParticipantOptions, 'domainId' | 'localhostOnly' | 'initialPeers' | 'interfaces' | 'userData' | 'security'>;
}

/** {@link RosContextOptions.security}. */
export type RosSecurityOption = ParticipantSecurity | { enclave: LoadedEnclave; options?: EnclaveSecurityOptions };

/** A security object that reports per-peer authentication (participantSecurity() does). */
interface ReportsPeers {
  peerStatus(): PeerAuthStatus[];
}
const reportsPeers = (s: ParticipantSecurity | undefined): s is ParticipantSecurity & ReportsPeers => typeof (s as Partial<ReportsPeers> | undefined)?.peerStatus === 'function';

/** Resolves the security option into the participant's security object (imports the security modules only then). */
async function resolveSecurity(opt: RosSecurityOption | undefined, domainId: number): Promise<ParticipantSecurity | undefined> {
  if (!opt) return undefined;
  if (!('enclave' in opt)) return opt;
  const { enclaveSecurity } = await import('../security/participant.js');
  return enclaveSecurity(opt.enclave, domainId, opt.options);
}

/** A ROS 2 context: create nodes on it, read its graph, close it when done. */
export class RosContext {
  readonly participant: Participant;
  readonly graph: RosGraph;
  readonly types: TypeRegistry;
  readonly sampleLimits: SampleLimits;
  readonly enclave: string;
  /** The configured distribution (`auto`: learnt from the peers). */
  readonly distro: RosDistro;
  /** The participant's DDS-Security object (undefined: the participant is not secured). */
  readonly security: ParticipantSecurity | undefined;
  /** Log messages of every node on the domain (`rosout.on('log', ...)`). */
  readonly rosout: RosoutReader;
  /** Runtime type lookup through nodes' `~/get_type_description`. */
  readonly typeLookup: TypeLookup;
  readonly #nodes = new Set<RosNode>();
  /** Live servers that stopped answering this context's calls (services/unanswered-calls.ts). */
  readonly unansweredCalls = new UnansweredCalls();
  readonly #discovery: DiscoveryInfoPublisher;
  #internalNode: RosNode | undefined;
  #closed = false;

  private constructor(participant: Participant, opts: RosContextOptions, enclave: string, security: ParticipantSecurity | undefined) {
    this.participant = participant;
    this.security = security;
    this.types = opts.types ?? TypeRegistry.default();
    this.sampleLimits = opts.sampleLimits ?? {};
    this.enclave = enclave;
    this.distro = opts.distro ?? 'auto';
    this.graph = new RosGraph();
    this.graph.upsertParticipant({ guid: participant.guid, vendorId: VendorId.MEDKIT, userData: Buffer.from(`enclave=${this.enclave};`) }, true);
    for (const p of participant.participants()) this.graph.upsertParticipant(p);
    for (const e of participant.endpoints()) this.graph.upsertEndpoint(e);
    participant.on('participant', (ev) => {
      if (ev.type === 'removed') this.graph.removeParticipant(ev.participant.guid);
      else this.graph.upsertParticipant(ev.participant);
    });
    participant.on('endpoint', (ev) => {
      if (ev.type === 'removed') {
        this.graph.removeEndpoint(ev.endpoint.guid);
        this.unansweredCalls.gone(ev.endpoint.guid);
      } else this.graph.upsertEndpoint(ev.endpoint);
    });
    this.#discovery = new DiscoveryInfoPublisher(participant, this.graph, this.types, this.distro, () => this.#nodeEntities(), this.announcesTypeHashes);
    this.rosout = new RosoutReader(this);
    this.typeLookup = new TypeLookup(this);
  }

  /** Creates the participant, starts discovery, and joins the ROS graph. */
  static async create(opts: RosContextOptions = {}): Promise<RosContext> {
    const enclave = opts.enclave ?? (opts.security && 'enclave' in opts.security ? opts.security.enclave.enclave : '/');
    const domainId = opts.domainId ?? domainIdFromEnv();
    const security = await resolveSecurity(opts.security, domainId);
    const participant = await createParticipant({
      ...(opts.rtps ?? {}),
      ...(security ? { security } : {}),
      domainId,
      localhostOnly: opts.localhostOnly,
      initialPeers: opts.initialPeers,
      interfaces: opts.interfaces,
      userData: `enclave=${enclave};`,
      name: opts.rtps?.name ?? enclave,
    });
    try {
      return new RosContext(participant, opts, enclave, security);
    } catch (err) {
      // E.g. DDS-Security refusing our ros_discovery_info endpoints: the open participant (sockets, timers) would
      // otherwise outlive the failed start and keep the process from exiting.
      await participant.close();
      throw err;
    }
  }

  /** Authentication state of each remote participant (secured contexts; undefined when not secured or not reported). */
  peerStatus(): PeerAuthStatus[] | undefined {
    return reportsPeers(this.security) ? this.security.peerStatus() : undefined;
  }

  get domainId(): number {
    return this.participant.domainId;
  }

  /**
   * The wire generation our endpoints follow: the configured distro's, else `iron+` (type hashes announced: Humble
   * peers ignore endpoint USER_DATA, so announcing is harmless there, and Iron+ peers warn without it).
   */
  get generation(): WireGeneration {
    return generationOfDistro(this.distro) ?? 'iron+';
  }

  /** How our ros_discovery_info serves each remote reader (layouts, readers held back, a mixed graph). */
  discoveryInfoStatus(): DiscoveryInfoStatus {
    return this.#discovery.status();
  }

  /** True when our endpoints announce `typehash=RIHS01_…;` in USER_DATA (every generation but Humble's). */
  get announcesTypeHashes(): boolean {
    return this.generation !== 'humble';
  }

  /** Creates a node: it shows in `ros2 node list`, with /rosout, /parameter_events and parameter services unless turned off. */
  createNode(name: string, namespace = '/', opts: NodeOptions = {}): RosNode {
    if (this.#closed) throw new Error('context is closed');
    const node = new RosNode(this, name, namespace, opts, {
      changed: () => this.#discovery.schedule(),
      localEndpoint: (d: EndpointData) => this.graph.upsertEndpoint(d, true),
      localEndpointGone: (guid: string) => this.graph.removeEndpoint(guid),
      destroyed: (n: RosNode) => {
        this.#nodes.delete(n);
        this.#discovery.schedule();
      },
    });
    this.#nodes.add(node);
    this.#discovery.schedule();
    return node;
  }

  /** Nodes created on this context and not destroyed. */
  nodes(): RosNode[] {
    return [...this.#nodes];
  }

  /**
   * A hidden helper node (`_medkit_<pid>`) for clients this context makes on its own behalf
   * (type lookup, remote parameter and lifecycle access without a user node).
   */
  internalNode(): RosNode {
    this.#internalNode ??= this.createNode(`_medkit_${process.pid}`, '/', { rosout: false, parameterEvents: false, parameterServices: false });
    return this.#internalNode;
  }

  #nodeEntities(): NodeEntities[] {
    return [...this.#nodes].map((n) => n.entities());
  }

  /** Destroys every node and closes the participant (peers see our dispose at once). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.rosout.close();
    for (const n of [...this.#nodes]) n.destroy();
    this.#discovery.close();
    this.graph.dispose();
    await this.participant.close();
  }
}
