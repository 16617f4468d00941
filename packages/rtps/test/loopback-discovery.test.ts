// Two of our participants over real UDP on 127.0.0.1: SPDP/SEDP discovery, user data,
// endpoint removal, dispose on close, lease expiry of a participant that stops sending.
import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointEvent, ParticipantEvent } from '../src/index.js';
import { VendorId } from '../src/index.js';
import { closeAll, participant, until } from './support/loopback.js';
import { testDomain } from '../../../test-support/domains.js';

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
    await until(() => events.some((e) => e.type === 'removed'), 'participant removed', 3000);
    expect(events.find((e) => e.type === 'removed')!.reason).toBe('disposed');
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
});
