// Hand-made SEDP endpoint announcements (what a peer's DiscoveredWriterData/ReaderData says) for tests
// that feed a RosGraph directly: one participant, numbered endpoints, any USER_DATA bytes.
import { DEFAULT_QOS, VendorId, type EndpointData } from '@medkit/rtps';

/** The participant GUID prefix every endpoint made here belongs to. */
export const SEDP_PEER_PREFIX = '0110aabbccddeeff00112233';
let next = 0;

/** A Cyclone DDS endpoint of {@link SEDP_PEER_PREFIX} on `topic` with `type`, carrying `userData`. */
export function sedpEndpoint(topic: string, type: string, userData: string | number[] = '', kind: 'writer' | 'reader' = 'writer'): EndpointData {
  next++;
  return {
    kind,
    guid: `${SEDP_PEER_PREFIX}${next.toString(16).padStart(6, '0')}${kind === 'writer' ? '03' : '04'}`,
    participantGuidPrefix: SEDP_PEER_PREFIX,
    topicName: topic,
    typeName: type,
    qos: DEFAULT_QOS,
    userData: Buffer.from(userData),
    unicastLocators: [],
    multicastLocators: [],
    expectsInlineQos: false,
    vendorId: VendorId.CYCLONE_DDS,
  };
}
