// Keyed topics between two of our participants, and the key hash rule itself (DDS-RTPS 2.5
// packages/rtps/README.md: the big-endian serialized key, zero-padded when the type's key fits 16 bytes, else
// its MD5). ROS domain offset 208.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { EntityKind, guidEntityId, keyHash, topicKind, type IncompatibleEvent, type InstanceChange, type Sample } from '../src/index.js';
import { testDomain } from '../../../test-support/domains.js';
import { InstanceHistoryCache } from '../src/instance-history-cache.js';
import { keyHashHex } from '../src/instance-key.js';
import { KEYED_KEY, KEYED_TYPE, keyedHash, keyedKeyBE, keyedSample, readKeyed } from './support/keyed-type.js';
import { closeAll, participant, until } from './support/loopback.js';

const TOPIC = 'medkit/keyed';

describe('key hash', () => {
  it('is the zero-padded key when the type bounds it to 16 bytes, else the MD5 of the key', () => {
    expect(keyHash(Buffer.from([0, 0, 0, 7]), 4).toString('hex')).toBe(`00000007${'0'.repeat(24)}`);
    const sixteen = Buffer.from('0123456789abcdef');
    expect(keyHash(sixteen, 16)).toEqual(sixteen);
    // A key that may be longer than 16 bytes is hashed even when this one is short.
    const short = keyedKeyBE(1, 'a');
    expect(keyHash(short).toString('hex')).toBe(createHash('md5').update(short).digest('hex'));
    expect(keyHash(short, 17).toString('hex')).toBe(createHash('md5').update(short).digest('hex'));
  });

  it('in hex (what readers key instances by) is the padded key or its MD5, and keyHash is its bytes, for every key length and bound', () => {
    const keys: Uint8Array[] = [0, 1, 4, 15, 16, 17, 40].map((n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + 200) & 255)));
    // A key held in V8's heap (a small Uint8Array) and one in a view of a larger buffer give the same answer.
    keys.push(new Uint8Array([0xff, 0, 0xab]), Buffer.alloc(64, 0x5a).subarray(10, 26));
    for (const key of keys) {
      for (const bound of [4, 16, 17, Infinity]) {
        const padded = Buffer.alloc(16);
        Buffer.from(key).copy(padded, 0, 0, Math.min(16, key.length));
        const expected = bound <= 16 ? padded.toString('hex') : createHash('md5').update(key).digest('hex');
        expect(keyHashHex(key, bound), `${key.length} bytes, bound ${bound}`).toBe(expected);
        expect(keyHash(key, bound).toString('hex'), `${key.length} bytes, bound ${bound}`).toBe(expected);
      }
    }
    expect(keyHashHex(Buffer.from([0, 0, 0, 7]), 4)).toBe(`00000007${'0'.repeat(24)}`);
  });
});

describe('keyed topics between our participants', () => {
  afterEach(closeAll);

  it('WITH_KEY endpoints carry key hashes, keep history per instance and deliver disposes/unregisters as instance changes', async () => {
    const domain = testDomain(208);
    const a = await participant(domain);
    const b = await participant(domain);
    const w = a.createWriter({ topic: TOPIC, typeName: KEYED_TYPE, key: KEYED_KEY, qos: { reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 1 } } });
    expect(guidEntityId(w.guid) & 0xff).toBe(EntityKind.USER_WRITER_WITH_KEY);
    // keep-last 1 per instance: a late joiner gets the newest sample of each of the two keys.
    for (let seq = 1; seq <= 6; seq++) w.write(keyedSample(seq % 2, `key-${seq % 2}`, seq));
    const r = b.createReader({ topic: TOPIC, typeName: KEYED_TYPE, key: KEYED_KEY, qos: { reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 10 } } });
    expect(topicKind(r.guid)).toBe('WITH_KEY');
    const samples: Sample[] = [];
    const changes: InstanceChange[] = [];
    r.on('sample', (s) => samples.push(s));
    r.on('instance', (c) => changes.push(c));
    await until(() => samples.length === 2, 'the newest sample of each instance');
    expect(samples.map((s) => readKeyed(s.payload).seq)).toEqual([5, 6]);
    expect(samples.map((s) => s.keyHash)).toEqual([keyedHash(1, 'key-1'), keyedHash(0, 'key-0')]);
    expect(samples.map((s) => s.inlineQos?.keyHash)).toEqual(samples.map((s) => s.keyHash));

    w.disposeInstance(keyedSample(1, 'key-1', 0));
    w.unregisterInstance(keyedKeyBE(0, 'key-0'), { keyOnly: true });
    await until(() => changes.length === 2, 'a dispose and an unregister');
    expect(changes.map((c) => [c.keyHash, c.status])).toEqual([
      [keyedHash(1, 'key-1'), { disposed: true, unregistered: false }],
      [keyedHash(0, 'key-0'), { disposed: false, unregistered: true }],
    ]);
    expect(readKeyed(changes[0].key!, true)).toEqual({ id: 1, name: 'key-1' });
    expect(samples).toHaveLength(2);
  });

  it('a keyed reader keeps its KEEP_LAST history per instance for take()', async () => {
    const domain = testDomain(208);
    const a = await participant(domain);
    const b = await participant(domain);
    const w = a.createWriter({ topic: TOPIC, typeName: KEYED_TYPE, key: KEYED_KEY });
    const r = b.createReader({ topic: TOPIC, typeName: KEYED_TYPE, key: KEYED_KEY, keepHistory: true, qos: { history: { kind: 'keep-last', depth: 1 } } });
    expect(await w.waitForMatch(1, 5000)).toBe(true);
    await until(() => w.heardFrom(r.guid), 'the reader acknowledging');
    let heard = 0;
    r.on('sample', () => heard++);
    for (let seq = 1; seq <= 6; seq++) w.write(keyedSample(seq % 3, `key-${seq % 3}`, seq));
    await until(() => heard === 6, 'six samples');
    expect(r.take().map((s) => readKeyed(s.payload).seq)).toEqual([4, 5, 6]);
  });

  it('refuses to match a keyless endpoint with a keyed one, naming the topic kind', async () => {
    const domain = testDomain(208);
    const a = await participant(domain);
    const b = await participant(domain);
    const w = a.createWriter({ topic: TOPIC, typeName: KEYED_TYPE, key: {} });
    const r = b.createReader({ topic: TOPIC, typeName: KEYED_TYPE });
    const refused: IncompatibleEvent[] = [];
    r.on('incompatible', (e) => refused.push(e));
    await until(() => refused.length > 0, 'an incompatible event');
    expect(refused[0].reason).toMatch(/^topic kind: ours is NO_KEY, theirs is WITH_KEY/);
    expect(w.matchedReaders()).toEqual([]);
    expect(() => w.disposeInstance(keyedSample(0, 'k', 0))).toThrow(/serializeKey/);
  });

  it('delivers a sample its key description cannot read without a key hash, and a keyless writer refuses instance calls', async () => {
    const domain = testDomain(208);
    const a = await participant(domain);
    const b = await participant(domain);
    const w = a.createWriter({ topic: TOPIC, typeName: KEYED_TYPE, key: {} });
    const r = b.createReader({ topic: TOPIC, typeName: KEYED_TYPE, key: KEYED_KEY });
    expect(await w.waitForMatch(1, 5000)).toBe(true);
    await until(() => w.heardFrom(r.guid), 'the reader acknowledging');
    const samples: Sample[] = [];
    r.on('sample', (s) => samples.push(s));
    // A name length far past the payload: the key description throws, the sample still arrives.
    const hostile = keyedSample(3, 'x', 1);
    hostile.writeUInt32LE(0xffffffff, 8);
    w.write(hostile);
    await until(() => samples.length === 1, 'the hostile sample');
    expect(samples[0].keyHash).toBeUndefined();
    const plain = a.createWriter({ topic: 'medkit/plain', typeName: KEYED_TYPE });
    expect(() => plain.disposeInstance(keyedSample(0, 'k', 0))).toThrow(/not keyed/);
  });
});

describe('instance history cache', () => {
  it('keeps the last depth samples per instance and maxSamples overall, in arrival order', () => {
    const c = new InstanceHistoryCache<string>(2, 5);
    for (const [k, v] of [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['a', 'a3'], ['c', 'c1']] as const) c.push(k, v);
    expect(c.read()).toEqual(['b1', 'a2', 'a3', 'c1']);
    c.push('d', 'd1');
    c.push('e', 'e1');
    expect(c.read()).toEqual(['a2', 'a3', 'c1', 'd1', 'e1']);
    expect(c.take()).toHaveLength(5);
    expect(c.size).toBe(0);
    // A flood of distinct instances stays within maxSamples.
    for (let i = 0; i < 10_000; i++) c.push(`k${i}`, `v${i}`);
    expect(c.read()).toEqual(['v9995', 'v9996', 'v9997', 'v9998', 'v9999']);
  });
});
