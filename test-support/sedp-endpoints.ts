// Hand-made SEDP endpoint announcements (what a peer's DiscoveredWriterData/ReaderData says) for tests
// that feed a RosGraph directly: one participant, numbered endpoints, any USER_DATA bytes.
import { DEFAULT_QOS, VendorId, type EndpointData } from '@medkit/rtps';

/** The participant GUID prefix every endpoint made here belongs to. */
export const SEDP_PEER_PREFIX = '0110aabbccddeeff00112233';
let next = 0;

/** Endpoint `n` (entity key) of participant `prefix`: what its SEDP announcement says. */
export function endpointData(o: { prefix: string; n: number; kind: 'writer' | 'reader'; topic: string; type: string; userData?: string | number[]; vendorId?: number }): EndpointData {
  return {
    kind: o.kind,
    guid: `${o.prefix}${o.n.toString(16).padStart(6, '0')}${o.kind === 'writer' ? '03' : '04'}`,
    participantGuidPrefix: o.prefix,
    topicName: o.topic,
    typeName: o.type,
    qos: DEFAULT_QOS,
    userData: Buffer.from(o.userData ?? ''),
    unicastLocators: [],
    multicastLocators: [],
    expectsInlineQos: false,
    vendorId: o.vendorId ?? VendorId.CYCLONE_DDS,
  };
}

/** A Cyclone DDS endpoint of {@link SEDP_PEER_PREFIX} on `topic` with `type`, carrying `userData`. */
export function sedpEndpoint(topic: string, type: string, userData: string | number[] = '', kind: 'writer' | 'reader' = 'writer'): EndpointData {
  return endpointData({ prefix: SEDP_PEER_PREFIX, n: ++next, kind, topic, type, userData });
}
