// Keyed topics against real DDS peers: Cyclone DDS (ddsperf's KeyedSeq, and the keyed C peer)
// and Fast DDS (the keyed C++ peer), both built from test/peers/keyed/keyed.idl. Our readers and
// writers are WITH_KEY, carry key hashes (MD5 of the big-endian key, checked against Fast DDS'
// own instance handles) and see / send disposes. ROS domains: offsets 205-207.
import { spawn } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import type { IncompatibleEvent, InstanceChange, Sample } from '../src/index.js';
import { CYCLONE, FASTDDS, describeWith } from '../../../test-support/requirements.js';
import { testDomain } from '../../../test-support/domains.js';
import { peerEnv, spawnPeer, type PeerVendor } from '../../../test-support/peers/harness.js';
import { peerHooks } from './support/interop-suite.js';
import { KEYED_KEY, KEYED_SEQ, KEYED_TYPE, keyedHash, keyedSample, readKeyed } from './support/keyed-type.js';
import { closeAll, participant, until } from './support/loopback.js';

const TOPIC = 'medkit/keyed';

function keyedSuite(vendor: PeerVendor, domain: number): void {
  peerHooks(vendor);

  it('receives every sample of a keyed writer with its key hash, then the dispose of an instance', async () => {
    const p = await participant(domain, { peerIndexCount: 32 });
    const r = p.createReader({ topic: TOPIC, typeName: KEYED_TYPE, key: KEYED_KEY, qos: { reliability: 'reliable', history: { kind: 'keep-last', depth: 20 } } });
    const keyless = p.createReader({ topic: TOPIC, typeName: KEYED_TYPE, qos: { reliability: 'reliable' } });
    const samples: Sample[] = [];
    const instances: InstanceChange[] = [];
    const refused: IncompatibleEvent[] = [];
    r.on('sample', (s) => samples.push(s));
    r.on('instance', (c) => instances.push(c));
    keyless.on('incompatible', (e) => refused.push(e));
    keyless.on('sample', () => expect.fail('a keyless reader must not get keyed samples'));
    const pub = await spawnPeer(vendor, 'keyed-pub', { domain, topic: TOPIC, count: 6, keys: 3, periodMs: 30, waitMatch: 1 });
    await pub.waitForLine(/^disposed id=0 name=key-0$/, 15_000);
    await until(() => samples.length === 6 && instances.length >= 1, 'six samples and a dispose');
    expect(samples.map((s) => readKeyed(s.payload))).toEqual([1, 2, 3, 4, 5, 6].map((seq) => ({ id: (seq - 1) % 3, name: `key-${(seq - 1) % 3}`, seq })));
    expect(samples.map((s) => s.keyHash)).toEqual([1, 2, 3, 4, 5, 6].map((seq) => keyedHash((seq - 1) % 3, `key-${(seq - 1) % 3}`)));
    if (vendor === 'fastdds-keyed') {
      // Fast DDS' instance handles are key hashes: the ones we compute are the same.
      const sent = await pub.waitForLines(/^sent seq=\d+ .* handle=([0-9a-f]{32})$/, 6);
      expect(samples.map((s) => s.keyHash)).toEqual(sent.map((m) => m[1]));
    }
    const dispose = instances.find((c) => c.status.disposed)!;
    expect(dispose.keyHash).toBe(keyedHash(0, 'key-0'));
    expect(dispose.writerGuid).toBe(samples[0].writerGuid);
    expect(refused.map((e) => e.reason)).toEqual([expect.stringMatching(/^topic kind: ours is NO_KEY, theirs is WITH_KEY/)]);
  });

  it('its keyed reader gets our samples per instance and our dispose', async () => {
    const p = await participant(domain, { peerIndexCount: 32 });
    const sub = await spawnPeer(vendor, 'keyed-sub', { domain, topic: TOPIC });
    const w = p.createWriter({ topic: TOPIC, typeName: KEYED_TYPE, key: KEYED_KEY, qos: { reliability: 'reliable', history: { kind: 'keep-last', depth: 10 } } });
    expect(await w.waitForMatch(1, 15_000)).toBe(true);
    await until(() => w.heardFrom(w.matchedReaders()[0]), 'the peer reader acknowledging us');
    for (let seq = 1; seq <= 6; seq++) w.write(keyedSample((seq - 1) % 3, `key-${(seq - 1) % 3}`, seq));
    // Both vendors hand samples out grouped by instance: compare in seq order.
    const got = await sub.waitForLines(/^sample id=(\d+) name=(\S+) seq=(\d+)/, 6);
    // Dispose once the samples were taken: a dispose of an instance that still holds unread
    // samples only changes their instance state, without a sample of its own.
    w.disposeInstance(keyedSample(0, 'key-0', 0));
    expect(got.map((m) => [Number(m[1]), m[2], Number(m[3])]).sort((a, b) => (a[2] as number) - (b[2] as number))).toEqual([1, 2, 3, 4, 5, 6].map((seq) => [(seq - 1) % 3, `key-${(seq - 1) % 3}`, seq]));
    if (vendor === 'fastdds-keyed') {
      const handles = await sub.waitForLines(/^sample id=(\d+) name=(\S+) seq=\d+ handle=([0-9a-f]{32})$/, 6);
      for (const m of handles) expect(m[3]).toBe(keyedHash(Number(m[1]), m[2]));
      await sub.waitForLine(new RegExp(`^instance handle=${keyedHash(0, 'key-0')} state=disposed$`));
    } else {
      await sub.waitForLine(/^instance id=0 name=key-0 state=disposed$/);
    }
    expect(await w.waitForAcknowledgments(5000)).toBe(true);
  });
}

describeWith(CYCLONE, 'keyed topics with Cyclone DDS', () => keyedSuite('cyclone-keyed', testDomain(205)));
describeWith(FASTDDS, 'keyed topics with Fast DDS', () => keyedSuite('fastdds-keyed', testDomain(206)));


describeWith(CYCLONE, 'keyed topics with ddsperf', () => {
  afterEach(closeAll);

  it("a reader on ddsperf's default KeyedSeq topic receives its samples, one key hash per key value", async () => {
    const domain = testDomain(207);
    const p = await participant(domain, { peerIndexCount: 32 });
    const r = p.createReader({ topic: 'DDSPerfRDataKS', typeName: 'KeyedSeq', key: KEYED_SEQ, qos: { reliability: 'reliable' } });
    const samples: Sample[] = [];
    r.on('sample', (s) => samples.push(s));
    const perf = spawn('ddsperf', ['-D', '10', '-n', '3', '-i', String(domain), 'pub', '50Hz'], { env: peerEnv(domain), stdio: 'ignore' });
    try {
      await until(() => samples.length >= 12, 'a dozen KeyedSeq samples', 10_000);
    } finally {
      perf.kill('SIGTERM');
    }
    const hashes = new Set(samples.map((s) => s.keyHash));
    expect([...hashes].sort()).toEqual([0, 1, 2].map((k) => `0000000${k}${'0'.repeat(24)}`));
  });
});
