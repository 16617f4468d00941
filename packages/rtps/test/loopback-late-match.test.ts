// A reader that learns of a writer only after the writer matched it (its SEDP arrives late):
// the writer owes it every sample written since that match, and nothing from before it
// (volatile). Our SEDP publications are held back from the reader side with the packet filter.
import { afterEach, describe, expect, it } from 'vitest';
import type { Reader, Sample } from '../src/index.js';
import { cdrString, closeAll, participant, participantHoldingPublications, readCdrString, until } from './support/loopback.js';
import { testDomain } from '../../../test-support/domains.js';

const DOMAIN = testDomain(17);
const TYPE = 'std_msgs::msg::dds_::String_';
afterEach(closeAll);

function collect(r: Reader): string[] {
  const got: string[] = [];
  r.on('sample', (s: Sample) => got.push(readCdrString(s.payload)));
  return got;
}

describe('a reader that learns of a matched writer late', () => {
  it('volatile: still gets every sample written after the writer matched it, in order', async () => {
    const b = await participantHoldingPublications(DOMAIN);
    const r = b.p.createReader({ topic: 'rt/late', typeName: TYPE, qos: { reliability: 'reliable', history: { kind: 'keep-all' } } });
    const got = collect(r);
    const a = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/late', typeName: TYPE });
    expect(await w.waitForMatch(1, 10_000)).toBe(true);
    w.write(cdrString('late 1'));
    w.write(cdrString('late 2'));
    await until(() => b.dropped() > 0, 'a held-back SEDP publication');
    expect(r.matchedWriters()).toEqual([]);
    b.release();
    await until(() => r.matchedWriters().length === 1, 'reader match');
    w.write(cdrString('late 3'));
    await until(() => got.length >= 3, 'the three samples');
    expect(got).toEqual(['late 1', 'late 2', 'late 3']);
    expect(await w.waitForAcknowledgments(5000)).toBe(true);
  });

  it('volatile: does not get what the writer wrote before it matched the reader', async () => {
    const a = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/late_old', typeName: TYPE, qos: { history: { kind: 'keep-last', depth: 10 } } });
    for (let i = 1; i <= 3; i++) w.write(cdrString(`before ${i}`));
    const b = await participantHoldingPublications(DOMAIN);
    const r = b.p.createReader({ topic: 'rt/late_old', typeName: TYPE, qos: { reliability: 'reliable' } });
    const got = collect(r);
    expect(await w.waitForMatch(1, 10_000)).toBe(true);
    w.write(cdrString('after 1'));
    await until(() => b.dropped() > 0, 'a held-back SEDP publication');
    b.release();
    await until(() => r.matchedWriters().length === 1, 'reader match');
    w.write(cdrString('after 2'));
    await until(() => got.length >= 2, 'the samples written after the match');
    expect(got).toEqual(['after 1', 'after 2']);
  });

  it('transient-local: gets the whole history and what was written meanwhile', async () => {
    const a = await participant(DOMAIN);
    const w = a.createWriter({ topic: 'rt/late_tl', typeName: TYPE, qos: { durability: 'transient-local', history: { kind: 'keep-last', depth: 10 } } });
    w.write(cdrString('tl 1'));
    const b = await participantHoldingPublications(DOMAIN);
    const r = b.p.createReader({ topic: 'rt/late_tl', typeName: TYPE, qos: { reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 10 } } });
    const got = collect(r);
    expect(await w.waitForMatch(1, 10_000)).toBe(true);
    w.write(cdrString('tl 2'));
    await until(() => b.dropped() > 0, 'a held-back SEDP publication');
    b.release();
    await until(() => got.length >= 2, 'history and the new sample');
    expect(got).toEqual(['tl 1', 'tl 2']);
  });
});
