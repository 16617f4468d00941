/**
 * Which ros_discovery_info Gid layout each remote participant reads, decided from evidence only
 * (docs/ros2.md "ros_discovery_info: never a sample a peer could misread"). rmw's readers of that topic
 * are not all careful: Humble's Fast DDS reader takes a 16-byte-Gid sample as 24-byte Gids, reads a
 * garbage sequence length and allocates until the process dies. So a peer gets a snapshot only in the
 * layout it is known to read.
 *
 * Evidence, per participant:
 * - its own snapshot (what it writes is what it reads): 24 or 16 bytes;
 * - SEDP: Iron and later announce `typehash=` in every ROS endpoint's USER_DATA, Humble in none;
 * - the configured `ros.distro`, when the peer itself has said nothing yet.
 * Evidence that disagrees is a conflict: that peer gets nothing and is reported.
 */
import { VendorId } from '@medkit/rtps';
import type { EndpointData } from '@medkit/rtps';
import type { GidSize } from '../types/index.js';
import { gidSizeOfGeneration, type WireGeneration } from './distro.js';
import { parseUserData } from './user-data.js';

/** How one remote reader of ros_discovery_info is served. */
export type ReaderLayout =
  | { gidSize: GidSize; because: 'medkit' | 'own-snapshot' | 'type-hash' | 'sedp' | 'distro' }
  | { gidSize: undefined; because: 'unknown' | 'conflict'; detail: string };

/** What is known of one participant. */
interface ParticipantEvidence {
  /** Gid size of the snapshot it wrote (its own layout). */
  snapshot?: GidSize;
  /**
   * Its endpoints with a type hash (any topic), and its node endpoints (rt/, rq/, rr/) without one, by GUID.
   * A graph endpoint without a hash is not counted: whether every Iron+ rmw hashes those is not something we
   * rely on, while every Iron+ rmw hashes its nodes' endpoints.
   */
  hashed: Set<string>;
  unhashed: Set<string>;
}

/** rmw's mangled topics: a node's endpoints (rt/, rq/, rr/). */
function isNodeEndpoint(topic: string): boolean {
  return topic.startsWith('rt/') || topic.startsWith('rq/') || topic.startsWith('rr/');
}

function hasTypeHash(d: EndpointData): boolean {
  return d.userData.length > 0 && parseUserData(d.userData).typehash !== undefined;
}

/** Per-participant layout evidence and the classification of readers built on it. */
export class GidLayoutEvidence {
  readonly #byPrefix = new Map<string, ParticipantEvidence>();

  /** `configured`: the generation `ros.distro` names (undefined under `auto`). */
  constructor(private readonly configured: WireGeneration | undefined) {}

  #of(prefix: string): ParticipantEvidence {
    let e = this.#byPrefix.get(prefix);
    if (!e) {
      e = { hashed: new Set(), unhashed: new Set() };
      this.#byPrefix.set(prefix, e);
    }
    return e;
  }

  /** A remote endpoint appeared or changed (SEDP). Returns true when it counts as evidence. */
  endpoint(d: EndpointData): boolean {
    const hashed = hasTypeHash(d);
    if (!hashed && !isNodeEndpoint(d.topicName)) return false;
    const e = this.#of(d.participantGuidPrefix);
    (hashed ? e.hashed : e.unhashed).add(d.guid);
    (hashed ? e.unhashed : e.hashed).delete(d.guid);
    return true;
  }

  /** A remote endpoint went away. */
  endpointGone(prefix: string, guid: string): void {
    const e = this.#byPrefix.get(prefix);
    if (!e) return;
    e.hashed.delete(guid);
    e.unhashed.delete(guid);
  }

  /** A participant's own snapshot was read with this Gid size. Returns true when that is news. */
  snapshot(prefix: string, size: GidSize): boolean {
    const e = this.#of(prefix);
    if (e.snapshot === size) return false;
    e.snapshot = size;
    return true;
  }

  /** A participant left: forget it (its readers go with it). */
  participantGone(prefix: string): void {
    this.#byPrefix.delete(prefix);
  }

  /** The layout a remote reader of ros_discovery_info reads, or why it gets nothing. */
  classify(reader: EndpointData): ReaderLayout {
    // medkit decodes either layout (it tries both), so any snapshot is safe; 16 is today's.
    if (reader.vendorId === VendorId.MEDKIT) return { gidSize: 16, because: 'medkit' };
    const e = this.#byPrefix.get(reader.participantGuidPrefix);
    const votes: { size: GidSize; because: 'own-snapshot' | 'type-hash' | 'sedp' }[] = [];
    if (e?.snapshot !== undefined) votes.push({ size: e.snapshot, because: 'own-snapshot' });
    if (hasTypeHash(reader) || (e !== undefined && e.hashed.size > 0)) votes.push({ size: 16, because: 'type-hash' });
    else if (e !== undefined && e.unhashed.size > 0) votes.push({ size: 24, because: 'sedp' });
    const sizes = new Set(votes.map((v) => v.size));
    if (sizes.size > 1) {
      return { gidSize: undefined, because: 'conflict', detail: votes.map((v) => `${v.because} says ${v.size}-byte Gids`).join(', ') };
    }
    const first = votes[0];
    return first ? { gidSize: first.size, because: first.because } : this.#fallback();
  }

  /** Nothing from the peer yet: the configured distro's layout, else none (wait for evidence). */
  #fallback(): ReaderLayout {
    return this.configured
      ? { gidSize: gidSizeOfGeneration(this.configured), because: 'distro' }
      : { gidSize: undefined, because: 'unknown', detail: 'no type hash, no node endpoint and no snapshot of its own yet, and ros.distro is auto' };
  }
}
