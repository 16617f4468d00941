// 1 MiB samples both ways between two of our participants, fragmented (DATA_FRAG), with 20% of
// the fragment datagrams dropped so that NACK_FRAG repair has to do the work.
import { afterEach, describe, expect, it } from 'vitest';
import type { Participant, Sample } from '../src/index.js';
import { SubmessageId } from '../src/submessages/ids.js';
import { closeAll, hasSubmessage, participant, prng, until } from './support/loopback.js';
import { testDomain } from '../../../test-support/domains.js';

const DOMAIN = testDomain(2);
afterEach(closeAll);

function bigPayload(seed: number, size = 1024 * 1024): Buffer {
  const b = Buffer.alloc(size);
  const r = prng(seed);
  for (let i = 0; i < size; i += 4) b.writeUInt32LE((r() * 2 ** 32) >>> 0, i);
  b.writeUInt32BE(0x00010000, 0); // CDR_LE encapsulation
  return b;
}

async function lossyParticipant(seed: number, counters: { fragsDropped: number; nackFrags: number }): Promise<Participant> {
  const rand = prng(seed);
  return participant(DOMAIN, {
    packetFilter: {
      outgoing: (d) => {
        if (hasSubmessage(d, SubmessageId.NACK_FRAG)) counters.nackFrags++;
        if (hasSubmessage(d, SubmessageId.DATA_FRAG) && rand() < 0.2) {
          counters.fragsDropped++;
          return false;
        }
        return true;
      },
    },
  });
}

describe('fragmented samples (DATA_FRAG) with NACK_FRAG repair', () => {
  it('1 MiB each way, identical bytes, under 20% fragment loss', async () => {
    const ca = { fragsDropped: 0, nackFrags: 0 };
    const cb = { fragsDropped: 0, nackFrags: 0 };
    const a = await lossyParticipant(7, ca);
    const b = await lossyParticipant(8, cb);
    const wa = a.createWriter({ topic: 'rt/big', typeName: 'Blob' });
    const ra = a.createReader({ topic: 'rt/big', typeName: 'Blob', qos: { reliability: 'reliable' } });
    const wb = b.createWriter({ topic: 'rt/big', typeName: 'Blob' });
    const rb = b.createReader({ topic: 'rt/big', typeName: 'Blob', qos: { reliability: 'reliable' } });
    const atB: Sample[] = [];
    const atA: Sample[] = [];
    rb.on('sample', (s) => s.writerGuid === wa.guid && atB.push(s));
    ra.on('sample', (s) => s.writerGuid === wb.guid && atA.push(s));
    await until(() => wa.matchedReaders().includes(rb.guid) && wb.matchedReaders().includes(ra.guid) && ra.matchedWriters().includes(wb.guid) && rb.matchedWriters().includes(wa.guid), 'match', 15_000);
    const pa = bigPayload(1);
    const pb = bigPayload(2);
    wa.write(pa);
    wb.write(pb);
    await until(() => atA.length === 1 && atB.length === 1, 'reassembled samples', 30_000);
    expect(atB[0].payload.equals(pa)).toBe(true);
    expect(atA[0].payload.equals(pb)).toBe(true);
    expect(ca.fragsDropped + cb.fragsDropped).toBeGreaterThan(0);
    // The readers asked for the missing fragments.
    expect(ca.nackFrags + cb.nackFrags).toBeGreaterThan(0);
    // Reassembly memory is released once the samples are delivered.
    expect(a.internalSizes().reassemblyBytes).toBe(0);
    expect(b.internalSizes().reassemblyBytes).toBe(0);
  });
});
