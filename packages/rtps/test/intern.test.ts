// Equal names and QoS of discovered endpoints share one instance (intern.ts), within a bounded pool.
import { describe, expect, it } from 'vitest';
import { decodeEndpointData, encodeEndpointData, type EndpointData } from '../src/discovery-sedp-data.js';
import { INTERN_POOL_SIZE, internedCounts, internString, shareQos } from '../src/intern.js';
import { DEFAULT_QOS, resolveQos } from '../src/qos.js';

const endpoint = (n: number, topic = 'rq/node/list_parametersRequest'): EndpointData => ({
  kind: 'reader',
  guid: `0102030405060708090a0b0c${n.toString(16).padStart(6, '0')}04`,
  participantGuidPrefix: '0102030405060708090a0b0c',
  topicName: topic,
  typeName: 'rcl_interfaces::srv::dds_::ListParameters_Request_',
  qos: resolveQos({ reliability: 'reliable', history: { kind: 'keep-last', depth: 10 } }),
  userData: Buffer.alloc(0),
  unicastLocators: [],
  multicastLocators: [],
  expectsInlineQos: false,
  vendorId: 0x010f,
});
const roundTrip = (d: EndpointData) => decodeEndpointData(encodeEndpointData(d), d.kind, d.participantGuidPrefix, d.vendorId)!;

describe('interned discovery data', () => {
  it('gives two announcements of equal names and QoS the same instances, frozen', () => {
    const a = roundTrip(endpoint(1));
    const b = roundTrip(endpoint(2));
    expect(a.guid).not.toBe(b.guid);
    expect(Object.is(a.qos, b.qos)).toBe(true);
    expect(Object.isFrozen(a.qos) && Object.isFrozen(a.qos.history) && Object.isFrozen(a.qos.partitions)).toBe(true);
    expect(() => {
      (a.qos as { reliability: string }).reliability = 'best-effort';
    }).toThrow(TypeError);
    expect(b.qos.reliability).toBe('reliable');
    expect(a.userData).toBe(b.userData);
  });

  it('keeps QoS that differ apart, partitions included (no two lists share a key)', () => {
    const base = { ...DEFAULT_QOS, history: { kind: 'keep-last' as const, depth: 5 } };
    const p1 = shareQos({ ...base, partitions: ['a\u0000b', 'c'] });
    const p2 = shareQos({ ...base, partitions: ['a', 'b\u0000c'] });
    const d6 = shareQos({ ...base, history: { kind: 'keep-last', depth: 6 } });
    expect(p1.partitions).toEqual(['a\u0000b', 'c']);
    expect(p2.partitions).toEqual(['a', 'b\u0000c']);
    expect(d6.history).toEqual({ kind: 'keep-last', depth: 6 });
    expect(shareQos({ ...base, deadlineSec: Infinity })).not.toBe(shareQos({ ...base, deadlineSec: 1 }));
  });

  it('stays bounded when a peer announces ever new names: the pool starts over, values stay valid', () => {
    const first = internString('rt/first');
    for (let i = 0; i < INTERN_POOL_SIZE * 3; i++) {
      expect(internString(`rt/hostile_${i}`)).toBe(`rt/hostile_${i}`);
      expect(internedCounts().strings).toBeLessThanOrEqual(INTERN_POOL_SIZE);
    }
    for (let i = 0; i < INTERN_POOL_SIZE * 2; i++) shareQos({ ...DEFAULT_QOS, partitions: [`p${i}`] });
    expect(internedCounts().qos).toBeLessThanOrEqual(INTERN_POOL_SIZE);
    expect(first).toBe('rt/first');
    const long = 'x'.repeat(300);
    expect(internString(long)).toBe(long);
  });
});
