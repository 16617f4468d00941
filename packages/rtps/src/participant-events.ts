// The events a participant emits: remote participants and endpoints coming, changing and going, and discovery
// servers' state.

import type { EndpointData } from './discovery-sedp-data.js';
import type { DiscoveryServerStatus } from './discovery-server.js';
import type { DiscoveredParticipant } from './proxy-participants.js';

export type ChangeType = 'added' | 'changed' | 'removed';

export interface ParticipantEvent {
  type: ChangeType;
  participant: DiscoveredParticipant;
  /** Why a participant was removed. */
  reason?: 'disposed' | 'lease-expired' | 'closed' | 'evicted';
}

export interface EndpointEvent {
  type: ChangeType;
  endpoint: EndpointData;
}

export interface ParticipantEvents {
  participant: [ParticipantEvent];
  endpoint: [EndpointEvent];
  discoveryServer: [DiscoveryServerStatus];
}
