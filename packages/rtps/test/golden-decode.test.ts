// Golden decode: every RTPS message of the shared captures parses, and what discovery carries
// matches packages/rtps/README.md (topic and type names, vendor ids, leases, locators, user data).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEndpointData, type EndpointData } from '../src/discovery-sedp-data.js';
import { decodeParticipantData, type ParticipantData } from '../src/discovery-spdp-data.js';
import { EntityId } from '../src/guid.js';
import { parseInlineQos } from '../src/inline-qos.js';
import { decodeMessage } from '../src/message.js';
import { SN_UNKNOWN } from '../src/sequence-number.js';
import type { DataSubmessage } from '../src/submessages/data.js';
import { VendorId } from '../src/vendor.js';
import { readRtpsDatagrams } from './support/pcapng.js';
import { CDR_VECTORS, CYCLONE_CAPTURE, FASTDDS_CAPTURE, ROS_CAPTURE } from './support/vectors.js';

interface Decoded {
  messages: number;
  participants: Map<string, ParticipantData>;
  endpoints: EndpointData[];
  /** DATA submessages of user writers, with the source prefix. */
  userData: Array<{ src: string; sm: DataSubmessage }>;
  kinds: Set<string>;
}

function decodeCapture(path: string): Decoded {
  const out: Decoded = { messages: 0, participants: new Map(), endpoints: [], userData: [], kinds: new Set() };
  for (const d of readRtpsDatagrams(path)) {
    const m = decodeMessage(d.payload); // throws on any malformed message
    out.messages++;
    let src = m.header.guidPrefix.toString('hex');
    for (const sm of m.submessages) {
      out.kinds.add(sm.kind === 'UNKNOWN' ? `0x${sm.id.toString(16)}` : sm.kind);
      if (sm.kind === 'INFO_SRC') src = sm.guidPrefix.toString('hex');
      if (sm.kind !== 'DATA' || !sm.payload || sm.key) continue;
      if (sm.inlineQos) parseInlineQos(sm.inlineQos, sm.le, m.header.vendorId);
      if (sm.writerId === EntityId.SPDP_WRITER) {
        const p = decodeParticipantData(sm.payload, m.header.vendorId);
        if (p) out.participants.set(p.guidPrefix, p);
      } else if (sm.writerId === EntityId.SEDP_PUBLICATIONS_WRITER || sm.writerId === EntityId.SEDP_SUBSCRIPTIONS_WRITER) {
        const e = decodeEndpointData(sm.payload, sm.writerId === EntityId.SEDP_PUBLICATIONS_WRITER ? 'writer' : 'reader', src, m.header.vendorId);
        if (e) out.endpoints.push(e);
      } else if ((sm.writerId & 0xc0) === 0) {
        out.userData.push({ src, sm });
      }
    }
  }
  return out;
}

/** CDR std_msgs/String by hand: encapsulation (4), uint32 length incl. NUL, chars. */
function cdrString(payload: Buffer): string {
  expect(payload.readUInt16BE(0)).toBe(0x0001); // CDR_LE
  const len = payload.readUInt32LE(4);
  return payload.toString('utf8', 8, 8 + len - 1);
}

describe('golden decode: ROS 2 talker/listener capture (rmw_cyclonedds, 2021)', () => {
  const d = decodeCapture(ROS_CAPTURE);

  it('parses all 87 RTPS messages', () => {
    expect(d.messages).toBe(87);
    for (const k of ['DATA', 'HEARTBEAT', 'ACKNACK', 'INFO_DST', 'INFO_TS']) expect(d.kinds).toContain(k);
  });

  it('SPDP: two Cyclone participants, enclave=/, lease 10 s, builtin set 0x0c3f, ephemeral unicast port', () => {
    expect([...d.participants.keys()].sort()).toEqual(['54a61001319843eca3669a35', '5ab810011636c7d51895c54e']);
    for (const p of d.participants.values()) {
      expect(p.vendorId).toBe(VendorId.CYCLONE_DDS);
      expect(p.userData.toString()).toBe('enclave=/;');
      expect(p.leaseDurationSec).toBe(10);
      expect(p.builtinEndpoints).toBe(0x0c3f);
      // ParticipantIndex none: ephemeral ports, not 7410+2i.
      for (const l of [...p.metatrafficUnicastLocators, ...p.defaultUnicastLocators]) expect(l.port).toBeGreaterThan(32768);
    }
    const ports = [...d.participants.values()].flatMap((p) => [...p.metatrafficUnicastLocators, ...p.defaultUnicastLocators].map((l) => l.port));
    expect(ports).toContain(58584);
  });

  it('SEDP: rt/chatter is std_msgs String, RELIABLE, KEEP_LAST 7; parameter services and rosout present', () => {
    const chatterW = d.endpoints.find((e) => e.topicName === 'rt/chatter' && e.kind === 'writer')!;
    expect(chatterW.typeName).toBe('std_msgs::msg::dds_::String_');
    expect(chatterW.qos.reliability).toBe('reliable');
    expect(chatterW.qos.history).toEqual({ kind: 'keep-last', depth: 7 });
    const topics = new Set(d.endpoints.map((e) => e.topicName));
    for (const t of ['ros_discovery_info', 'rt/rosout', 'rt/parameter_events', 'rq/talker/get_parametersRequest', 'rr/talker/list_parametersReply']) expect(topics).toContain(t);
    expect(d.endpoints.find((e) => e.topicName === 'ros_discovery_info')!.typeName).toBe('rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_');
  });

  it('rt/chatter DATA decode to "Hello World: N"', () => {
    const chatterW = d.endpoints.find((e) => e.topicName === 'rt/chatter' && e.kind === 'writer')!;
    const entity = parseInt(chatterW.guid.slice(24), 16);
    const texts = d.userData.filter((u) => u.sm.writerId === entity && u.src === chatterW.guid.slice(0, 24)).map((u) => cdrString(u.sm.payload!));
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(t).toMatch(/^Hello World: \d+$/);
  });
});

describe('golden decode: Cyclone 0.10.2 peers on loopback', () => {
  const d = decodeCapture(CYCLONE_CAPTURE);

  it('parses all 184 RTPS messages', () => {
    expect(d.messages).toBe(184);
  });

  it('SPDP: vendor Cyclone, lease 10 s, 127.0.0.1 formula ports, builtin set 0xfc3f', () => {
    expect(d.participants.size).toBe(2);
    for (const p of d.participants.values()) {
      expect(p.vendorId).toBe(VendorId.CYCLONE_DDS);
      expect(p.leaseDurationSec).toBe(10);
      expect(p.builtinEndpoints).toBe(0xfc3f);
      expect(p.userData.toString()).toBe('enclave=/;');
      const l = p.metatrafficUnicastLocators[0];
      expect(l.address).toBe('127.0.0.1');
      expect((l.port - 7410) % 2).toBe(0);
    }
  });

  it('SEDP: chatter, ros_discovery_info (transient local) and add_two_ints endpoints with typehash user data', () => {
    const topics = new Set(d.endpoints.map((e) => e.topicName));
    for (const t of ['rt/chatter', 'ros_discovery_info', 'rq/add_two_intsRequest', 'rr/add_two_intsReply']) expect(topics).toContain(t);
    const info = d.endpoints.find((e) => e.topicName === 'ros_discovery_info' && e.kind === 'writer')!;
    expect(info.qos.durability).toBe('transient-local');
    const chatter = d.endpoints.find((e) => e.topicName === 'rt/chatter')!;
    expect(chatter.userData.toString()).toMatch(/typehash=RIHS01_/);
  });

  it('rt/chatter payloads are "Hello World: N" (Cyclone native serializer with padding in options)', () => {
    const chatter = d.endpoints.filter((e) => e.topicName === 'rt/chatter' && e.kind === 'writer');
    const ids = new Set(chatter.map((e) => e.guid));
    const texts = d.userData.filter((u) => ids.has(u.src + u.sm.writerId.toString(16).padStart(8, '0'))).map((u) => {
      const p = u.sm.payload!;
      return p.toString('utf8', 8, 8 + p.readUInt32LE(4) - 1);
    });
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(t).toMatch(/^Hello World: \d+$/);
  });
});

describe('golden decode: Fast DDS 2.9.1 peers on loopback', () => {
  const d = decodeCapture(FASTDDS_CAPTURE);

  it('parses all 599 RTPS messages, skipping the vendor 0x80 submessage', () => {
    expect(d.messages).toBe(599);
    expect(d.kinds).toContain('0x80');
  });

  it('SPDP: vendor Fast DDS, lease 20 s, entity name "/", property list, SHM locators next to UDP', () => {
    expect(d.participants.size).toBeGreaterThanOrEqual(2);
    for (const p of d.participants.values()) {
      expect(p.vendorId).toBe(VendorId.FAST_DDS);
      expect(p.leaseDurationSec).toBe(20);
      expect(p.entityName).toBe('/');
      expect(p.userData.toString()).toBe('enclave=/;\0');
      expect(p.builtinEndpoints & 0x0c3f).toBe(0x0c3f);
      expect(p.metatrafficUnicastLocators.some((l) => l.kind === 1 && l.address === '127.0.0.1')).toBe(true);
      expect(Object.keys(p.properties).some((k) => k.startsWith('fastdds.physical_data'))).toBe(true);
    }
  });

  it('SEDP: service endpoints with the Fast DDS type names', () => {
    const req = d.endpoints.find((e) => e.topicName === 'rq/add_two_intsRequest')!;
    expect(req.typeName).toBe('example_interfaces::srv::dds_::AddTwoInts_Request_');
    expect(req.vendorId).toBe(VendorId.FAST_DDS);
  });

  it('rt/chatter payloads are "Hello World: N"', () => {
    const ids = new Set(d.endpoints.filter((e) => e.topicName === 'rt/chatter' && e.kind === 'writer').map((e) => e.guid));
    const texts = d.userData.filter((u) => ids.has(u.src + u.sm.writerId.toString(16).padStart(8, '0'))).map((u) => cdrString(u.sm.payload!));
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(t).toMatch(/^Hello World: \d+/);
  });
});

describe('golden inline QoS (ros2-cdr-vectors.json)', () => {
  const vectors = JSON.parse(readFileSync(CDR_VECTORS, 'utf8')).vectors as Array<{ name: string; inlineQos?: string }>;
  const withQos = vectors.filter((v) => v.inlineQos);

  it('Fast DDS 0x800f related sample identity is decoded for vendor 0x010f', () => {
    expect(withQos.length).toBe(2);
    const [req, rep] = withQos.map((v) => parseInlineQos(Buffer.from(v.inlineQos!, 'hex'), true, VendorId.FAST_DDS));
    expect(req.relatedSampleIdentity).toEqual({ writerGuid: '010f78fd9c5b8a5c0000000000000304', sequenceNumber: SN_UNKNOWN });
    expect(rep.relatedSampleIdentity).toEqual({ writerGuid: '010f78fd9c5b8a5c0000000000000304', sequenceNumber: 1 });
  });

  it('the same bytes from Cyclone are not interpreted (0x800f means something else there)', () => {
    const q = parseInlineQos(Buffer.from(withQos[0].inlineQos!, 'hex'), true, VendorId.CYCLONE_DDS);
    expect(q.relatedSampleIdentity).toBeUndefined();
    expect(q.parameters.map((p) => p.pid)).toEqual([0x800f]);
  });
});
