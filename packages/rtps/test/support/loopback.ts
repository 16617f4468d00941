// Helpers for tests that run our own participants on 127.0.0.1.
import { createParticipant, type Participant, type ParticipantOptions } from '../../src/index.js';

/** Participants created by a test file; closed by closeAll() in afterEach/afterAll. */
const open: Participant[] = [];

export async function participant(domainId: number, opts: ParticipantOptions = {}): Promise<Participant> {
  const p = await createParticipant({ domainId, localhostOnly: true, peerIndexCount: 8, ...opts });
  open.push(p);
  return p;
}

export async function closeAll(): Promise<void> {
  const all = open.splice(0);
  await Promise.all(all.map((p) => p.close()));
}

/** Polls `cond` every 20 ms until true; throws with `what` after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A std_msgs/String-like CDR_LE payload (encapsulation, length, chars, NUL). */
export function cdrString(s: string): Buffer {
  const b = Buffer.alloc(8 + s.length + 1);
  b.writeUInt16BE(0x0001, 0);
  b.writeUInt32LE(s.length + 1, 4);
  b.write(s, 8);
  return b;
}

export function readCdrString(p: Buffer): string {
  return p.toString('utf8', 8, 8 + p.readUInt32LE(4) - 1);
}

/** Deterministic PRNG (mulberry32) so loss patterns and fuzz cases are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** True when a datagram carries a submessage with this id (walks the submessage headers). */
export function hasSubmessage(d: Buffer, id: number): boolean {
  let pos = 20;
  while (pos + 4 <= d.length) {
    const sid = d[pos];
    const le = (d[pos + 1] & 1) === 1;
    const len = le ? d.readUInt16LE(pos + 2) : d.readUInt16BE(pos + 2);
    if (sid === id) return true;
    if (len === 0) return false;
    pos += 4 + len;
  }
  return false;
}
