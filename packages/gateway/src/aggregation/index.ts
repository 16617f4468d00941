// Aggregation / federation of peer gateways (docs/aggregation.md).
export { createAggregationFeature, AGGREGATION_SERVICE, PEER_FAULT_SINK_SERVICE } from './feature.js';
export { AGGREGATION_KEYS, readAggregationSettings, AggregationConfigError, type AggregationSettings, type PeerConfig } from './config.js';
export { AggregationService, type MergeHost, type PeerHealth } from './service.js';
export { PeerFaultEventHub, PEER_FAULT_EVENTS_SERVICE, type FaultEventSink, type RelayedFaultEvent, type RelayedFaultListener } from '../faults/gateway/peer-events.js';
export { mergePeerEntities, routeKey, type PeerContribution, type PeerRoute, type MergeResult, type LeafCollision } from './merge.js';
export { fanOutPath, mergeCollection, type FanOutKind, type PeerItems } from './fan-out.js';
export { sortFaultTimeline, faultTime } from './fault-timeline.js';
export { NO_FAN_OUT_HEADER, MAX_PEER_RESPONSE_BYTES } from './peer-http.js';
export type { PeerState, PeerStatus } from './peers.js';
export { startPeerDiscovery, type PeerDiscovery, type PeerDiscoveryOptions, type DiscoveryHost } from './mdns/peer-discovery.js';
export { MdnsResponder, type ResponderOptions } from './mdns/responder.js';
export { MdnsBrowser, checkDiscoveredAddress, type BrowserOptions, type DiscoveredPeer } from './mdns/browser.js';
export { openUdpTransport, MemoryLink, type MdnsTransport, type UdpTransport, type UdpTransportOptions } from './mdns/transport.js';
