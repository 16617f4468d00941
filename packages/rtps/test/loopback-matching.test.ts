// Matching bookkeeping with endpoints on many topics: each endpoint matches exactly the remote
// endpoints of its topic, whichever side appears first, and closing either side unmatches it.
// (The participant finds candidates through per-topic indexes rather than scanning everything.)
import { afterEach, describe, expect, it } from 'vitest';
import type { Reader, Writer } from '../src/index.js';
import { closeAll, participant, until } from './support/loopback.js';
import { testDomain } from '../../../test-support/domains.js';

const DOMAIN = testDomain(20);
const TYPE = 'T';
afterEach(closeAll);

describe('matching across many topics', () => {
  it('matches per topic, in both creation orders, and unmatches on close of either side', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN);
    const remoteW: Writer[] = [];
    const remoteR: Reader[] = [];
    for (let t = 0; t < 10; t++) {
      remoteW.push(b.createWriter({ topic: `rt/m${t}`, typeName: TYPE }));
      remoteR.push(b.createReader({ topic: `rt/m${t}`, typeName: TYPE }));
    }
    await until(() => a.endpoints().length === 20, 'the remote endpoints');
    const localR: Reader[] = [];
    const localW: Writer[] = [];
    for (let t = 0; t < 5; t++) {
      localR.push(a.createReader({ topic: `rt/m${t}`, typeName: TYPE }));
      localW.push(a.createWriter({ topic: `rt/m${t}`, typeName: TYPE }));
    }
    const lonely = a.createReader({ topic: 'rt/none', typeName: TYPE });
    for (let t = 0; t < 5; t++) {
      expect(localR[t].matchedWriters()).toEqual([remoteW[t].guid]);
      expect(localW[t].matchedReaders()).toEqual([remoteR[t].guid]);
    }
    expect(lonely.matchedWriters()).toEqual([]);
    await until(() => remoteW.slice(0, 5).every((w, t) => w.matchedReaders().includes(localR[t].guid)), 'remote side matches');
    expect(remoteW.slice(5).every((w) => w.matchedReaders().length === 0)).toBe(true);

    // A remote endpoint that appears later matches the existing local one of its topic only.
    const lateW = b.createWriter({ topic: 'rt/m1', typeName: TYPE });
    await until(() => localR[1].matchedWriters().length === 2, 'the late remote writer');
    expect(localR[1].matchedWriters()).toContain(lateW.guid);
    expect(localR.filter((_, t) => t !== 1).every((r) => r.matchedWriters().length === 1)).toBe(true);

    // Closing a local endpoint drops its matches here and, through SEDP, there.
    localR[0].close();
    expect(localR[0].core.writers.size).toBe(0);
    await until(() => !remoteW[0].matchedReaders().includes(localR[0].guid), 'remote unmatch');

    // Closing a remote endpoint unmatches the local one of its topic.
    remoteW[2].close();
    await until(() => localR[2].matchedWriters().length === 0, 'local unmatch');
    expect(localR[3].matchedWriters()).toEqual([remoteW[3].guid]);
  });
});

describe('a writer that chooses its readers (acceptReader)', () => {
  it('holds a declined reader unmatched without an incompatible event, and matches or unmatches on rematch', async () => {
    const a = await participant(DOMAIN);
    const b = await participant(DOMAIN);
    const allowed = new Set<string>();
    const w = a.createWriter({ topic: 'rt/chosen', typeName: TYPE, acceptReader: (d) => allowed.has(d.guid) });
    const incompatible: string[] = [];
    const unmatched: string[] = [];
    w.on('incompatible', (e) => incompatible.push(e.remoteGuid));
    w.on('unmatched', (e) => unmatched.push(e.remoteGuid));
    const r1 = b.createReader({ topic: 'rt/chosen', typeName: TYPE });
    const r2 = b.createReader({ topic: 'rt/chosen', typeName: TYPE });
    await until(() => a.endpoints().filter((d) => d.topicName === 'rt/chosen').length === 2, 'both remote readers known');
    expect(w.matchedReaders()).toEqual([]);
    allowed.add(r2.guid);
    w.rematch();
    expect(w.matchedReaders()).toEqual([r2.guid]);
    // The chosen reader gets what is written; the other hears nothing.
    const got: string[] = [];
    r2.on('sample', () => got.push('r2'));
    r1.on('sample', () => got.push('r1'));
    w.write(new Uint8Array([0, 1, 0, 0, 7, 7, 7, 7]));
    await until(() => got.length > 0, 'the sample at the chosen reader');
    expect(got).toEqual(['r2']);
    allowed.delete(r2.guid);
    allowed.add(r1.guid);
    w.rematch();
    expect(w.matchedReaders()).toEqual([r1.guid]);
    expect(unmatched).toEqual([r2.guid]);
    expect(incompatible).toEqual([]);
  });
});
