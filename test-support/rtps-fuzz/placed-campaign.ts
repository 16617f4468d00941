// The placed-path fuzz campaign (issue 54). The generic campaign (campaign.ts) never reaches the addon's fragments in
// place (native/udp_placement.c): its datagrams never match an aim, and placedIn stayed 0 over 300,000 of them. Here
// a real fragmented writer streams samples whose every byte is known (sampleByte) to a reader whose participant
// receives with the addon, so the receiver is aimed all the time, and forged DATA_FRAGs built from its live aim
// (placed-forger.ts) arrive in the very batches the addon reads into the sample's buffer: the predicted datagram
// itself, and every kind of near miss.
//
// The invariant: every sample delivered is the real writer's bytes for its SN, whatever its length. Forged fragments
// carry the real bytes at the positions they claim, so a forged DATA_FRAG that passes every check (a sample it
// completes in another size, say) still delivers only right bytes; a wrong byte is the receiver's fault. The campaign
// also counts what was placed (placedIn must grow: the mode provably runs the placed path), and after the forging
// stops the real stream must be delivered whole again (the participant is alive and its state sound).
import dgram from 'node:dgram';
import { PlacedForger, sampleBytes, type LiveAim, type Mutation } from './placed-forger.js';

/** The participant under test, as the campaign sees it. */
export interface PlacedTarget {
  /** Its user-data unicast port: the addon's socket. */
  port: number;
  /** The receiver's live aim (the rtps receive path's placementAim). */
  aim(): LiveAim | undefined;
  /** Datagrams it received in place so far (TrafficStats.placedIn), and received at all. */
  placedIn(): number;
  datagramsIn(): number;
  /** Writes the real writer's next sample (its SN is one more than the one before, from 1). */
  write(payload: Buffer): void;
  /** Calls `listener` with each sample the reader delivers (the payload is valid during the call). */
  onSample(listener: (sn: number, payload: Buffer) => void): void;
}

export interface PlacedCampaignOptions {
  target: PlacedTarget;
  seed: number;
  /** Forged datagrams to send. */
  datagrams: number;
  /** The real samples' size (default 64 KiB) and how many the writer writes a second (default 250). */
  sampleSize?: number;
  samplesPerSecond?: number;
  /** Forged datagrams a second at most (default 2500). */
  rate?: number;
  /**
   * Real samples written after the forging stops (default 100): each must be delivered, but for those a forged
   * datagram named while the forging ran (sent ahead of the writer: a forged DATA_FRAG that passes every check can take
   * a sample's place, or cost it).
   */
  tail?: number;
  onProgress?: (forged: number, elapsedMs: number) => void;
}

export interface PlacedCampaignResult {
  seed: number;
  forged: number;
  rate: number;
  durationMs: number;
  /** Datagrams the target received, and received in place, while forging. */
  datagramsIn: number;
  placedIn: number;
  written: number;
  delivered: number;
  /** Delivered at the real size, and at another one (a forged DATA_FRAG's sizes that passed every check). */
  exact: number;
  otherSize: number;
  /** Samples with a byte that is not the writer's (the first 10): must be none. */
  wrong: { sn: number; length: number; at: number }[];
  /**
   * Of the tail written after the forging: delivered, every byte the writer's (at another size when a forged DATA_FRAG
   * sent ahead of it completed its SN first: its bytes are right, and the writer's own sample is then a duplicate).
   */
  tailFrom: number;
  tailWritten: number;
  tailDelivered: number;
  /** The tail's SNs not delivered (the first 10), and whether each that no forged datagram named was. */
  tailMissing: number[];
  tailWhole: boolean;
  /** The tail's SNs forged datagrams named (sent ahead, while the forging ran). */
  tailNamed: number;
  /** Forged datagrams built with no aim to build from (the receiver was not aimed at that moment): skipped. */
  noAim: number;
  mutations: Partial<Record<Mutation, number>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runPlacedCampaign(o: PlacedCampaignOptions): Promise<PlacedCampaignResult> {
  const size = o.sampleSize ?? 64 * 1024;
  const perSecond = o.samplesPerSecond ?? 250;
  const rate = o.rate ?? 2500;
  const tail = o.tail ?? 100;
  const t = o.target;
  const forger = new PlacedForger(o.seed);
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((res) => socket.bind(0, '127.0.0.1', res));
  socket.setSendBufferSize(4 * 1024 * 1024);
  const send = (d: Buffer) => new Promise<void>((res) => socket.send(d, t.port, '127.0.0.1', () => res()));
  const r: PlacedCampaignResult = { seed: o.seed, forged: 0, rate, durationMs: 0, datagramsIn: 0, placedIn: 0, written: 0, delivered: 0, exact: 0, otherSize: 0, wrong: [], tailFrom: 0, tailWritten: 0, tailDelivered: 0, tailMissing: [], tailWhole: false, tailNamed: 0, noAim: 0, mutations: {} };
  let tailFrom = Infinity;
  const tailSeen = new Set<number>();
  /** SNs forged datagrams named: a forged DATA_FRAG that passes every check may take such a sample's place. */
  const named = new Set<number>();
  t.onSample((sn, payload) => {
    r.delivered++;
    const expected = sampleBytes(sn, 0, payload.length);
    if (!payload.equals(expected)) {
      let at = 0;
      while (payload[at] === expected[at]) at++;
      if (r.wrong.length < 10) r.wrong.push({ sn, length: payload.length, at });
      return;
    }
    if (payload.length === size) r.exact++;
    else r.otherSize++;
    if (sn >= tailFrom && sn < tailFrom + tail) {
      r.tailDelivered++;
      tailSeen.add(sn);
    }
  });
  const write = () => {
    r.written++;
    t.write(sampleBytes(r.written, 0, size));
  };
  const placed0 = t.placedIn();
  const in0 = t.datagramsIn();
  const t0 = Date.now();
  let nextWrite = t0;
  let due = t0;
  let lastAim = t0;
  try {
    while (r.forged < o.datagrams) {
      const now = Date.now();
      // The writer's pace; a loop that fell behind does not catch up in a burst.
      if (now - nextWrite > 100) nextWrite = now;
      while (now >= nextWrite) {
        write();
        nextWrite += 1000 / perSecond;
      }
      if (now >= due) {
        const aim = t.aim();
        if (!aim) {
          r.noAim++;
          if (now - lastAim > 10_000) throw new Error(`the receiver was not aimed for 10 s (${r.forged} forged, ${r.written} written, placedIn ${t.placedIn() - placed0})`);
        } else {
          lastAim = now;
          const batch = Math.min(8, o.datagrams - r.forged);
          const sends: Promise<void>[] = [];
          for (let i = 0; i < batch; i++) {
            const f = forger.forge(aim);
            for (const k of f.mutations) r.mutations[k] = (r.mutations[k] ?? 0) + 1;
            named.add(f.sn);
            sends.push(send(f.data));
          }
          await Promise.all(sends);
          const before = r.forged;
          r.forged += batch;
          due = Math.max(due, now - 100) + (batch / rate) * 1000;
          if (Math.floor(r.forged / 1000) !== Math.floor(before / 1000)) o.onProgress?.(r.forged, Date.now() - t0);
        }
      }
      await sleep(Math.max(0, Math.min(due, nextWrite) - Date.now()));
    }
    r.durationMs = Date.now() - t0;
    r.placedIn = t.placedIn() - placed0;
    r.datagramsIn = t.datagramsIn() - in0;
    // The real stream alone again: each of its next samples delivered whole.
    tailFrom = r.written + 1;
    r.tailFrom = tailFrom;
    for (let i = 0; i < tail; i++) {
      write();
      r.tailWritten++;
      await sleep(1000 / perSecond);
    }
    const end = Date.now() + 15_000;
    const whole = () => {
      for (let sn = tailFrom; sn < tailFrom + tail; sn++) if (!tailSeen.has(sn) && !named.has(sn)) return false;
      return true;
    };
    while (!whole() && Date.now() < end) await sleep(20);
    await sleep(200); // what forged SNs of the tail still bring
    r.tailWhole = whole();
    for (let sn = tailFrom; sn < tailFrom + tail && r.tailMissing.length < 10; sn++) if (!tailSeen.has(sn)) r.tailMissing.push(sn);
    r.tailNamed = [...named].filter((sn) => sn >= tailFrom && sn < tailFrom + tail).length;
    return r;
  } finally {
    socket.close();
  }
}
