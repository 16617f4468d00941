/**
 * Our side of ros_discovery_info (docs/ros2.md "ros_discovery_info"): a snapshot of our nodes and their
 * endpoint GUIDs for every peer, and one reader (keep all) feeding everyone else's snapshots to the graph.
 *
 * The snapshot's Gid is 16 bytes on Iron and later and 24 on Humble, under one type name, and some rmw
 * readers trust the bytes (Humble's Fast DDS reader allocates whatever sequence length it reads). So there
 * is one writer per layout, made when the first reader of that layout appears, and each remote reader is
 * matched only with the writer of the layout its participant is known to read ({@link GidLayoutEvidence}).
 * A reader whose layout is not known yet gets nothing until it is.
 */
import type { EndpointData, Participant, Reader, Writer } from '@medkit/rtps';
import { DISCOVERY_INFO_DDS_TYPE, DISCOVERY_INFO_TOPIC, decodeDiscoveryInfo, encodeDiscoveryInfo, type NodeEntities } from '../graph/discovery-info.js';
import { DiscoveryInfoRereads } from './discovery-info-rereads.js';
import { generationOfDistro, gidSizeOfGeneration, type RosDistro } from '../graph/distro.js';
import { GidLayoutEvidence, type ReaderLayout } from '../graph/gid-layout-evidence.js';
import type { RosGraph } from '../graph/graph.js';
import { formatUserData } from '../graph/user-data.js';
import { PARTICIPANT_ENTITIES_INFO_TYPE, registryWithGidSize, type GidSize, type TypeRegistry } from '../types/index.js';
import { QOS_DISCOVERY_INFO_READER, QOS_DISCOVERY_INFO_WRITER } from './qos-profiles.js';

/** Gid layout choice: fixed, or `auto` (learnt per peer). */
export type GidLayout = GidSize | 'auto';

/** A remote reader of ros_discovery_info that gets no snapshot, and why. */
export interface HeldDiscoveryReader {
  reader: string;
  participant: string;
  because: 'unknown' | 'conflict';
  detail: string;
  /** When it was first held (ms since epoch). */
  since: number;
}

/** What {@link DiscoveryInfoPublisher.status} reports (`x-medkit-ros.discovery_info` on /health). */
export interface DiscoveryInfoStatus {
  /** The layouts we write, each with the number of remote readers served with it. */
  readers: Record<'gid16' | 'gid24', number>;
  /** Readers held back (layout unknown or contradictory). */
  held: HeldDiscoveryReader[];
  /** Both layouts have readers: a graph mixing Humble and Iron+ peers, which ROS itself does not support. */
  mixed: boolean;
  /** Snapshots of others that fit neither layout. */
  badSamples: number;
}

/** Keeps the held list bounded whatever a hostile graph announces. */
const MAX_HELD_REPORTED = 64;

export class DiscoveryInfoPublisher {
  readonly reader: Reader;
  /** Samples that fit neither Gid layout. */
  badSamples = 0;
  readonly #evidence: GidLayoutEvidence;
  /** Writers read again after a change (a forged sample would otherwise stay: discovery-info-rereads.ts). */
  readonly rereads: DiscoveryInfoRereads;
  readonly #writers = new Map<GidSize, Writer>();
  /** Each known remote reader of the topic and how it is served. */
  readonly #remoteReaders = new Map<string, { data: EndpointData; layout: ReaderLayout; since: number }>();
  readonly #typeHash: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly participant: Participant,
    private readonly graph: RosGraph,
    private readonly types: TypeRegistry,
    distro: RosDistro,
    private readonly nodes: () => NodeEntities[],
    announceTypeHash: boolean,
  ) {
    const configured = generationOfDistro(distro);
    this.#evidence = new GidLayoutEvidence(configured);
    this.#typeHash = announceTypeHash ? typeHashOf(types) : undefined;
    this.reader = participant.createReader({
      topic: DISCOVERY_INFO_TOPIC,
      typeName: DISCOVERY_INFO_DDS_TYPE,
      qos: QOS_DISCOVERY_INFO_READER,
      ...(this.#typeHash ? { userData: formatUserData({ typehash: this.#typeHash }) } : {}),
    });
    this.rereads = new DiscoveryInfoRereads((g) => this.reader.readAgain(g));
    this.reader.on('sample', (s) => {
      const prefix = s.writerGuid.slice(0, 24);
      try {
        const info = decodeDiscoveryInfo(s.payload, this.types);
        this.graph.setDiscoveryInfo(prefix, info);
        this.rereads.taken(s.writerGuid, s.payload);
        if (this.#evidence.snapshot(prefix, info.gidSize)) this.#reclassify(prefix);
      } catch {
        this.badSamples++;
      }
    });
    participant.on('endpoint', (ev) => {
      if (this.#closed) return;
      const d = ev.endpoint;
      const prefix = d.participantGuidPrefix;
      if (ev.type === 'removed') {
        this.#evidence.endpointGone(prefix, d.guid);
        this.#remoteReaders.delete(d.guid);
        return;
      }
      const evidence = this.#evidence.endpoint(d);
      const isReader = this.#track(d);
      if (evidence || isReader) this.#reclassify(prefix);
    });
    participant.on('participant', (ev) => {
      if (ev.type !== 'removed') return;
      const prefix = ev.participant.guid.slice(0, 24);
      this.#evidence.participantGone(prefix);
      this.rereads.forgetParticipant(prefix);
      for (const [g, r] of this.#remoteReaders) if (r.data.participantGuidPrefix === prefix) this.#remoteReaders.delete(g);
    });
    for (const d of participant.endpoints()) {
      this.#evidence.endpoint(d);
      this.#track(d);
    }
    // The writer of the likely layout is made now, not when its first reader appears: a participant whose DDS-Security
    // permissions deny publishing ros_discovery_info is refused at start-up (fail closed), and it matches nobody until
    // evidence says who reads that layout.
    this.#createWriter(configured ? gidSizeOfGeneration(configured) : 16);
    this.#reclassifyAll();
    this.#recordOwn();
  }

  /** Publishes a fresh snapshot soon (coalesces bursts of endpoint creation). */
  schedule(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.publishNow();
    }, 0);
  }

  publishNow(): void {
    if (this.#closed) return;
    const nodes = this.nodes();
    for (const [size, w] of this.#writers) w.write(encodeDiscoveryInfo({ gid: this.participant.guid, nodes }, size, this.types));
    this.#recordOwn(nodes);
  }

  /** How the remote readers are served, for /health. */
  status(): DiscoveryInfoStatus {
    const readers = { gid16: 0, gid24: 0 };
    const held: HeldDiscoveryReader[] = [];
    for (const [guid, r] of this.#remoteReaders) {
      const l = r.layout;
      if (l.gidSize !== undefined) readers[l.gidSize === 16 ? 'gid16' : 'gid24']++;
      else if (held.length < MAX_HELD_REPORTED) held.push({ reader: guid, participant: r.data.participantGuidPrefix, because: l.because, detail: l.detail, since: r.since });
    }
    return { readers, held, mixed: readers.gid16 > 0 && readers.gid24 > 0, badSamples: this.badSamples };
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.rereads.close();
  }

  /** Notes a remote reader of our topic (new, or its announcement changed); true when `d` is one. */
  #track(d: EndpointData): boolean {
    if (d.topicName !== DISCOVERY_INFO_TOPIC || d.kind !== 'reader' || d.participantGuidPrefix === this.participant.guidPrefix) return false;
    const known = this.#remoteReaders.get(d.guid);
    if (known) known.data = d;
    else this.#remoteReaders.set(d.guid, { data: d, layout: { gidSize: undefined, because: 'unknown', detail: 'not classified yet' }, since: Date.now() });
    return true;
  }

  /** Our own nodes in our graph (the layout is immaterial locally). */
  #recordOwn(nodes: NodeEntities[] = this.nodes()): void {
    this.graph.setDiscoveryInfo(this.participant.guidPrefix, { gid: this.participant.guid, gidSize: 16, nodes });
  }

  /** Decides again for one participant's readers; makes the writer a newly needed layout asks for. */
  #reclassify(prefix: string): void {
    let changed = false;
    for (const r of this.#remoteReaders.values()) {
      if (r.data.participantGuidPrefix !== prefix) continue;
      changed = this.#decide(r) || changed;
    }
    if (changed) this.#applyLayouts();
  }

  #reclassifyAll(): void {
    let changed = false;
    for (const r of this.#remoteReaders.values()) changed = this.#decide(r) || changed;
    if (changed) this.#applyLayouts();
  }

  /** Classifies one reader; true when its layout changed. */
  #decide(r: { data: EndpointData; layout: ReaderLayout; since: number }): boolean {
    const next = this.#evidence.classify(r.data);
    if (next.gidSize === r.layout.gidSize && next.because === r.layout.because) return false;
    const was = r.layout.gidSize;
    r.layout = next;
    if (next.gidSize === undefined && was !== undefined) r.since = Date.now();
    return next.gidSize !== was;
  }

  /** Makes a writer for each layout some reader needs, then lets every writer re-ask its filter. */
  #applyLayouts(): void {
    if (this.#closed) return;
    const needed = new Set<GidSize>();
    for (const r of this.#remoteReaders.values()) if (r.layout.gidSize !== undefined) needed.add(r.layout.gidSize);
    for (const size of needed) if (!this.#writers.has(size)) this.#createWriter(size);
    for (const w of this.#writers.values()) w.rematch();
  }

  #createWriter(size: GidSize): void {
    // Only the Iron+ layout carries a type hash: Humble readers announce none and expect none.
    const userData = size === 16 && this.#typeHash ? formatUserData({ typehash: this.#typeHash }) : undefined;
    const w = this.participant.createWriter({
      topic: DISCOVERY_INFO_TOPIC,
      typeName: DISCOVERY_INFO_DDS_TYPE,
      qos: QOS_DISCOVERY_INFO_WRITER,
      ...(userData ? { userData } : {}),
      acceptReader: (d) => this.#remoteReaders.get(d.guid)?.layout.gidSize === size,
    });
    this.#writers.set(size, w);
    // Keep-last-1 transient local: the snapshot written now is what every reader matched later gets first.
    w.write(encodeDiscoveryInfo({ gid: this.participant.guid, nodes: this.nodes() }, size, this.types));
  }
}

/** The RIHS01 hash of the Iron+ ParticipantEntitiesInfo, or undefined when the registry cannot describe it. */
function typeHashOf(types: TypeRegistry): string | undefined {
  try {
    return registryWithGidSize(16, types).typeHash(PARTICIPANT_ENTITIES_INFO_TYPE);
  } catch {
    return undefined;
  }
}
