// Probation between two of our participants on loopback: with maxUnprovenLinked 0 every newcomer
// starts on probation on both sides (as under flood pressure), so neither side's built-in writers
// talk to the other until it proved itself. The preemptive ACKNACK of our built-in readers is such
// a proof, so the two still discover each other, match and exchange data. ROS domain offset 187.
import { afterEach, describe, expect, it } from 'vitest';
import { testDomain } from '../../../test-support/domains.js';
import type { Sample } from '../src/index.js';
import { cdrString, closeAll, participant, readCdrString, until } from './support/loopback.js';

const DOMAIN = testDomain(187);
const ALWAYS_PROBATION = { admission: { maxUnprovenLinked: 0 } };
afterEach(closeAll);

describe('probation on both sides', () => {
  it('two participants that put each other on probation still prove themselves, match and exchange data', async () => {
    const a = await participant(DOMAIN, ALWAYS_PROBATION);
    const b = await participant(DOMAIN, ALWAYS_PROBATION);
    const w = a.createWriter({ topic: 'rt/probation', typeName: 'T' });
    const r = b.createReader({ topic: 'rt/probation', typeName: 'T', qos: { reliability: 'reliable' } });
    const got: Sample[] = [];
    r.on('sample', (s) => got.push(s));
    expect(await w.waitForMatch(1, 15_000)).toBe(true);
    expect(await r.waitForMatch(1, 15_000)).toBe(true);
    w.write(cdrString('proven'));
    await until(() => got.length === 1, 'the sample');
    expect(readCdrString(got[0].payload)).toBe('proven');
    expect(a.participantStats()).toMatchObject({ tracked: 1, proven: 1, onProbation: 0 });
    expect(b.participantStats()).toMatchObject({ tracked: 1, proven: 1, onProbation: 0 });
  });

  it('participants without any endpoint prove themselves too, and match endpoints created later', async () => {
    const a = await participant(DOMAIN, ALWAYS_PROBATION);
    const b = await participant(DOMAIN, ALWAYS_PROBATION);
    await until(() => a.participantStats().proven === 1 && b.participantStats().proven === 1, 'both proven', 15_000);
    const w = b.createWriter({ topic: 'rt/later', typeName: 'T' });
    const r = a.createReader({ topic: 'rt/later', typeName: 'T' });
    expect(await w.waitForMatch(1, 15_000)).toBe(true);
    expect(await r.waitForMatch(1, 15_000)).toBe(true);
  });
});
