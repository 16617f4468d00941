// The gateway's one connection to the ROS 2 graph: a RosContext (one RTPS participant) with the
// gateway's own node. Every ROS-backed feature borrows clients from here; closing it is bounded.
import type { DiscoveryServerAddress, DiscoveryServerStatus, ConflictingStream, ParticipantTableStats, ProtocolViolationReport, StuckStream, TrafficStats } from '@medkit/rtps';
import type { LifecycleClient, NodeClients, ParameterClient, RosContext, RosNode, RosSecurityOption, RosDistro, SampleLimits } from '@medkit/ros2';
import type { PeerAuthStatus } from '@medkit/rtps/security';
import { token, type Token } from '@medkit/server';
import type { RuntimeGraphSource } from '../entities/runtime/graph-snapshot.js';

/** The `ros.participants.*` keys. */
interface ParticipantTableOptions {
  max: number;
  maxLeaseSec: number;
  newPerSourcePerSec: number;
  newPerSourceBurst: number;
}

/** What the `ros.*` configuration keys say. */
export interface RosConnectionOptions {
  domainId: number;
  localhostOnly: boolean;
  initialPeers: string[];
  interfaces: string[];
  /** Fast DDS Discovery Servers to be a super client of (`ros.discovery_server`; none when absent). */
  discoveryServers?: DiscoveryServerAddress[];
  /** The robot's distribution (`ros.distro`; default `auto`). */
  distro?: RosDistro;
  /** Flood defences of the participant table (`ros.participants.*`; defaults of @medkit/rtps when absent). */
  participants?: ParticipantTableOptions;
  /** Name of the gateway's node (default `medkit_gateway`). */
  nodeName?: string;
  namespace?: string;
  /** DDS-Security (SROS2): the loaded enclave; absent, the participant is plain (ros.security.*). */
  security?: RosSecurityOption;
  /** Told once per RTPS peer that breaks a protocol rule (rate-capped by the participant). */
  onProtocolViolation?: (violation: ProtocolViolationReport) => void;
  /** Bounds of the gateway's subscriptions (`ros.limits.*`; @medkit/ros2's defaults when absent). */
  sampleLimits?: SampleLimits;
}

/** Service name under which the ROS feature publishes its {@link RosConnection}. */
export const ROS_SERVICE: Token<RosConnection> = token('ros');
/** Service name of the entities' RuntimeGraphSource built from the live graph. */
export const ROS_GRAPH_SERVICE: Token<RuntimeGraphSource> = token('ros-graph');
/** Default node name of the gateway. */
export const GATEWAY_NODE_NAME = 'medkit_gateway';

const CLOSE_BUDGET_MS = 3000;

export class RosConnection {
  /**
   * One parameter and one lifecycle client per remote node for the whole gateway (see parameterClient);
   * those of nodes that left the graph are closed when the next one is made.
   */
  private readonly paramClients: NodeClients<ParameterClient>;
  private readonly lifecycleClients: NodeClients<LifecycleClient>;

  private constructor(
    readonly context: RosContext,
    /** The gateway's own node: every client, subscription and publisher hangs off it. */
    readonly node: RosNode,
    readonly options: RosConnectionOptions,
    readonly startedAt: number,
    Clients: typeof NodeClients,
  ) {
    const liveNodes = () => context.graph.nodes().map((n) => n.fqn);
    this.paramClients = new Clients(liveNodes, (fqn) => node.parameterClient(fqn));
    this.lifecycleClients = new Clients(liveNodes, (fqn) => node.lifecycleClient(fqn));
  }

  static async open(opts: RosConnectionOptions): Promise<RosConnection> {
    // Loaded here, not at start-up: a gateway with ROS off never loads the ROS client and the RTPS stack (issue 69).
    const { NodeClients: Clients, RosContext } = await import('@medkit/ros2');
    const context = await RosContext.create({
      domainId: opts.domainId,
      localhostOnly: opts.localhostOnly,
      initialPeers: opts.initialPeers.length > 0 ? opts.initialPeers : undefined,
      interfaces: opts.interfaces.length > 0 ? opts.interfaces : undefined,
      ...(opts.distro ? { distro: opts.distro } : {}),
      ...(opts.security ? { security: opts.security } : {}),
      ...(opts.sampleLimits ? { sampleLimits: opts.sampleLimits } : {}),
      rtps: {
        ...participantTableRtps(opts.participants),
        ...(opts.onProtocolViolation ? { onProtocolViolation: opts.onProtocolViolation } : {}),
        ...(opts.discoveryServers?.length ? { discoveryServers: opts.discoveryServers } : {}),
      },
    });
    // No parameter services of our own and no /rosout echo of the gateway's pino log.
    try {
      const node = context.createNode(opts.nodeName ?? GATEWAY_NODE_NAME, opts.namespace ?? '/', { rosout: false, parameterServices: false, parameterEvents: false });
      return new RosConnection(context, node, opts, Date.now(), Clients);
    } catch (err) {
      await context.close(); // a start that failed leaves nothing open
      throw err;
    }
  }

  /**
   * The gateway's one parameter client of a remote node (`/ns/name`), shared by the configurations feature and
   * plugins: two clients of the same node's parameter services on the gateway's node made the node's calls
   * answer "not available" under load (the demo's MCP test), and one client per node is also cheaper.
   */
  parameterClient(fqn: string): ParameterClient {
    return this.paramClients.get(fqn);
  }

  /** The gateway's one lifecycle client of a remote managed node (shared like parameterClient). */
  lifecycleClient(fqn: string): LifecycleClient {
    return this.lifecycleClients.get(fqn);
  }

  /** Counters of the remote-participant table (size, cap, evicted / dropped / rate-limited newcomers, pressure). */
  participantTable(): ParticipantTableStats {
    return this.context.participant.participantStats();
  }

  /** Our readers' streams stuck on data their writers announce (rtps stuck-streams.ts), oldest first, at most `max`. */
  stuckStreams(max?: number): StuckStream[] {
    return this.context.participant.stuckStreams(max);
  }

  /** How many samples conflicted with ones our readers delivered under the same SN (rtps sample-digests.ts), and their writers, latest first. */
  conflictingStreams(max?: number): { total: number; streams: ConflictingStream[] } {
    const p = this.context.participant;
    return { total: p.samplesConflicting(), streams: p.conflictingStreams(max) };
  }

  /** The configured discovery servers and whether each answers (empty without `ros.discovery_server`). */
  discoveryServers(): DiscoveryServerStatus[] {
    return this.context.participant.discoveryServers();
  }

  /** Whether the participant joined with DDS-Security. */
  get secured(): boolean {
    return this.context.security !== undefined;
  }

  /** Authentication state of each remote participant (secured connections only). */
  peerStatus(): PeerAuthStatus[] | undefined {
    return this.context.peerStatus();
  }

  /** The participant's traffic counters (bytes and datagrams both ways, drops, own readers and writers), for /metrics. */
  trafficStats(): TrafficStats {
    return this.context.participant.trafficStats();
  }

  get graph() {
    return this.context.graph;
  }

  get types() {
    return this.context.types;
  }

  get domainId(): number {
    return this.context.domainId;
  }

  /** Closes the participant; never takes longer than a few seconds even if the socket layer stalls. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.context.close().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_BUDGET_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }
}

/** The participant options for the `ros.participants.*` keys. */
function participantTableRtps(p: ParticipantTableOptions | undefined) {
  if (!p) return undefined;
  return {
    limits: { maxParticipants: p.max },
    admission: { maxLeaseSec: p.maxLeaseSec, newPerSourcePerSec: p.newPerSourcePerSec, newPerSourceBurst: p.newPerSourceBurst },
  };
}
