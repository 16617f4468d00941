// Helpers for tests that run our own participants on 127.0.0.1.
import { createParticipant, EntityId, type Participant, type ParticipantOptions } from '../../src/index.js';

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

export { prng } from '../../../../test-support/rtps-fuzz/prng.js';

/** The submessages of a datagram as (id, offset of the submessage header), walking the headers only. */
function* submessageHeaders(d: Buffer): Generator<{ id: number; pos: number }> {
  let pos = 20;
  while (pos + 4 <= d.length) {
    const le = (d[pos + 1] & 1) === 1;
    const len = le ? d.readUInt16LE(pos + 2) : d.readUInt16BE(pos + 2);
    yield { id: d[pos], pos };
    if (len === 0) return;
    pos += 4 + len;
  }
}

/** True when a datagram carries a submessage with this id (walks the submessage headers). */
export function hasSubmessage(d: Buffer, id: number): boolean {
  for (const sm of submessageHeaders(d)) if (sm.id === id) return true;
  return false;
}

/** True when a datagram carries a DATA or DATA_FRAG submessage from the writer entity `writerId`. */
export function hasDataFrom(d: Buffer, writerId: number): boolean {
  // DATA and DATA_FRAG: extraFlags(2) octetsToInlineQos(2) readerId(4) writerId(4); entity ids are octet arrays.
  for (const { id, pos } of submessageHeaders(d)) if ((id === 0x15 || id === 0x16) && pos + 16 <= d.length && d.readUInt32BE(pos + 12) === writerId) return true;
  return false;
}

/** A participant that drops incoming SEDP publications (remote writers' announcements) until release(). */
export async function participantHoldingPublications(domainId: number, opts: ParticipantOptions = {}): Promise<{ p: Participant; release(): void; dropped(): number }> {
  let held = true;
  let dropped = 0;
  const p = await participant(domainId, {
    ...opts,
    packetFilter: {
      incoming: (d) => {
        if (!held || !hasDataFrom(d, EntityId.SEDP_PUBLICATIONS_WRITER)) return true;
        dropped++;
        return false;
      },
    },
  });
  return { p, release: () => (held = false), dropped: () => dropped };
}
