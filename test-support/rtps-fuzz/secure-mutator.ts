// Mutations of captured DDS-Security traffic: real datagrams a secured peer sent the target (SPDP with its
// tokens, the PKI-DH handshake on the stateless channel, volatile token messages in SEC_PREFIX/SEC_BODY/
// SEC_POSTFIX runs, SRTPS-wrapped messages holding secure SEDP, heartbeats, encrypted data), replayed as they
// are or mutated where the security code reads: crypto headers (kind, key id, session id, IV), SEC_BODY
// lengths, receiver-MAC counts, MACs, ciphertext, the DataHolder counts and lengths of handshake tokens;
// submessages spliced between datagrams, dropped, duplicated or reordered; SRTPS stripped (a signed message's
// inner submessages sent clear) or nested; the source prefix swapped for another peer's. A share of the
// datagrams are plain structure-aware RTPS mutations (mutator.ts) in the captured peers' names. Seeded: the
// same seed and capture give the same datagrams.
import { EXTREME_U32, RtpsMutator, type MutatedDatagram, type MutatorTarget } from './mutator.js';
import { Dice } from './prng.js';

/** A datagram a real secured peer sent the target, and the target port it went to. */
export interface CapturedDatagram {
  data: Buffer;
  port: number;
}

const SEC_BODY = 0x30;
const SEC_PREFIX = 0x31;
const SEC_POSTFIX = 0x32;
const SRTPS_PREFIX = 0x33;
const SRTPS_POSTFIX = 0x34;
const INFO_SRC = 0x0c;

interface Sub {
  pos: number;
  id: number;
  /** Whole submessage, header included. */
  raw: Buffer;
}

/** The submessages of a datagram (bounded; a length of 0 runs to the end, as RTPS says). */
function subs(d: Buffer): Sub[] {
  const out: Sub[] = [];
  let pos = 20;
  while (pos + 4 <= d.length && out.length < 256) {
    const le = (d[pos + 1] & 1) === 1;
    const len = le ? d.readUInt16LE(pos + 2) : d.readUInt16BE(pos + 2);
    const end = len === 0 ? d.length : Math.min(d.length, pos + 4 + len);
    out.push({ pos, id: d[pos], raw: d.subarray(pos, end) });
    if (len === 0) break;
    pos = end;
  }
  return out;
}

export class SecureTrafficMutator {
  private readonly dice: Dice;
  private readonly plain: RtpsMutator;
  private readonly prefixes: Buffer[];

  constructor(
    seed: number,
    private readonly captured: readonly CapturedDatagram[],
    private readonly t: MutatorTarget,
  ) {
    if (captured.length === 0) throw new Error('no captured datagrams to mutate');
    this.dice = new Dice(seed);
    // The peers that really spoke (their prefixes carry keys at the target), then the mutator's made-up ones.
    const seen = new Map<string, Buffer>();
    for (const c of captured) if (c.data.length >= 20) seen.set(c.data.toString('hex', 8, 20), Buffer.from(c.data.subarray(8, 20)));
    this.prefixes = [...seen.values()];
    this.plain = new RtpsMutator(seed ^ 0x5eed, { ...t, peers: [...this.prefixes, ...t.peers] });
  }

  private capture(): CapturedDatagram {
    return this.dice.pick(this.captured);
  }

  next(): MutatedDatagram {
    // Plain hostile RTPS claiming to be an authenticated peer: must be refused as clear traffic from it.
    if (this.dice.chance(0.1)) {
      const d = this.plain.next();
      return { ...d, kind: `plain:${d.kind.split('+')[0]}` };
    }
    const c = this.capture();
    let d: Buffer = Buffer.from(c.data);
    const kinds: string[] = [];
    const n = this.dice.chance(0.25) ? 0 : 1 + (this.dice.chance(0.3) ? this.dice.int(3) : 0);
    for (let i = 0; i < n; i++) {
      const r = this.mutate(d);
      d = r.data;
      kinds.push(r.kind);
    }
    return { data: d, port: this.dice.chance(0.95) ? c.port : this.dice.pick([this.t.metaPort, this.t.userPort]), kind: n === 0 ? 'replay' : kinds.join('+') };
  }

  private mutate(d: Buffer): { data: Buffer; kind: string } {
    if (d.length < 24) return { data: d, kind: 'short' };
    const s = subs(d);
    switch (this.dice.int(12)) {
      case 0:
        return { data: this.flipBits(d, 20, d.length), kind: 'flip' };
      case 1: {
        // Inside the protection's own fields: crypto header, SEC_BODY length, postfix (MACs, receiver count).
        const prot = s.filter((x) => x.id >= SEC_BODY && x.id <= SRTPS_POSTFIX);
        if (prot.length === 0) return { data: this.flipBits(d, 20, d.length), kind: 'flip' };
        const x = this.dice.pick(prot);
        return { data: this.flipBits(d, x.pos + 4, x.pos + x.raw.length), kind: `flip-${x.id.toString(16)}` };
      }
      case 2:
        return { data: this.extremeWord(d, s), kind: 'word' };
      case 3: {
        // A submessage length field: small, large or zero ("to the end").
        const x = this.dice.pick(s);
        const out = Buffer.from(d);
        const le = (out[x.pos + 1] & 1) === 1;
        const v = this.dice.pick([0, 1, 3, 4, 16, 20, 0x7fff, 0xffff, Math.max(0, x.raw.length - 4 + this.dice.pick([-4, -1, 1, 4]))]) & 0xffff;
        if (le) out.writeUInt16LE(v, x.pos + 2);
        else out.writeUInt16BE(v, x.pos + 2);
        return { data: out, kind: 'length' };
      }
      case 4:
        return { data: d.subarray(0, 20 + this.dice.int(d.length - 19)), kind: 'truncate' };
      case 5:
        return { data: this.splice(d, s), kind: 'splice' };
      case 6: {
        // The same bytes in another participant's name: another authenticated peer's, or a stranger's.
        const out = Buffer.from(d);
        (this.dice.chance(0.7) ? this.dice.pick(this.prefixes) : this.dice.pick(this.t.peers)).copy(out, 8);
        return { data: out, kind: 'prefix' };
      }
      case 7:
        return { data: this.unwrap(d, s), kind: 'unwrap' };
      case 8:
        return { data: this.nest(d, s), kind: 'nest' };
      case 9: {
        // The endianness flag of a submessage flipped: every length and count read the other way round.
        const x = this.dice.pick(s);
        const out = Buffer.from(d);
        out[x.pos + 1] ^= 1;
        return { data: out, kind: 'endian' };
      }
      case 10: {
        // The crypto header of one protected run with another's (a key id and IV it never sent with these bytes).
        const mine = s.filter((x) => (x.id === SEC_PREFIX || x.id === SRTPS_PREFIX) && x.raw.length >= 24);
        const other = subs(this.capture().data).filter((x) => (x.id === SEC_PREFIX || x.id === SRTPS_PREFIX) && x.raw.length >= 24);
        if (mine.length === 0 || other.length === 0) return { data: this.extremeWord(d, s), kind: 'word' };
        const out = Buffer.from(d);
        const x = this.dice.pick(mine);
        this.dice.pick(other).raw.copy(out, x.pos + 4, 4, 24);
        return { data: out, kind: 'header-swap' };
      }
      default: {
        // Random bytes appended or inserted between submessages.
        const junk = Buffer.alloc(this.dice.int(64));
        for (let i = 0; i < junk.length; i++) junk[i] = this.dice.int(256);
        const at = s.length > 0 ? this.dice.pick(s).pos : 20;
        return { data: Buffer.concat([d.subarray(0, at), junk, d.subarray(at)]), kind: 'insert' };
      }
    }
  }

  private flipBits(d: Buffer, from: number, to: number): Buffer {
    const out = Buffer.from(d);
    if (to <= from) return out;
    for (let i = 0, n = 1 + this.dice.int(this.dice.chance(0.8) ? 2 : 16); i < n; i++) out[from + this.dice.int(to - from)] ^= 1 << this.dice.int(8);
    return out;
  }

  /** A 4-aligned word of a submessage body set to an extreme (key ids, session ids, lengths, counts, CDR sizes). */
  private extremeWord(d: Buffer, s: Sub[]): Buffer {
    const out = Buffer.from(d);
    const x = this.dice.pick(s);
    const words = Math.floor((x.raw.length - 4) / 4);
    if (words <= 0) return out;
    const at = x.pos + 4 + 4 * this.dice.int(Math.min(words, 64));
    const v = this.dice.pick(EXTREME_U32);
    if (this.dice.chance(0.5)) out.writeUInt32BE(v >>> 0, at);
    else out.writeUInt32LE(v >>> 0, at);
    return out;
  }

  /** Submessages of this datagram and another captured one, mixed: dropped, duplicated, reordered, borrowed. */
  private splice(d: Buffer, s: Sub[]): Buffer {
    let parts = s.map((x) => x.raw);
    const other = subs(this.capture().data).map((x) => x.raw);
    switch (this.dice.int(4)) {
      case 0:
        if (parts.length > 1) parts.splice(this.dice.int(parts.length), 1);
        break;
      case 1:
        if (parts.length > 0) parts.splice(this.dice.int(parts.length), 0, this.dice.pick(parts));
        break;
      case 2:
        for (let i = parts.length - 1; i > 0; i--) {
          const j = this.dice.int(i + 1);
          [parts[i], parts[j]] = [parts[j], parts[i]];
        }
        break;
      default:
        if (other.length > 0) parts = [...parts.slice(0, this.dice.int(parts.length + 1)), this.dice.pick(other), ...parts.slice(this.dice.int(parts.length + 1))];
    }
    return Buffer.concat([d.subarray(0, 20), ...parts]);
  }

  /** An SRTPS message's inner submessages (signed: they travel clear) sent without SRTPS_PREFIX / POSTFIX. */
  private unwrap(d: Buffer, s: Sub[]): Buffer {
    if (s[0]?.id !== SRTPS_PREFIX) return Buffer.concat([d.subarray(0, 20), ...s.filter((x) => x.id !== SEC_PREFIX && x.id !== SEC_POSTFIX).map((x) => x.raw)]);
    const inner = s.slice(1).filter((x) => x.id !== SRTPS_POSTFIX && x.id !== INFO_SRC && x.id !== SEC_BODY);
    return Buffer.concat([d.subarray(0, 20), ...inner.map((x) => x.raw)]);
  }

  /** This datagram's submessages inside another SRTPS_PREFIX … SRTPS_POSTFIX (a captured one, or itself again). */
  private nest(d: Buffer, s: Sub[]): Buffer {
    const donor = subs(this.capture().data);
    const prefix = donor.find((x) => x.id === SRTPS_PREFIX) ?? s.find((x) => x.id === SRTPS_PREFIX);
    const postfix = donor.find((x) => x.id === SRTPS_POSTFIX) ?? s.find((x) => x.id === SRTPS_POSTFIX);
    if (!prefix || !postfix) return this.splice(d, s);
    return Buffer.concat([d.subarray(0, 20), prefix.raw, ...s.map((x) => x.raw), postfix.raw]);
  }
}
