// Encode -> decode round trips of every submessage, little- and big-endian, inside a message.
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../src/byte-writer.js';
import { encodeHeader } from '../src/header.js';
import { encodeInlineQos, parseInlineQos } from '../src/inline-qos.js';
import { decodeMessage } from '../src/message.js';
import { readParameterList, writeParameter, writeSentinel } from '../src/parameter-list.js';
import { makeSet } from '../src/sequence-number.js';
import { encodeAckNack } from '../src/submessages/acknack.js';
import { encodeDataFrag } from '../src/submessages/data-frag.js';
import { encodeData } from '../src/submessages/data.js';
import { encodeGap } from '../src/submessages/gap.js';
import { encodeHeartbeatFrag } from '../src/submessages/heartbeat-frag.js';
import { encodeHeartbeat } from '../src/submessages/heartbeat.js';
import { encodeInfoDst, encodeInfoSrc, encodeInfoTs, encodePad } from '../src/submessages/info.js';
import { encodeNackFrag } from '../src/submessages/nack-frag.js';
import { VendorId } from '../src/vendor.js';

const prefix = Buffer.from('0199aabbccddeeff00112233', 'hex');
const other = Buffer.from('010f0102030405060708090a', 'hex');

function roundTrip(le: boolean, write: (w: ByteWriter) => void) {
  const w = new ByteWriter(64, le);
  encodeHeader(w, VendorId.MEDKIT, prefix);
  write(w);
  const msg = decodeMessage(w.finish());
  expect(msg.header.guidPrefix.equals(prefix)).toBe(true);
  expect(msg.header.vendorId).toBe(VendorId.MEDKIT);
  expect(msg.submessages).toHaveLength(1);
  return msg.submessages[0];
}

/** A parameter list in the wanted endianness (inline QoS must match the submessage's E flag). */
function inlineQos(le: boolean): Buffer {
  const w = new ByteWriter(64, le);
  writeParameter(w, 0x0071, (w) => w.u8(0).u8(0).u8(0).u8(3));
  writeParameter(w, 0x0070, (w) => w.bytes(Buffer.alloc(16, 7)));
  writeSentinel(w);
  return w.finish();
}

describe.each([true, false])('submessage round trips (little-endian=%s)', (le) => {
  it('DATA with inline QoS and payload (big SN)', () => {
    const payload = Buffer.from('000100000500000068656c6c6f000000', 'hex');
    const sm = roundTrip(le, (w) => encodeData(w, { readerId: 0x000100c7, writerId: 0x00000103, writerSN: 2 ** 33 + 5, inlineQos: inlineQos(le), payload, key: false }, le));
    expect(sm).toMatchObject({ kind: 'DATA', readerId: 0x000100c7, writerId: 0x00000103, writerSN: 2 ** 33 + 5, key: false, le });
    if (sm.kind !== 'DATA') throw new Error('kind');
    expect(sm.payload!.equals(payload)).toBe(true);
    expect(readParameterList(sm.inlineQos!, 0, sm.inlineQos!.length, le).map((p) => p.pid)).toEqual([0x0071, 0x0070]);
  });

  it('DATA key-only (dispose) with unaligned payload gets padded and the pad count recorded', () => {
    const payload = Buffer.from('0003000001', 'hex');
    const sm = roundTrip(le, (w) => encodeData(w, { readerId: 0, writerId: 0x000003c2, writerSN: 1, payload, key: true }, le));
    if (sm.kind !== 'DATA') throw new Error('kind');
    expect(sm.key).toBe(true);
    expect(sm.payload!.length).toBe(8);
    expect(sm.payload![3] & 3).toBe(3);
  });

  it('DATA_FRAG', () => {
    const data = Buffer.alloc(100, 9);
    const sm = roundTrip(le, (w) =>
      encodeDataFrag(w, { readerId: 0, writerId: 0x00000203, writerSN: 7, fragmentStartingNum: 3, fragmentsInSubmessage: 1, fragmentSize: 100, sampleSize: 1000, inlineQos: inlineQos(le), data, key: false }, le),
    );
    expect(sm).toMatchObject({ kind: 'DATA_FRAG', writerSN: 7, fragmentStartingNum: 3, fragmentsInSubmessage: 1, fragmentSize: 100, sampleSize: 1000 });
    if (sm.kind !== 'DATA_FRAG') throw new Error('kind');
    expect(sm.data.equals(data)).toBe(true);
  });

  it('HEARTBEAT (final, liveliness)', () => {
    const sm = roundTrip(le, (w) => encodeHeartbeat(w, { readerId: 0, writerId: 0x000003c2, firstSN: 1, lastSN: 42, count: 9, final: true, liveliness: true }, le));
    expect(sm).toEqual({ kind: 'HEARTBEAT', readerId: 0, writerId: 0x000003c2, firstSN: 1, lastSN: 42, count: 9, final: true, liveliness: true });
  });

  it('HEARTBEAT_FRAG', () => {
    const sm = roundTrip(le, (w) => encodeHeartbeatFrag(w, { readerId: 4, writerId: 3, writerSN: 11, lastFragmentNum: 77, count: 2 }, le));
    expect(sm).toEqual({ kind: 'HEARTBEAT_FRAG', readerId: 4, writerId: 3, writerSN: 11, lastFragmentNum: 77, count: 2 });
  });

  it('ACKNACK with a 70-bit set', () => {
    const set = makeSet(10, [10, 12, 45, 79]);
    const sm = roundTrip(le, (w) => encodeAckNack(w, { readerId: 0x000004c7, writerId: 0x000004c2, readerSNState: set, count: 3, final: false }, le));
    expect(sm).toEqual({ kind: 'ACKNACK', readerId: 0x000004c7, writerId: 0x000004c2, readerSNState: { base: 10, numBits: 70, set: [10, 12, 45, 79] }, count: 3, final: false });
  });

  it('ACKNACK empty set (pre-emptive)', () => {
    const sm = roundTrip(le, (w) => encodeAckNack(w, { readerId: 1, writerId: 2, readerSNState: makeSet(1, []), count: 1, final: true }, le));
    expect(sm).toMatchObject({ readerSNState: { base: 1, numBits: 0, set: [] }, final: true });
  });

  it('NACK_FRAG', () => {
    const sm = roundTrip(le, (w) => encodeNackFrag(w, { readerId: 1, writerId: 2, writerSN: 5, fragmentNumberState: { base: 4, numBits: 3, set: [4, 6] }, count: 8 }, le));
    expect(sm).toEqual({ kind: 'NACK_FRAG', readerId: 1, writerId: 2, writerSN: 5, fragmentNumberState: { base: 4, numBits: 3, set: [4, 6] }, count: 8 });
  });

  it('GAP', () => {
    const sm = roundTrip(le, (w) => encodeGap(w, { readerId: 1, writerId: 2, gapStart: 3, gapList: makeSet(6, [6, 9]) }, le));
    expect(sm).toEqual({ kind: 'GAP', readerId: 1, writerId: 2, gapStart: 3, gapList: { base: 6, numBits: 4, set: [6, 9] } });
  });

  it('INFO_TS with and without the invalidate flag', () => {
    expect(roundTrip(le, (w) => encodeInfoTs(w, { sec: 1700000000, nanosec: 500_000_000 }, le))).toEqual({ kind: 'INFO_TS', timestamp: { sec: 1700000000, nanosec: 500_000_000 } });
    expect(roundTrip(le, (w) => encodeInfoTs(w, undefined, le))).toEqual({ kind: 'INFO_TS' });
  });

  it('INFO_DST, INFO_SRC, PAD', () => {
    const dst = roundTrip(le, (w) => encodeInfoDst(w, other, le));
    expect(dst.kind === 'INFO_DST' && dst.guidPrefix.equals(other)).toBe(true);
    const src = roundTrip(le, (w) => encodeInfoSrc(w, { major: 2, minor: 3, vendorId: VendorId.FAST_DDS, guidPrefix: other }, le));
    expect(src).toMatchObject({ kind: 'INFO_SRC', major: 2, minor: 3, vendorId: VendorId.FAST_DDS });
    expect(roundTrip(le, (w) => encodePad(w, 8, le))).toEqual({ kind: 'PAD' });
  });
});

describe('inline QoS encoding', () => {
  it('writes the related sample identity under 0x0083 and 0x800f; reads it back per vendor', () => {
    const q = encodeInlineQos({ relatedSampleIdentity: { writerGuid: '010f78fd9c5b8a5c0000000000000304', sequenceNumber: 12 }, statusInfo: 1 })!;
    const pids = readParameterList(q, 0, q.length, true).map((p) => p.pid);
    expect(pids).toEqual([0x0071, 0x0083, 0x800f]);
    const parsed = parseInlineQos(q, true, VendorId.CYCLONE_DDS);
    expect(parsed.relatedSampleIdentity).toEqual({ writerGuid: '010f78fd9c5b8a5c0000000000000304', sequenceNumber: 12 });
    expect(parsed.statusInfo).toBe(1);
  });
});
