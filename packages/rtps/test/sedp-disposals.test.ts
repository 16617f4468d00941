// When a participant's SEDP is read again after a dispose (sedp-disposals.ts), on an injected clock: a burst is read
// back once, a second later; one participant at most every 15 s; a protected dispose forgets keys instead; nothing for
// a dispose that removed nothing, or for a participant that left.
import { describe, expect, it } from 'vitest';
import { SedpDisposals } from '../src/sedp-disposals.js';
import type { EndpointMatcher } from '../src/endpoint-matching.js';
import type { RemoteParticipant } from '../src/remote-entities.js';

const P = '0102030405060708090a0b0c';
const guid = (n: number) => `${P}${n.toString(16).padStart(8, '0')}`;

function setup() {
  const reads: string[] = [];
  const securedGone: string[] = [];
  const present = new Set([P]);
  const removes = { result: true };
  const matcher = { onRemoteGone: () => removes.result, rereadSedp: (r: RemoteParticipant) => reads.push(r.prefixHex) } as unknown as EndpointMatcher;
  const d = new SedpDisposals({ remote: (h) => (present.has(h) ? ({ prefixHex: h } as RemoteParticipant) : undefined), matcher, securedGone: (g) => securedGone.push(g) });
  return { d, reads, securedGone, present, removes };
}

describe('SEDP read again after a clear dispose', () => {
  it('reads a burst back once, a second after its first dispose, then at most every 15 s', () => {
    const { d, reads } = setup();
    d.onDispose(guid(0x103), false, 0);
    d.onDispose(guid(0x203), false, 200);
    d.tick(999);
    expect(reads).toEqual([]);
    d.tick(1000);
    expect(reads).toEqual([P]);
    d.onDispose(guid(0x303), false, 2000);
    d.tick(10_000);
    expect(reads).toHaveLength(1);
    d.tick(16_000);
    expect(reads).toHaveLength(2);
    expect(d.rereadCount).toBe(2);
  });

  it('forgets the keys on a protected dispose and reads nothing; nothing for a dispose that removed nothing or a participant gone', () => {
    const { d, reads, securedGone, present, removes } = setup();
    d.onDispose(guid(0x103), true, 0);
    expect(securedGone).toEqual([guid(0x103)]);
    removes.result = false;
    d.onDispose(guid(0x203), false, 0);
    removes.result = true;
    d.tick(5000);
    expect(reads).toEqual([]);
    d.onDispose(guid(0x303), false, 6000);
    present.delete(P);
    d.tick(8000);
    expect(reads).toEqual([]);
    d.forget(P);
    d.tick(100_000);
    expect(reads).toEqual([]);
  });
});
