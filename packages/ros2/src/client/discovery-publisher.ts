/**
 * Our side of ros_discovery_info (docs/ros2.md): one participant-level writer (reliable,
 * transient local, keep last 1) carrying a snapshot of our nodes and their endpoint GUIDs, and one
 * reader (keep all) feeding everyone else's snapshots to the graph. The Gid layout we write is 16
 * bytes unless configured, or switched to 24 when `auto` sees a Humble peer.
 */
import type { Participant, Reader, Writer } from '@medkit/rtps';
import { DISCOVERY_INFO_DDS_TYPE, DISCOVERY_INFO_TOPIC, decodeDiscoveryInfo, encodeDiscoveryInfo, type NodeEntities } from '../graph/discovery-info.js';
import type { RosGraph } from '../graph/graph.js';
import type { GidSize, TypeRegistry } from '../types/index.js';
import { generationOfDistro, gidSizeOfGeneration, type RosDistro } from '../graph/distro.js';
import { QOS_DISCOVERY_INFO_READER, QOS_DISCOVERY_INFO_WRITER } from './qos-profiles.js';

/** Gid layout choice: fixed, or `auto` (16 until a 24-byte snapshot is seen). */
export type GidLayout = GidSize | 'auto';

export class DiscoveryInfoPublisher {
  readonly writer: Writer;
  readonly reader: Reader;
  /** Samples that fit neither Gid layout. */
  badSamples = 0;
  #gidSize: GidSize;
  private readonly layout: GidLayout;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly participant: Participant,
    private readonly graph: RosGraph,
    private readonly types: TypeRegistry,
    distro: RosDistro,
    private readonly nodes: () => NodeEntities[],
  ) {
    const g = generationOfDistro(distro);
    this.layout = g === undefined ? 'auto' : gidSizeOfGeneration(g);
    this.#gidSize = this.layout === 'auto' ? 16 : this.layout;
    this.writer = participant.createWriter({ topic: DISCOVERY_INFO_TOPIC, typeName: DISCOVERY_INFO_DDS_TYPE, qos: QOS_DISCOVERY_INFO_WRITER });
    this.reader = participant.createReader({ topic: DISCOVERY_INFO_TOPIC, typeName: DISCOVERY_INFO_DDS_TYPE, qos: QOS_DISCOVERY_INFO_READER });
    this.reader.on('sample', (s) => {
      try {
        const info = decodeDiscoveryInfo(s.payload, this.types);
        this.graph.setDiscoveryInfo(s.writerGuid.slice(0, 24), info);
        if (this.layout === 'auto' && info.gidSize === 24 && this.#gidSize === 16) {
          // A Humble domain: peers cannot read 16-byte snapshots, so speak theirs.
          this.#gidSize = 24;
          this.schedule();
        }
      } catch {
        this.badSamples++;
      }
    });
    this.publishNow();
  }

  /** The Gid size we currently write. */
  get gidSize(): GidSize {
    return this.#gidSize;
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
    this.writer.write(encodeDiscoveryInfo({ gid: this.participant.guid, nodes }, this.#gidSize, this.types));
    this.graph.setDiscoveryInfo(this.participant.guidPrefix, { gid: this.participant.guid, gidSize: this.#gidSize, nodes });
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
  }
}
