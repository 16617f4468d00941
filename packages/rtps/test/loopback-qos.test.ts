// QoS matching between our participants: refused matches carry a readable reason; partitions.
import { afterEach, describe, expect, it } from 'vitest';
import type { IncompatibleEvent, QoS } from '../src/index.js';
import { DEFAULT_QOS, qosIncompatibility } from '../src/index.js';
import { closeAll, participant, until } from './support/loopback.js';
import { testDomain } from '../../../test-support/domains.js';

const DOMAIN = testDomain(3);
afterEach(closeAll);

const q = (over: Partial<QoS>): QoS => ({ ...DEFAULT_QOS, ...over });

describe('QoS matching rules', () => {
  it('names the policy that refuses a match', () => {
    expect(qosIncompatibility(q({ reliability: 'best-effort' }), q({ reliability: 'reliable' }))).toMatch(/^reliability/);
    expect(qosIncompatibility(q({ durability: 'volatile' }), q({ durability: 'transient-local' }))).toMatch(/^durability: reader requests TRANSIENT_LOCAL, writer offers VOLATILE/);
    expect(qosIncompatibility(q({ ownership: 'exclusive' }), q({}))).toMatch(/^ownership/);
    expect(qosIncompatibility(q({ deadlineSec: 2 }), q({ deadlineSec: 1 }))).toMatch(/^deadline/);
    expect(qosIncompatibility(q({ liveliness: { kind: 'automatic', leaseSec: Infinity } }), q({ liveliness: { kind: 'manual-by-topic', leaseSec: Infinity } }))).toMatch(/^liveliness/);
    expect(qosIncompatibility(q({ liveliness: { kind: 'automatic', leaseSec: 5 } }), q({ liveliness: { kind: 'automatic', leaseSec: 1 } }))).toMatch(/^liveliness: reader lease/);
    expect(qosIncompatibility(q({ partitions: ['a'] }), q({ partitions: ['b'] }))).toMatch(/^partition/);
    expect(qosIncompatibility(q({ partitions: ['robot1'] }), q({ partitions: ['robot*'] }))).toBeNull();
    expect(qosIncompatibility(q({ reliability: 'reliable', durability: 'transient-local' }), q({ reliability: 'best-effort' }))).toBeNull();
  });
});

describe('QoS matching over the wire', () => {
  it('a reliable reader refuses a best-effort writer, with the reason on both sides', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/q1', typeName: 'T', qos: { reliability: 'best-effort' } });
    const r = b.createReader({ topic: 'rt/q1', typeName: 'T', qos: { reliability: 'reliable' } });
    const atReader: IncompatibleEvent[] = [];
    const atWriter: IncompatibleEvent[] = [];
    r.on('incompatible', (e) => atReader.push(e));
    w.on('incompatible', (e) => atWriter.push(e));
    await until(() => atReader.length > 0 && atWriter.length > 0, 'incompatible events');
    expect(atReader[0].reason).toBe('reliability: reader requests RELIABLE, writer offers BEST_EFFORT');
    expect(atReader[0].remoteGuid).toBe(w.guid);
    expect(r.matchedWriters()).toEqual([]);
  });

  it('durability and type name mismatches are reported', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN);
    a.createWriter({ topic: 'rt/q2', typeName: 'T' });
    a.createWriter({ topic: 'rt/q3', typeName: 'T1' });
    const r2 = b.createReader({ topic: 'rt/q2', typeName: 'T', qos: { durability: 'transient-local' } });
    const r3 = b.createReader({ topic: 'rt/q3', typeName: 'T2' });
    const reasons: string[] = [];
    r2.on('incompatible', (e) => reasons.push(e.reason));
    r3.on('incompatible', (e) => reasons.push(e.reason));
    await until(() => reasons.length >= 2, 'incompatible events');
    expect(reasons.some((s) => s.startsWith('durability'))).toBe(true);
    expect(reasons.some((s) => s.startsWith('type: ours is T2, theirs is T1'))).toBe(true);
  });

  it('partitions: disjoint ones do not match, a wildcard does, and samples flow only there', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/p', typeName: 'T', qos: { partitions: ['robot1'] } });
    const other = b.createReader({ topic: 'rt/p', typeName: 'T', qos: { partitions: ['robot2'] } });
    const wild = b.createReader({ topic: 'rt/p', typeName: 'T', qos: { partitions: ['robot*'] } });
    const reasons: string[] = [];
    other.on('incompatible', (e) => reasons.push(e.reason));
    let otherGot = 0;
    let wildGot = 0;
    other.on('sample', () => otherGot++);
    wild.on('sample', () => wildGot++);
    expect(await wild.waitForMatch(1, 10_000)).toBe(true);
    await until(() => reasons.length > 0 && w.matchedReaders().includes(wild.guid), 'partition decisions');
    expect(reasons[0]).toMatch(/^partition/);
    w.write(Buffer.from([0, 1, 0, 0, 1, 2, 3, 4]));
    await until(() => wildGot === 1, 'sample in matching partition');
    expect(otherGot).toBe(0);
    expect(b.endpoints().find((e) => e.guid === w.guid)!.qos.partitions).toEqual(['robot1']);
  });
});
