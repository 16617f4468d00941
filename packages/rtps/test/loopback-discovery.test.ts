// Two of our participants over real UDP on 127.0.0.1: SPDP/SEDP discovery, user data,
// endpoint removal, dispose on close, lease expiry of a participant that stops sending.
import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointEvent, ParticipantEvent } from '../src/index.js';
import { VendorId } from '../src/index.js';
import { stuckSince } from '../src/stuck-streams.js';
import { encodeEndpointData } from '../src/discovery-sedp-data.js';
import { wireDefaultQos } from '../src/qos.js';
import { closeAll, participant, until } from './support/loopback.js';
import { testDomain } from '../../../test-support/domains.js';
import { acknack, data, ENTITY, header, infoTs, parameterList, Bytes, SM, sn, spdpDatagram, submessageIds } from '../../../test-support/rtps-fuzz/datagrams.js';
import { FakePeer, fakePrefix } from '../../../test-support/rtps-fuzz/fake-peer.js';

const DOMAIN = testDomain(0);
afterEach(closeAll);

describe('discovery between two participants on loopback', () => {
  it('finds each other with vendor, lease, user data, locators, and each other\'s endpoints', async () => {
    const a = await participant(DOMAIN, { userData: 'enclave=/;', leaseDurationSec: 15 });
    const b = await participant(DOMAIN, { userData: 'enclave=/;' });
    expect(b.participantIndex).not.toBe(a.participantIndex);
    const w = a.createWriter({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', userData: 'typehash=RIHS01_abc;', qos: { history: { kind: 'keep-last', depth: 7 } } });
    const r = b.createReader({ topic: 'rt/chatter', typeName: 'std_msgs::msg::dds_::String_', qos: { reliability: 'reliable' } });
    await until(() => b.participants().length === 1 && b.endpoints().some((e) => e.topicName === 'rt/chatter'), 'discovery');
    const seen = b.participants()[0];
    expect(seen.guidPrefix).toBe(a.guidPrefix);
    expect(seen.vendorId).toBe(VendorId.MEDKIT);
    expect(seen.leaseDurationSec).toBe(15);
    expect(seen.userData.toString()).toBe('enclave=/;');
    expect(seen.metatrafficUnicastLocators[0]).toEqual({ kind: 1, address: '127.0.0.1', port: 7400 + 250 * DOMAIN + 10 + 2 * a.participantIndex });
    const ep = b.endpoints().find((e) => e.topicName === 'rt/chatter')!;
    expect(ep).toMatchObject({ kind: 'writer', guid: w.guid, typeName: 'std_msgs::msg::dds_::String_' });
    expect(ep.userData.toString()).toBe('typehash=RIHS01_abc;');
    expect(ep.qos.history).toEqual({ kind: 'keep-last', depth: 7 });
    await until(() => w.matchedReaders().includes(r.guid) && r.matchedWriters().includes(w.guid), 'match');
  });

  it('a closed writer is removed on the other side (SEDP dispose) and the reader unmatches', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/x', typeName: 'T' });
    const r = b.createReader({ topic: 'rt/x', typeName: 'T' });
    expect(await r.waitForMatch(1, 10_000)).toBe(true);
    const events: EndpointEvent[] = [];
    b.on('endpoint', (e) => events.push(e));
    let unmatched = 0;
    r.on('unmatched', () => unmatched++);
    w.close();
    await until(() => events.some((e) => e.type === 'removed' && e.endpoint.guid === w.guid), 'endpoint removed');
    expect(unmatched).toBe(1);
    expect(b.endpoints().find((e) => e.guid === w.guid)).toBeUndefined();
    expect(b.participants()).toHaveLength(1);
  });

  it('close() disposes: the peer drops us at once, with our endpoints', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN, { leaseDurationSec: 60 });
    b.createWriter({ topic: 'rt/y', typeName: 'T' });
    await until(() => a.endpoints().some((e) => e.topicName === 'rt/y'), 'endpoint seen');
    const events: ParticipantEvent[] = [];
    a.on('participant', (e) => events.push(e));
    await b.close();
    // Believed once b answers nothing to our probe (participant-leave.ts): 1.5 s.
    await until(() => events.some((e) => e.type === 'removed'), 'participant removed', 5000);
    expect(events.find((e) => e.type === 'removed')!.reason).toBe('disposed');
    expect(a.disposeStats()).toMatchObject({ confirmed: 1, refuted: 0, foreign: 0 });
    expect(a.participants()).toHaveLength(0);
    expect(a.endpoints()).toHaveLength(0);
  });

  it('a participant that stops sending without dispose expires after its lease', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN, { leaseDurationSec: 1.5 });
    await until(() => a.participants().length === 1, 'discovery');
    const events: ParticipantEvent[] = [];
    a.on('participant', (e) => events.push(e));
    b.crash();
    await until(() => events.some((e) => e.type === 'removed'), 'lease expiry', 8000);
    expect(events.find((e) => e.type === 'removed')!.reason).toBe('lease-expired');
  });

  it('a crashed participant goes at its lease although datagrams in its name keep coming; a live idle one stays through forged echoes and announcements in its name', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN, { leaseDurationSec: 2 });
    const c = await participant(DOMAIN, { leaseDurationSec: 2 });
    await until(() => a.participants().length === 2, 'discovery');
    // b and c proved themselves to a (an echo of a's random first SN) before the attack starts.
    await until(() => a.participantStats().proven === 2, 'b and c proven');
    const events: ParticipantEvent[] = [];
    a.on('participant', (e) => events.push(e));
    const attacker = await FakePeer.open();
    const port = a.locators.metatrafficUnicast[0].port;
    let count = 1;
    // A bare header with an INFO_TS in b's name (before participant-liveness.ts it renewed b's lease for good), and an
    // ACKNACK in c's name that names an SN a's SEDP writer never wrote (it used to bar c from proving by echo).
    // Announcements of both at the attacker's address with a 300 s lease: neither is taken, as both proved themselves.
    const keepAlive = () => infoTs(header(new Bytes(), b.prefix), 0, 0).done();
    const moved = (prefix: Buffer) => spdpDatagram(prefix, DOMAIN, attacker.port, 300);
    const where = () => a.participants().find((p) => p.guidPrefix === c.guidPrefix)!.metatrafficUnicastLocators;
    const before = where();
    const wrongEcho = () => acknack(header(new Bytes(), c.prefix), { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, base: sn(7n), numBits: 0, words: [], count: count++ }).done();
    b.crash();
    const timer = setInterval(() => {
      void attacker.send(keepAlive(), port);
      void attacker.send(wrongEcho(), port);
      void attacker.send(moved(b.prefix), port);
      void attacker.send(moved(c.prefix), port);
    }, 200);
    try {
      await until(() => events.some((e) => e.type === 'removed'), 'b removed', 15_000);
      expect(events.filter((e) => e.type === 'removed').map((e) => [e.participant.guidPrefix, e.reason])).toEqual([[b.guidPrefix, 'lease-expired']]);
      expect(a.participantStats()).toMatchObject({ expiredUnconfirmed: 1 });
      // c, idle but alive, answers a's probes: it stays past 1.5 of its leases (its own liveliness assertions, every
      // third of a lease, count them), wrong echoes in its name or not.
      const asserted = () => a.participants().find((p) => p.guidPrefix === c.guidPrefix)?.livelinessAsserted.plain;
      const assertedBefore = asserted()!;
      await until(() => asserted() === undefined || asserted()! - assertedBefore >= 6, 'six more of c\'s liveliness assertions (two of its leases)', 15_000);
      // The announcements in b's name after it went make a newcomer at the attacker's address, which never echoes:
      // no endpoints, not proven, and gone within 45 s (participant-liveness.ts), however long the lease it claims.
      expect(a.participants().find((p) => p.guidPrefix === c.guidPrefix)).toBeDefined();
      expect(a.participantStats().proven).toBe(1);
      expect(a.endpoints().filter((e) => e.participantGuidPrefix === b.guidPrefix)).toEqual([]);
      const stats = a.participantStats();
      expect(stats.wrongEchoes).toBeGreaterThan(10);
      expect(stats.livenessProbes).toBeGreaterThan(2);
      expect(stats.expiredUnconfirmed).toBe(1);
      expect(stats.changesHeld).toBeGreaterThan(10);
      expect(where()).toEqual(before);
      expect(a.participants().find((p) => p.guidPrefix === c.guidPrefix)!.leaseDurationSec).toBe(2);
    } finally {
      clearInterval(timer);
      attacker.close();
    }
  }, 30_000);

  it('a participant cut off past its lease and back is seen again, with its endpoints and its data (issue 66)', async () => {
    // b's own view of a outlives the cut (a's lease is long), so b keeps its proxies of a's readers: a's new
    // proxies' ACKNACK counts must still be heard (reader count floor, writer count gate).
    let cut = false;
    const a = await participant(DOMAIN, { leaseDurationSec: 60 });
    const b = await participant(DOMAIN, { leaseDurationSec: 1.5, packetFilter: { incoming: () => !cut, outgoing: () => !cut } });
    const w = b.createWriter({ topic: 'rt/pulse', typeName: 'T', qos: { reliability: 'reliable' } });
    const r = a.createReader({ topic: 'rt/pulse', typeName: 'T', qos: { reliability: 'reliable' } });
    let got = 0;
    r.on('sample', () => got++);
    const timer = setInterval(() => w.write(Buffer.from([0, 1, 0, 0, 7, 0, 0, 0])), 50);
    try {
      await until(() => got >= 5, 'samples before the cut');
      const events: ParticipantEvent[] = [];
      a.on('participant', (e) => events.push(e));
      cut = true;
      await until(() => events.some((e) => e.type === 'removed' && e.reason === 'lease-expired'), 'lease expiry', 10_000);
      cut = false;
      await until(() => events.some((e) => e.type === 'added'), 'b announced again', 10_000);
      const before = got;
      await until(() => got >= before + 10, 'b\'s samples again', 10_000);
      expect(a.endpoints().some((e) => e.guid === w.guid)).toBe(true);
    } finally {
      clearInterval(timer);
    }
  });

  it('a forged SPDP dispose changes nothing: not in another participant\'s name, not in its own name while it lives (issue 66)', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN, { leaseDurationSec: 60 });
    b.createWriter({ topic: 'rt/z', typeName: 'T' });
    await until(() => a.endpoints().some((e) => e.topicName === 'rt/z'), 'endpoint seen');
    const events: ParticipantEvent[] = [];
    a.on('participant', (e) => events.push(e));
    const attacker = await FakePeer.open();
    try {
      const keyHash = Buffer.from(b.guid, 'hex');
      const inlineQos = parameterList([
        [0x0070, keyHash],
        [0x0071, Buffer.from([0, 0, 0, 3])],
      ]);
      const dispose = (prefix: Buffer) => {
        const d = header(new Bytes(), prefix);
        data(d, { readerId: ENTITY.SPDP_READER, writerId: ENTITY.SPDP_WRITER, sn: { high: 0, low: 99 }, inlineQos, key: true, payload: Buffer.concat([Buffer.from([0, 3, 0, 0]), keyHash]) });
        return d.done();
      };
      const port = a.locators.metatrafficUnicast[0].port;
      // From the attacker's own prefix, naming b: ignored at once.
      await attacker.send(dispose(fakePrefix()), port);
      await until(() => a.disposeStats().foreign === 1, 'the foreign dispose counted');
      // In b's own name, from the attacker's socket: b answers our probe, so it stays.
      await attacker.send(dispose(b.prefix), port);
      await until(() => a.disposeStats().refuted === 1, 'the dispose refuted by b\'s answer', 5000);
      // A refuted dispose is no longer pending (participant-leave.ts): nothing can remove b for it later.
      expect(events.filter((e) => e.type === 'removed')).toEqual([]);
      expect(a.participants().map((p) => p.guidPrefix)).toEqual([b.guidPrefix]);
      expect(a.endpoints().some((e) => e.topicName === 'rt/z')).toBe(true);
    } finally {
      attacker.close();
    }
  });

  it('a forged SEDP dispose of a live writer, at the SN the writer uses next, costs at most a moment: the writer and the one announced next at that SN are both seen', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN, { leaseDurationSec: 60 });
    const w = b.createWriter({ topic: 'rt/victim', typeName: 'T', qos: { reliability: 'reliable' } });
    const r = a.createReader({ topic: 'rt/victim', typeName: 'T', qos: { reliability: 'reliable' } });
    expect(await r.waitForMatch(1, 10_000)).toBe(true);
    const attacker = await FakePeer.open();
    try {
      // The forged dispose takes the SN b's next announcement will carry, from the attacker's socket in b's name. (b
      // starts its SEDP SNs at a random number; Fast DDS and Cyclone DDS start at 1, and anyone b announces itself to
      // reads them.)
      const next = (b as unknown as { sedp: { plainWriter(id: number): { history: { lastSN: number } } } }).sedp.plainWriter(ENTITY.PUB_WRITER).history.lastSN + 1;
      const keyHash = Buffer.from(w.guid, 'hex');
      const inlineQos = parameterList([
        [0x0070, keyHash],
        [0x0071, Buffer.from([0, 0, 0, 3])],
      ]);
      const d = header(new Bytes(), b.prefix);
      data(d, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: { high: Math.floor(next / 2 ** 32), low: next >>> 0 }, inlineQos, key: true, payload: Buffer.concat([Buffer.from([0, 3, 0, 0]), keyHash]) });
      await attacker.send(d.done(), a.locators.metatrafficUnicast[0].port);
      await until(() => !a.endpoints().some((e) => e.guid === w.guid), 'the forged dispose taken (before the fix: for good)', 5000);
      // b's next writer is announced under that SN: a must not take it for the forged change it already has.
      const w2 = b.createWriter({ topic: 'rt/next', typeName: 'T' });
      await until(() => a.endpoints().some((e) => e.guid === w2.guid), 'b\'s next writer seen by a', 15_000);
      await until(() => a.endpoints().some((e) => e.guid === w.guid) && r.matchedWriters().includes(w.guid), 'b\'s writer seen and matched again', 15_000);
      let got = 0;
      r.on('sample', () => got++);
      const timer = setInterval(() => w.write(Buffer.from([0, 1, 0, 0, 7, 0, 0, 0])), 50);
      try {
        await until(() => got > 0, 'b\'s samples after the forged dispose', 10_000);
      } finally {
        clearInterval(timer);
      }
      const rereads = a.disposeStats().sedpRereads ?? 0;
      expect(rereads).toBeGreaterThanOrEqual(1);
      // A real dispose stays: b closes its writer, a reads b's SEDP again (b's own dispose, or nothing) and it is gone.
      w.close();
      await until(() => !a.endpoints().some((e) => e.guid === w.guid), 'b\'s closed writer gone', 10_000);
      await until(() => (a.disposeStats().sedpRereads ?? 0) > rereads, 'b\'s SEDP read again after the real dispose', 20_000);
      // A writer b announces after that read is seen only once a has taken in b's SEDP up to it, the dispose included.
      const w3 = b.createWriter({ topic: 'rt/after', typeName: 'T' });
      await until(() => a.endpoints().some((e) => e.guid === w3.guid), 'b\'s writer announced after the read', 10_000);
      expect(a.endpoints().some((e) => e.guid === w.guid)).toBe(false);
      expect(a.endpoints().some((e) => e.guid === w2.guid)).toBe(true);
    } finally {
      attacker.close();
    }
  }, 60_000);

  it("a forged SEDP announcement at the SN the node uses next does not cost the node's next real announcement: the two disagree and the node's SEDP is read again", async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN, { leaseDurationSec: 60 });
    b.createWriter({ topic: 'rt/first', typeName: 'T' });
    await until(() => a.endpoints().some((e) => e.topicName === 'rt/first'), "b's first writer seen");
    const attacker = await FakePeer.open();
    try {
      const next = (b as unknown as { sedp: { plainWriter(id: number): { history: { lastSN: number } } } }).sedp.plainWriter(ENTITY.PUB_WRITER).history.lastSN + 1;
      // A made-up writer of b's, announced in b's name at that SN from the attacker's socket.
      const fake = `${b.guidPrefix}00abcd02`;
      const payload = encodeEndpointData({ kind: 'writer', guid: fake, participantGuidPrefix: b.guidPrefix, topicName: 'rt/made_up', typeName: 'T', qos: wireDefaultQos(true), userData: Buffer.alloc(0), unicastLocators: [], multicastLocators: [], expectsInlineQos: false, vendorId: VendorId.MEDKIT });
      const d = header(new Bytes(), b.prefix);
      data(d, { readerId: ENTITY.PUB_READER, writerId: ENTITY.PUB_WRITER, sn: { high: Math.floor(next / 2 ** 32), low: next >>> 0 }, payload });
      await attacker.send(d.done(), a.locators.metatrafficUnicast[0].port);
      await until(() => a.endpoints().some((e) => e.guid === fake), 'the forged announcement taken');
      const rereads = a.disposeStats().sedpRereads ?? 0;
      // b's real next writer goes out under that SN: before, a dropped it as a repeat, and never saw that writer.
      const w2 = b.createWriter({ topic: 'rt/real_next', typeName: 'T' });
      await until(() => a.endpoints().some((e) => e.guid === w2.guid), "b's next writer seen by a", 15_000);
      expect(a.disposeStats().sedpRereads ?? 0).toBeGreaterThan(rereads);
      // Named for /health (ros_samples_conflicting): b's SEDP publications writer, on the built-in topic's DDS name.
      expect(a.conflictingStreams()).toContainEqual(expect.objectContaining({ topic: 'DCPSPublication', writerGuid: `${b.guidPrefix}${ENTITY.PUB_WRITER.toString(16).padStart(8, '0')}`, lastSequenceNumber: next }));
    } finally {
      attacker.close();
    }
  }, 30_000);

  it('a stream whose data no longer arrives while its writer heartbeats is named as stuck, and is not once it moves (issue 66)', async () => {
    // a drops every datagram carrying b's DATA while `cut`: b's HEARTBEATs still announce the samples a cannot get.
    let cut = false;
    const a = await participant(DOMAIN, { packetFilter: { incoming: (d) => !(cut && submessageIds(d).some((x) => x.id === SM.DATA)), outgoing: () => true } });
    const b = await participant(DOMAIN);
    const w = b.createWriter({ topic: 'rt/stuck', typeName: 'T', qos: { reliability: 'reliable', history: { kind: 'keep-all' } } });
    const r = a.createReader({ topic: 'rt/stuck', typeName: 'T', qos: { reliability: 'reliable' } });
    let got = 0;
    r.on('sample', () => got++);
    expect(await r.waitForMatch(1, 10_000)).toBe(true);
    const sample = Buffer.from([0, 1, 0, 0, 7, 0, 0, 0]);
    w.write(sample);
    await until(() => got === 1, 'the first sample');
    cut = true;
    for (let i = 0; i < 5; i++) w.write(sample);
    // (b's liveliness DATA is dropped too: its DCPSParticipantMessage stream is as stuck, and named as well.)
    const ours = () => a.stuckStreams().find((x) => x.topic === 'rt/stuck');
    await until(() => ours() !== undefined, 'the stream named as stuck', 15_000);
    expect(ours()).toMatchObject({ writerGuid: w.guid, nextExpected: 2, owedHigh: 6 });
    expect(a.trafficStats().stuckStreams).toBeGreaterThanOrEqual(1);
    cut = false;
    await until(() => got === 6, 'the repairs');
    expect(ours()).toBeUndefined();
  }, 30_000);

  it('a reader whose writer sends its samples to another reader (directed, as service replies) follows its GAPs and is never stuck (issue 66)', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN);
    const c = await participant(DOMAIN);
    const w = b.createWriter({ topic: 'rt/replies', typeName: 'T', qos: { reliability: 'reliable', history: { kind: 'keep-all' } } });
    const ra = a.createReader({ topic: 'rt/replies', typeName: 'T', qos: { reliability: 'reliable' } });
    const rc = c.createReader({ topic: 'rt/replies', typeName: 'T', qos: { reliability: 'reliable' } });
    let gotA = 0;
    let gotC = 0;
    ra.on('sample', () => gotA++);
    rc.on('sample', () => gotC++);
    expect(await w.waitForMatch(2, 10_000)).toBe(true);
    const sample = Buffer.from([0, 1, 0, 0, 7, 0, 0, 0]);
    // Forty replies for c only: a hears of them in HEARTBEATs and is told by GAPs that they are not for it.
    for (let i = 0; i < 40; i++) w.write(sample, { destination: rc.guid });
    await until(() => gotC === 40, "c's replies");
    // Before any sample for a (a service's reply stream to a client that called nothing has none): the GAPs alone move it.
    await until(() => ra.core.writers.get(w.guid)?.nextExpected === 41, 'a past the forty SNs for c', 15_000);
    w.write(sample);
    await until(() => gotA === 1, "a's first sample, past the forty GAPped SNs", 15_000);
    // a follows the writer: nothing owed, so nothing can count as stuck however long it stays so.
    const proxy = ra.core.writers.get(w.guid)!;
    expect(proxy.nextExpected).toBe(42);
    expect(stuckSince(proxy, Date.now() + 60_000)).toBeUndefined();
    expect(a.stuckStreams().filter((x) => x.topic === 'rt/replies')).toEqual([]);
  }, 30_000);
});
