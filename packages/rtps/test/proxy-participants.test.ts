// The remote-participant table's flood defences, without a network: lease clamp, eviction order
// (least proven, oldest first; proven participants never evicted by newcomers), per-source rate
// limit, and the pressure flag.
import { describe, expect, it } from 'vitest';
import type { ParticipantData } from '../src/discovery-spdp-data.js';
import { leaseMs } from '../src/lease.js';
import { udpv4 } from '../src/locator.js';
import { DEFAULT_ADMISSION, resolveAdmission, type AdmissionLimits } from '../src/participant-options.js';
import { ProofFlag, ProxyParticipants } from '../src/proxy-participants.js';
import { SourceRateLimiter } from '../src/source-rate-limiter.js';
import { FIRST_SN_MAX, FIRST_SN_MIN, PROBE_INTERVAL_MS, randomFirstSn, ReachabilityProof } from '../src/reachability-proof.js';

const HUGE = 0x7fffffff;

function data(n: number, leaseDurationSec = 20): ParticipantData {
  const loc = udpv4('127.0.0.1', 7410 + n);
  return {
    guidPrefix: n.toString(16).padStart(24, '0'),
    vendorId: 0x0110,
    protocolVersion: { major: 2, minor: 3 },
    leaseDurationSec,
    builtinEndpoints: 0x0c3f,
    defaultUnicastLocators: [loc],
    defaultMulticastLocators: [],
    metatrafficUnicastLocators: [loc],
    metatrafficMulticastLocators: [],
    userData: Buffer.alloc(0),
    properties: {},
  };
}

function table(maxParticipants: number, admission: Partial<AdmissionLimits> = {}): ProxyParticipants {
  return new ProxyParticipants({ localhostOnly: true, maxParticipants, admission: resolveAdmission(admission) });
}

const prefixes = (t: ProxyParticipants) => [...t.values()].map((r) => parseInt(r.prefixHex, 16)).sort((a, b) => a - b);

describe('lease clamp', () => {
  it('cuts an announced lease of 0x7fffffff s to maxLeaseSec and counts it', () => {
    const t = table(8, { maxLeaseSec: 300 });
    const a = t.admit(data(1, HUGE), Buffer.alloc(0), 0);
    expect(a.kind).toBe('added');
    expect(t.get(data(1).guidPrefix)!.leaseMs).toBe(300_000);
    t.admit(data(2, 10), Buffer.alloc(0), 0);
    expect(t.get(data(2).guidPrefix)!.leaseMs).toBe(10_000);
    expect(t.stats(0).leasesClamped).toBe(1);
  });

  it('a clamped participant expires after the clamped lease, not the announced one', () => {
    const t = table(8, { maxLeaseSec: 3 });
    t.admit(data(1, HUGE), Buffer.alloc(0), 1000);
    expect(t.expired(1000 + 3000)).toEqual([]);
    expect(t.expired(1000 + 3001)).toEqual([data(1).guidPrefix]);
    expect(t.stats(5000).expired).toBe(1);
  });

  it('leaseMs clamps infinite, NaN, negative and huge values into 1 s .. max', () => {
    expect(leaseMs(HUGE, 300)).toBe(300_000);
    expect(leaseMs(Infinity, 300)).toBe(300_000);
    expect(leaseMs(NaN, 300)).toBe(300_000);
    expect(leaseMs(-5, 300)).toBe(1000);
    expect(leaseMs(HUGE)).toBe(86_400_000);
    expect(leaseMs(HUGE, 1e12)).toBe(86_400_000);
  });

  it('a re-announcement that changes the lease is clamped too', () => {
    const t = table(8, { maxLeaseSec: 60 });
    t.admit(data(1, 10), Buffer.from([1]), 0);
    const a = t.admit(data(1, HUGE), Buffer.from([2]), 0);
    expect(a.kind).toBe('changed');
    expect(t.get(data(1).guidPrefix)!.leaseMs).toBe(60_000);
  });
});

describe('eviction order when the table is full', () => {
  it('a newcomer evicts the oldest participant that proved nothing, never a proven one', () => {
    const t = table(4);
    for (let n = 1; n <= 4; n++) t.admit(data(n), Buffer.alloc(0), n);
    t.prove(data(1).guidPrefix, ProofFlag.SEDP);
    t.prove(data(3).guidPrefix, ProofFlag.LIVELINESS);
    const a = t.admit(data(5), Buffer.alloc(0), 10);
    expect(a.kind).toBe('added');
    // 2 is the oldest unproven (1 is older but proved SEDP).
    expect(a.kind === 'added' && a.evicted?.prefixHex).toBe(data(2).guidPrefix);
    expect(prefixes(t)).toEqual([1, 3, 4, 5]);
    const b = t.admit(data(6), Buffer.alloc(0), 11);
    expect(b.kind === 'added' && b.evicted?.prefixHex).toBe(data(4).guidPrefix);
    expect(prefixes(t)).toEqual([1, 3, 5, 6]);
    expect(t.size).toBe(4);
    const s = t.stats(11);
    expect(s).toMatchObject({ tracked: 4, capacity: 4, proven: 2, admitted: 6, evicted: 2, dropped: 0 });
  });

  it('drops the newcomer when every seat is held by a proven participant', () => {
    const t = table(3);
    for (let n = 1; n <= 3; n++) {
      t.admit(data(n), Buffer.alloc(0), n);
      t.prove(data(n).guidPrefix, n === 2 ? ProofFlag.LIVELINESS : ProofFlag.SEDP);
    }
    const a = t.admit(data(9), Buffer.alloc(0), 10);
    expect(a).toEqual({ kind: 'refused', reason: 'full' });
    expect(prefixes(t)).toEqual([1, 2, 3]);
    expect(t.stats(10)).toMatchObject({ tracked: 3, proven: 3, dropped: 1, evicted: 0 });
  });

  it('a known participant re-announcing is never refused or evicted, even when full', () => {
    const t = table(2);
    t.admit(data(1), Buffer.from([1]), 0);
    t.admit(data(2), Buffer.from([1]), 0);
    expect(t.admit(data(1, 30), Buffer.from([2]), 1).kind).toBe('changed');
    expect(prefixes(t)).toEqual([1, 2]);
  });

  it('a proven participant that leaves frees its seat; removal keeps the eviction order consistent', () => {
    const t = table(2);
    t.admit(data(1), Buffer.alloc(0), 0);
    t.admit(data(2), Buffer.alloc(0), 0);
    t.prove(data(1).guidPrefix, ProofFlag.SEDP);
    t.remove(data(2).guidPrefix);
    t.admit(data(3), Buffer.alloc(0), 1);
    const a = t.admit(data(4), Buffer.alloc(0), 2);
    expect(a.kind === 'added' && a.evicted?.prefixHex).toBe(data(3).guidPrefix);
    expect(prefixes(t)).toEqual([1, 4]);
  });

  it('5,000 spoofed newcomers never push the table past its cap nor evict the proven ones', () => {
    const t = table(64, { newPerSourceBurst: 1_000_000 });
    for (let n = 1; n <= 8; n++) {
      t.admit(data(n), Buffer.alloc(0), 0);
      t.prove(data(n).guidPrefix, ProofFlag.SEDP | ProofFlag.LIVELINESS);
    }
    for (let n = 100; n < 5100; n++) {
      t.admit(data(n, HUGE), Buffer.alloc(0), 1, '127.0.0.2');
      expect(t.size).toBeLessThanOrEqual(64);
    }
    expect(prefixes(t).slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The newest fakes hold the free seats: the oldest were evicted first.
    expect(prefixes(t).slice(8)).toEqual(Array.from({ length: 56 }, (_, i) => 5100 - 56 + i));
    expect(t.stats(1)).toMatchObject({ tracked: 64, proven: 8, evicted: 5000 - 56, underPressure: true });
  });
});

describe('per-source rate limit of newcomers', () => {
  it('admits a burst per source, then the sustained rate; other sources are not affected', () => {
    const t = table(1000, { newPerSourceBurst: 5, newPerSourcePerSec: 2 });
    let n = 1;
    const from = (src: string, now: number) => t.admit(data(n++), Buffer.alloc(0), now, src).kind;
    for (let i = 0; i < 5; i++) expect(from('127.0.0.2', 0)).toBe('added');
    expect(from('127.0.0.2', 0)).toBe('refused');
    expect(from('127.0.0.3', 0)).toBe('added');
    // 2 per second: one more token after 500 ms.
    expect(from('127.0.0.2', 499)).toBe('refused');
    expect(from('127.0.0.2', 500)).toBe('added');
    expect(from('127.0.0.2', 500)).toBe('refused');
    expect(t.stats(500)).toMatchObject({ rateLimited: 3, admitted: 7, trackedSources: 2, underPressure: true });
    // The pressure flag falls once nothing was refused for pressureHoldMs and the table is not full.
    expect(t.stats(500 + DEFAULT_ADMISSION.pressureHoldMs).underPressure).toBe(false);
  });

  it('tracks at most maxSources addresses (the oldest is forgotten)', () => {
    const r = new SourceRateLimiter({ perSec: 1, burst: 1, maxSources: 3 });
    for (let i = 0; i < 100; i++) r.take(`127.0.1.${i}`, 0);
    expect(r.size).toBe(3);
    expect(r.take('127.0.1.99', 0)).toBe(false);
    expect(r.take('127.0.1.0', 0)).toBe(true);
  });

  it('bad option values are forced into range', () => {
    const a = resolveAdmission({ maxLeaseSec: -1, newPerSourcePerSec: NaN, newPerSourceBurst: 0, maxTrackedSources: 1e12, pressureRatio: 7 });
    expect(a).toMatchObject({ maxLeaseSec: 1, newPerSourcePerSec: DEFAULT_ADMISSION.newPerSourcePerSec, newPerSourceBurst: 1, maxTrackedSources: 1_000_000, pressureRatio: 1 });
  });
});

describe('probation (our built-in writers wait for a proof)', () => {
  it('newcomers past maxUnprovenLinked are on probation; a proof takes them off it', () => {
    const t = table(100, { maxUnprovenLinked: 2 });
    for (let n = 1; n <= 4; n++) t.admit(data(n), Buffer.alloc(0), 0);
    const on = () => [...t.values()].filter((r) => r.probation).map((r) => parseInt(r.prefixHex, 16));
    expect(on()).toEqual([3, 4]);
    expect(t.prove(data(1).guidPrefix, ProofFlag.SEDP)).toBeUndefined();
    expect(t.prove(data(3).guidPrefix, ProofFlag.RESPONDED)?.prefixHex).toBe(data(3).guidPrefix);
    expect(on()).toEqual([4]);
    // 1 proved, so one unproven seat is free again: the next newcomer is linked at once.
    t.admit(data(5), Buffer.alloc(0), 0);
    expect(on()).toEqual([4]);
    expect(t.stats(0)).toMatchObject({ proven: 2, onProbation: 1 });
  });

  it('under pressure every unproven participant goes on probation, and comes off it (oldest first, up to the cap) when the pressure is gone', () => {
    const t = table(10, { maxUnprovenLinked: 3, pressureRatio: 0.8, pressureHoldMs: 1000 });
    for (let n = 1; n <= 5; n++) t.admit(data(n), Buffer.alloc(0), 0);
    t.prove(data(5).guidPrefix, ProofFlag.LIVELINESS);
    expect(t.probate(0)).toEqual([]);
    for (let n = 6; n <= 8; n++) t.admit(data(n), Buffer.alloc(0), 0);
    expect(t.probate(0).map((r) => parseInt(r.prefixHex, 16))).toEqual([1, 2, 3]);
    expect(t.stats(0).onProbation).toBe(7);
    expect(t.release(0)).toEqual([]);
    t.remove(data(8).guidPrefix);
    t.remove(data(7).guidPrefix);
    expect(t.stats(0).underPressure).toBe(false);
    expect(t.release(0).map((r) => parseInt(r.prefixHex, 16))).toEqual([1, 2, 3]);
    expect(t.release(0)).toEqual([]);
    expect(t.stats(0).onProbation).toBe(2);
  });
});

describe('pressure', () => {
  it('is on while the table is at pressureRatio of its cap', () => {
    const t = table(10, { pressureRatio: 0.5 });
    for (let n = 1; n <= 4; n++) t.admit(data(n), Buffer.alloc(0), 0);
    expect(t.stats(0).underPressure).toBe(false);
    t.admit(data(5), Buffer.alloc(0), 0);
    expect(t.stats(0).underPressure).toBe(true);
  });
});

describe('proof by echo (issue 66, reachability-proof.ts)', () => {
  const PUB = 0x3c2;
  const make = (first = 5000, last = 5020) => new ReachabilityProof(first, (id) => (id === PUB ? last : undefined));

  it('an ACKNACK base within what our built-in writer wrote proves; base 1 (pre-emptive, blind) or another writer does not', () => {
    const p = make();
    expect(p.proves('a', PUB, 1)).toBe(false);
    expect(p.proves('a', PUB, 0)).toBe(false);
    expect(p.proves('a', 0x102, 5000)).toBe(false); // a user writer: SNs from 1, no echo
    expect(p.proves('a', PUB, 5000)).toBe(true);
    expect(p.proves('b', PUB, 5021)).toBe(true); // acknowledged everything
  });

  it('a wrong guess bars the participant from proving itself by echo until it leaves the table', () => {
    const p = make();
    expect(p.proves('c', PUB, 2 ** 40)).toBe(false);
    expect(p.proves('c', PUB, 5000)).toBe(false);
    expect(p.proves('d', PUB, 4999)).toBe(false);
    p.forget('d');
    expect(p.proves('d', PUB, 5001)).toBe(true);
  });

  it('under DDS-Security (first SN 1) the handshake proves, and any answer counts as before; nothing is probed', () => {
    const p = make(1, 20);
    expect(p.byHandshake).toBe(true);
    expect(p.proves('e', PUB, 1)).toBe(true);
    expect(p.probeDue('e', 0)).toBe(false);
  });

  it('a participant on probation is probed at most once a PROBE_INTERVAL_MS; the start SN lies in [2^12, 2^16)', () => {
    const p = make();
    expect(p.probeDue('f', 0)).toBe(true);
    expect(p.probeDue('f', PROBE_INTERVAL_MS - 1)).toBe(false);
    expect(p.probeDue('f', PROBE_INTERVAL_MS)).toBe(true);
    for (let i = 0; i < 100; i++) {
      const r = randomFirstSn();
      expect(r >= FIRST_SN_MIN && r < FIRST_SN_MAX).toBe(true);
    }
  });
});

describe('periodic announcements under pressure (issue 66: not a reflector)', () => {
  it('go to proven participants only while the table is under pressure; to every one otherwise', () => {
    const t = table(4);
    for (let n = 1; n <= 4; n++) t.admit(data(n), Buffer.from([n]), 0);
    t.prove(data(2).guidPrefix, ProofFlag.RESPONDED);
    expect(t.stats(0).underPressure).toBe(true);
    expect(t.metaLocators(0).map((l) => l.port)).toEqual([7412]);
    expect(t.metaLocators().map((l) => l.port).sort()).toEqual([7411, 7412, 7413, 7414]);
  });
});
