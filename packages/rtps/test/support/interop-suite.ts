// The interop test matrix, run against one vendor's peer (interop-cyclone / interop-fastdds).
// Peers come from the shared harness in test/peers; each suite has its own ROS domain.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Participant, ParticipantEvent, Sample } from '../../src/index.js';
import { VendorId } from '../../src/index.js';
import { buildPeer, killAllPeers, spawnPeer, type PeerVendor } from '../../../../test-support/peers/harness.js';
import { cdrString, closeAll, participant, readCdrString, until } from './loopback.js';

const STRING = 'std_msgs::msg::dds_::String_';

/** Builds the vendor's peer before the tests; kills peers and closes our participants after each. */
export function peerHooks(vendor: PeerVendor): void {
  beforeAll(async () => {
    await buildPeer(vendor);
  }, 300_000);
  afterEach(async () => {
    await killAllPeers();
    await closeAll();
  });
  afterAll(async () => {
    await killAllPeers();
  });
}

export function interopSuite(vendor: PeerVendor, domain: number, leaseSec: number): void {
  const vendorId = vendor === 'cyclone' ? VendorId.CYCLONE_DDS : VendorId.FAST_DDS;

  peerHooks(vendor);

  const ours = (): Promise<Participant> => participant(domain, { userData: 'enclave=/;', peerIndexCount: 32 });

  it('discovers the peer and its endpoints; receives its samples including a fragmented 256 KiB one', async () => {
    const p = await ours();
    const r = p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable' } });
    const got: Sample[] = [];
    r.on('sample', (s) => got.push(s));
    // And a reader lending its payloads (lendPayloads), in a participant of its own: it looks at each while its
    // listener runs.
    const lender = (await ours()).createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable' }, lendPayloads: true });
    const lent: boolean[] = [];
    lender.on('sample', (s) => lent.push(readCdrString(s.payload) === `Hello World: ${lent.length + 1}`.padEnd(256 * 1024, '.')));
    const talker = await spawnPeer(vendor, 'talker', { domain, count: 3, periodMs: 200, waitMatch: 2, size: 256 * 1024 });
    await until(() => p.participants().some((x) => x.guid === talker.guid), 'peer participant');
    const peer = p.participants().find((x) => x.guid === talker.guid)!;
    expect(peer.vendorId).toBe(vendorId);
    expect(peer.leaseDurationSec).toBe(leaseSec);
    expect(peer.userData.toString()).toMatch(/^enclave=\/;/);
    await until(() => p.endpoints().some((e) => e.topicName === 'rt/chatter' && e.kind === 'writer'), 'peer endpoints');
    const ep = p.endpoints().find((e) => e.topicName === 'rt/chatter' && e.kind === 'writer')!;
    expect(ep.typeName).toBe(STRING);
    expect(ep.userData.toString()).toMatch(/typehash=RIHS01_/);
    expect(p.endpoints().some((e) => e.topicName === 'ros_discovery_info')).toBe(true);
    await until(() => got.length === 3, 'three 256 KiB samples', 20_000);
    expect(got.map((s) => readCdrString(s.payload).slice(0, 14))).toEqual(['Hello World: 1', 'Hello World: 2', 'Hello World: 3']);
    for (const s of got) expect(s.payload.length).toBeGreaterThanOrEqual(256 * 1024);
    // Every byte: the fragments may have been received straight into the sample (fragment-placement.ts).
    got.forEach((s, i) => expect(readCdrString(s.payload) === `Hello World: ${i + 1}`.padEnd(256 * 1024, '.'), `sample ${i + 1} whole`).toBe(true));
    expect(got[0].writerGuid).toBe(ep.guid);
    // Whole while the listener ran (buffer reuse itself is shown on loopback: test/loopback-fragments.test.ts).
    await until(() => lent.length === 3, 'three lent samples', 20_000);
    expect(lent).toEqual([true, true, true]);
    // The peer's SEDP announcements and their repeats never disagree: its SEDP was not read again (sample-digests.ts).
    expect(p.disposeStats().sedpRereads ?? 0).toBe(0);
  });

  it('the peer hears our samples, reliable and best-effort', async () => {
    const p = await ours();
    const relListener = await spawnPeer(vendor, 'listener', { domain });
    const beListener = await spawnPeer(vendor, 'listener', { domain, topic: 'rt/chatter_be', reliability: 'best_effort' });
    const rel = p.createWriter({ topic: 'rt/chatter', typeName: STRING, userData: 'typehash=RIHS01_x;' });
    const be = p.createWriter({ topic: 'rt/chatter_be', typeName: STRING, qos: { reliability: 'best-effort' } });
    expect(await rel.waitForMatch(1, 15_000)).toBe(true);
    expect(await be.waitForMatch(1, 15_000)).toBe(true);
    await relListener.waitForLine(/^matched sub 1 /);
    await beListener.waitForLine(/^matched sub 1 /);
    for (let i = 1; i <= 5; i++) {
      rel.write(cdrString(`From TS: ${i}`));
      be.write(cdrString(`From TS BE: ${i}`));
      await new Promise((r) => setTimeout(r, 50));
    }
    const relHeard = await relListener.waitForLines(/^heard \d+ From TS: \d/, 5);
    expect(relHeard.map((m) => m[0].replace(/^heard \d+ /, ''))).toEqual([1, 2, 3, 4, 5].map((i) => `From TS: ${i}`));
    await beListener.waitForLines(/^heard \d+ From TS BE: \d/, 5);
    expect(await rel.waitForAcknowledgments(5000)).toBe(true);
  });

  it('a late-joining transient-local reader gets the peer writer\'s history', async () => {
    const talker = await spawnPeer(vendor, 'talker', { domain, count: 4, periodMs: 50, durability: 'transient_local', depth: 10 });
    await talker.waitForLine(/^done sent=4$/, 15_000);
    const p = await ours();
    const r = p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 10 } } });
    const got: string[] = [];
    r.on('sample', (s) => got.push(readCdrString(s.payload)));
    await until(() => got.length === 4, 'history', 15_000);
    expect(got).toEqual([1, 2, 3, 4].map((i) => `Hello World: ${i}`));
    // The peer's repeats of its samples (repairs, a DATA that crossed its HEARTBEAT) carry the same bytes: none is taken
    // for a forged sample (sample-digests.ts), so its history is not read again and nothing comes twice.
    await new Promise((res) => setTimeout(res, 1500));
    expect(r.samplesConflicting).toBe(0);
    expect(got).toHaveLength(4);
  });

  it('a stopped (SIGSTOP) peer whose lease ran out is seen again, with its endpoints and its history (issue 66)', async () => {
    // Its lease is clamped to 2 s on our side, so a stop of a few seconds expires it here (a stalled process or a
    // Wi-Fi blip on a robot); ours is as short, so on waking it may find us expired too, or hear our announcements
    // first. Its writer wrote 30 samples and then nothing (like ros_discovery_info): our new proxies must get its SEDP
    // and those samples again.
    const p = await participant(domain, { userData: 'enclave=/;', peerIndexCount: 32, leaseDurationSec: 2, admission: { maxLeaseSec: 2 } });
    const { got, talker, events } = await talkerWithHistory(p);
    talker.kill('SIGSTOP');
    await until(() => events.some((e) => e.type === 'removed' && e.participant.guid === talker.guid), 'lease expiry of the stopped peer', 15_000);
    expect(events.find((e) => e.type === 'removed')!.reason).toBe('lease-expired');
    await new Promise((res) => setTimeout(res, 3000));
    const removedAt = events.length;
    talker.kill('SIGCONT');
    await seenAgain(p, talker.guid, events, removedAt, got);
  }, 180_000);

  it('an idle peer stays past four of its leases: its answers to our probes confirm it (participant-liveness.ts)', async () => {
    // Its lease is clamped to 2 s on our side: from 1 s after its last echo our built-in writers ask it for an answer,
    // and it is removed if none echoes them within 3 s, whatever else arrives in its name. Our lease is long, so that
    // our own liveliness assertions (every 5 s then) leave the probes to do the asking.
    const p = await participant(domain, { userData: 'enclave=/;', peerIndexCount: 32, leaseDurationSec: 60, admission: { maxLeaseSec: 2 } });
    const events: ParticipantEvent[] = [];
    p.on('participant', (e) => events.push(e));
    const listener = await spawnPeer(vendor, 'listener', { domain, node: 'idle_listener' });
    await until(() => p.participants().some((x) => x.guid === listener.guid), 'the peer');
    // Four of its leases, counted by our probes (one a second at most, from 1 s after its last answer), not timed.
    const gone = () => events.some((e) => e.type === 'removed');
    await until(() => gone() || p.participantStats().livenessProbes! >= 4, 'four probes answered', 20_000);
    expect(events.filter((e) => e.type === 'removed')).toEqual([]);
    expect(p.participantStats()).toMatchObject({ expiredUnconfirmed: 0 });
    expect(p.participantStats().livenessProbes).toBeGreaterThan(0);
  }, 60_000);

  it('a peer we took for gone that kept its proxies of us (all acknowledged) sends its endpoints and history again (issue 66)', async () => {
    // What a stall (or a one-way loss) leaves when only our side's lease ran out: the peer's writers think our readers
    // have it all, and only our new proxies' asks can make them send it again (preempt-asks.ts: base 0 to Fast DDS).
    const p = await participant(domain, { userData: 'enclave=/;', peerIndexCount: 32, leaseDurationSec: 60 });
    const { got, talker, events } = await talkerWithHistory(p);
    const removedAt = events.length;
    (p as unknown as { removeParticipant(prefix: string, reason: string): void }).removeParticipant(talker.guid.slice(0, 24), 'lease-expired');
    expect(events.slice(removedAt).some((e) => e.type === 'removed' && e.participant.guid === talker.guid)).toBe(true);
    await seenAgain(p, talker.guid, events, removedAt, got);
  }, 180_000);

  /** A reader of a Fast DDS or Cyclone talker's 30 kept samples, with all 30 received. */
  async function talkerWithHistory(p: Participant) {
    const r = p.createReader({ topic: 'rt/chatter', typeName: STRING, qos: { reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 50 } } });
    const got = { n: 0, reader: r };
    r.on('sample', () => got.n++);
    const events: ParticipantEvent[] = [];
    p.on('participant', (e) => events.push(e));
    const talker = await spawnPeer(vendor, 'talker', { domain, count: 30, periodMs: 30, durability: 'transient_local', depth: 50 });
    await talker.waitForLine(/^done/, 20_000);
    await until(() => got.n >= 30, 'the 30 samples', 20_000);
    return { got, talker, events };
  }

  /** The talker announced again after `removedAt`, its endpoints known again and its 30 samples received again. */
  async function seenAgain(p: Participant, guid: string, events: ParticipantEvent[], removedAt: number, got: { n: number; reader: { matchedWriters(): unknown[] } }): Promise<void> {
    await until(() => events.slice(removedAt).some((e) => e.type === 'added' && e.participant.guid === guid), 'the peer announced again', 30_000);
    // Deadlines, not timings: under a loaded test run a woken peer may miss our first asks, and we ask again every
    // 1 s for 8 s, then after 2, 4, 8, 16 s (preempt-asks.ts); a quiet box takes a fraction of a second.
    await until(() => p.endpoints().some((e) => e.topicName === 'rt/chatter' && e.kind === 'writer'), 'its endpoints again', 45_000);
    await until(() => got.n >= 60, 'its history again', 45_000);
    expect(got.reader.matchedWriters().length).toBe(1);
  }

  it('a peer stopped with SIGTERM disappears at once (dispose); one killed with SIGKILL after its lease', async () => {
    const p = await ours();
    const events: ParticipantEvent[] = [];
    p.on('participant', (e) => events.push(e));
    const a = await spawnPeer(vendor, 'listener', { domain });
    const b = await spawnPeer(vendor, 'listener', { domain, node: 'listener_b' });
    await until(() => p.participants().some((x) => x.guid === a.guid) && p.participants().some((x) => x.guid === b.guid), 'both peers');
    const removed = (guid: string) => events.find((e) => e.type === 'removed' && e.participant.guid === guid);
    await a.stop();
    await until(() => removed(a.guid) !== undefined, 'dispose of the SIGTERM peer', 3000);
    expect(removed(a.guid)!.reason).toBe('disposed');
    b.kill('SIGKILL');
    await until(() => removed(b.guid) !== undefined, 'lease expiry of the SIGKILL peer', (leaseSec + 5) * 1000);
    expect(removed(b.guid)!.reason).toBe('lease-expired');
  }, (leaseSec + 30) * 1000);
}
