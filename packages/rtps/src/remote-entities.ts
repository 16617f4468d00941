// What we know about remote participants and their endpoints, and the links from a remote
// endpoint to our matched local endpoints (so a received DATA finds its readers in two lookups).

import type { EndpointData } from './discovery-sedp-data.js';
import type { ParticipantData } from './discovery-spdp-data.js';
import type { Guid } from './guid.js';
import type { Locator } from './locator.js';
import type { ReliableReader } from './reliable-reader.js';
import type { WriterProxy } from './writer-proxy.js';

interface ReaderLink {
  reader: ReliableReader;
  proxy: WriterProxy;
}

export interface RemoteEndpoint {
  guid: Guid;
  /** The participant that owns it (the one whose `endpoints` holds it). */
  owner: RemoteParticipant;
  entityId: number;
  isWriter: boolean;
  /** SEDP data; undefined for built-in endpoints implied by the builtin endpoint set. */
  data?: EndpointData;
  /** Our readers matched to this remote writer. */
  readerLinks: ReaderLink[];
  /** Announced through protected discovery: only a protected dispose removes it. */
  announcedSecurely?: boolean;
}

export interface RemoteParticipant {
  prefixHex: string;
  prefix: Buffer;
  data: ParticipantData;
  /** The SPDP payload last seen (to skip re-parsing identical re-announcements). */
  lastSpdp: Buffer;
  lastSeen: number;
  leaseMs: number;
  /** What it proved beyond announcing itself (ProofFlag bits, proxy-participants.ts). */
  proof: number;
  /** Participant-message liveliness assertions of it that reached us, on the plain and on the secure reader. */
  livelinessAsserted: { plain: number; secure: number };
  /**
   * Admitted under flood pressure and not proven yet: only its built-in writers are matched with
   * our readers; our built-in writers (which heartbeat every matched reader) wait for a proof.
   */
  probation: boolean;
  metaLocators: Locator[];
  userLocators: Locator[];
  endpoints: Map<number, RemoteEndpoint>;
}
