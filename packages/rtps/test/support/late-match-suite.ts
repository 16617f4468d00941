// Interop: our volatile reader learns of a peer's writer only after the peer matched it (our
// incoming SEDP publications are held back). It must get every sample written since the peer
// matched it, and none of what the peer wrote before (run per vendor by interop-late-match).
import { expect, it } from 'vitest';
import type { Participant, Sample } from '../../src/index.js';
import { spawnPeer, type PeerVendor } from '../../../../test-support/peers/harness.js';
import { peerHooks } from './interop-suite.js';
import { participantHoldingPublications, readCdrString, until } from './loopback.js';

const STRING = 'std_msgs::msg::dds_::String_';

/** The n of `Hello World: n` payloads. */
function collectNumbers(p: Participant, topic: string): number[] {
  const r = p.createReader({ topic, typeName: STRING, qos: { reliability: 'reliable' } });
  const got: number[] = [];
  r.on('sample', (s: Sample) => got.push(Number(readCdrString(s.payload).replace(/^Hello World: (\d+).*$/, '$1'))));
  return got;
}

export function lateMatchSuite(vendor: PeerVendor, domain: number): void {
  peerHooks(vendor);

  it('a volatile reader that learns of the writer late gets what the peer wrote after matching it', async () => {
    const ours = await participantHoldingPublications(domain, { userData: 'enclave=/;', peerIndexCount: 32 });
    const got = collectNumbers(ours.p, 'rt/chatter');
    const talker = await spawnPeer(vendor, 'talker', { domain, count: 3, periodMs: 100, waitMatch: 1 });
    await talker.waitForLine(/^done sent=3$/, 15_000);
    expect(ours.dropped()).toBeGreaterThan(0);
    expect(got).toEqual([]);
    ours.release();
    await until(() => got.length >= 3, 'the three samples', 15_000);
    expect(got).toEqual([1, 2, 3]);
  });

  for (const durability of ['volatile', 'transient_local'] as const) {
    it(`a volatile reader matched late gets no sample the ${durability} peer wrote before matching it, and no hole after`, async () => {
      const talker = await spawnPeer(vendor, 'talker', { domain, count: 0, periodMs: 100, durability, depth: 10 });
      await talker.waitForLine(/^sent seq=3 /, 15_000);
      const ours = await participantHoldingPublications(domain, { userData: 'enclave=/;', peerIndexCount: 32 });
      // Everything sent so far predates the reader, so the peer cannot have matched it yet.
      const before = Math.max(...talker.matches(/^sent seq=(\d+) /).map((m) => Number(m[1])));
      const got = collectNumbers(ours.p, 'rt/chatter');
      await talker.waitForLine(/^matched pub 1 /, 15_000);
      ours.release();
      await until(() => got.length >= 5, 'five samples', 15_000);
      expect(got[0]).toBeGreaterThan(before);
      expect(got.slice(0, 5)).toEqual([0, 1, 2, 3, 4].map((i) => got[0] + i));
    });
  }
}
