// The mDNS message codec: round trips, compression pointers on decode, and hostile packets that must
// neither throw nor loop.
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, FLAGS_RESPONSE, isResponse, TYPE_A, TYPE_PTR, TYPE_SRV, TYPE_TXT, type DnsMessage } from '../../../src/aggregation/mdns/dns-message.js';

const sample: Partial<DnsMessage> = {
  id: 0x1234,
  flags: FLAGS_RESPONSE,
  questions: [{ name: '_medkit._tcp.local', type: TYPE_PTR, unicastResponse: true }],
  answers: [
    { name: '_medkit._tcp.local', type: TYPE_PTR, ttl: 120, data: 'robot-1._medkit._tcp.local' },
    { name: 'robot-1._medkit._tcp.local', type: TYPE_SRV, ttl: 120, flush: true, data: { priority: 1, weight: 2, port: 8080, target: 'robot-1.local' } },
    { name: 'robot-1._medkit._tcp.local', type: TYPE_TXT, ttl: 120, flush: true, data: ['path=/api/v1', 'id=abc'] },
  ],
  additionals: [{ name: 'robot-1.local', type: TYPE_A, ttl: 0, data: '10.1.2.3' }],
};

/** Hand-built response whose names use compression pointers (offsets into the packet). */
function compressed(): Buffer {
  const parts: number[] = [];
  const push = (...b: number[]) => parts.push(...b);
  const label = (s: string) => push(s.length, ...Buffer.from(s));
  push(0, 0, 0x84, 0, 0, 0, 0, 2, 0, 0, 0, 0); // header: response, 2 answers
  // answer 1 at offset 12: _medkit._tcp.local PTR → "robot" + pointer to offset 12
  label('_medkit');
  label('_tcp');
  label('local');
  push(0);
  push(0, TYPE_PTR, 0, 1, 0, 0, 0, 120);
  push(0, 8); // rdlength: 1+5 + 2
  const instanceAt = parts.length;
  label('robot');
  push(0xc0, 12);
  // answer 2: name is a pointer to the instance, SRV target "robot" + pointer to "local" (offset 12+8+5=25)
  push(0xc0, instanceAt, 0, TYPE_SRV, 0x80, 1, 0, 0, 0, 120);
  push(0, 6 + 8, 0, 0, 0, 0, 0x1f, 0x90);
  label('robot');
  push(0xc0, 25);
  return Buffer.from(parts);
}

describe('mDNS DNS message codec', () => {
  it('round-trips header, questions and PTR/SRV/TXT/A records', () => {
    const m = decodeMessage(encodeMessage(sample))!;
    expect(m).toBeDefined();
    expect(isResponse(m)).toBe(true);
    expect(m.id).toBe(0x1234);
    expect(m.questions).toEqual(sample.questions);
    expect(m.answers).toEqual(sample.answers);
    expect(m.additionals).toEqual(sample.additionals);
    expect(m.authorities).toEqual([]);
  });

  it('keeps an empty TXT valid and rejects values DNS cannot carry', () => {
    const m = decodeMessage(encodeMessage({ answers: [{ name: 'x.local', type: TYPE_TXT, ttl: 1, data: [] }] }))!;
    expect(m.answers[0]).toMatchObject({ type: TYPE_TXT, data: [] });
    expect(() => encodeMessage({ answers: [{ name: 'x.local', type: TYPE_A, ttl: 1, data: '300.1.1.1' }] })).toThrow(RangeError);
    expect(() => encodeMessage({ questions: [{ name: `${'a'.repeat(64)}.local`, type: TYPE_PTR }] })).toThrow(RangeError);
  });

  it('follows compression pointers in owner names and in rdata', () => {
    const m = decodeMessage(compressed())!;
    expect(m.answers[0]).toMatchObject({ name: '_medkit._tcp.local', type: TYPE_PTR, data: 'robot._medkit._tcp.local' });
    expect(m.answers[1]).toMatchObject({ name: 'robot._medkit._tcp.local', type: TYPE_SRV, flush: true, data: { port: 8080, target: 'robot.local' } });
  });

  it('returns undefined for every truncation of a valid packet', () => {
    for (const full of [encodeMessage(sample), compressed()]) {
      for (let n = 0; n < full.length; n++) expect(decodeMessage(full.subarray(0, n))).toBeUndefined();
      expect(decodeMessage(full)).toBeDefined();
    }
  });

  it('rejects pointer loops, self pointers, forward pointers and reserved label types', () => {
    const header = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    const selfLoop = Buffer.from([...header, 0xc0, 12, 0, 1, 0, 1]);
    const forward = Buffer.from([...header, 0xc0, 14, 1, 0x61, 0, 0, 1, 0, 1]);
    // Two labels pointing at each other: 12 → 15 is forward, so the decoder refuses before looping.
    const pingPong = Buffer.from([...header, 1, 0x61, 0xc0, 15, 0xc0, 12, 0, 1, 0, 1]);
    const reserved = Buffer.from([...header, 0x80, 0, 0, 1, 0, 1]);
    for (const p of [selfLoop, forward, pingPong, reserved]) expect(decodeMessage(p)).toBeUndefined();
  });

  it('bounds huge counts and oversized names, and survives random bytes', () => {
    expect(decodeMessage(Buffer.from([0, 0, 0x84, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBeUndefined();
    // 300 bytes of name made of 60-byte labels: longer than 255.
    const labels = Array.from({ length: 5 }, () => [60, ...Buffer.alloc(60, 0x61)]).flat();
    expect(decodeMessage(Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1]))).toBeUndefined();
    // A deterministic pseudo-random fuzz: whatever comes out, decode returns (message or undefined) without throwing.
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff;
    const base = encodeMessage(sample);
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(base);
      for (let k = 0; k < 4; k++) b[rnd() % b.length] = rnd();
      expect(() => decodeMessage(b)).not.toThrow();
    }
  });
});
