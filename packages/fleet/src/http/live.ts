// The fleet's live fault stream (docs/fleet.md): each replica reads the stream's fault subjects with its own
// ephemeral ordered consumer from "now" and fans every event out to its SSE clients (attach.ts), so any replica
// serves the complete stream. SSE ids start with the JetStream stream sequence, so `Last-Event-ID` resumes from the
// stream itself (replay.ts) and then joins the live feed without a gap.
//
// With the fast path (docs/fleet.md) each replica also subscribes to the robots' fast fault subjects (not as a
// queue group: every replica serves every event). Whichever copy of an event comes first is sent; FirstCopies
// recognises the other one.
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { FAST_PATH_MAX_BYTES, fastSubjects } from '@medkit/fleet-protocol';
import { decodeFaultEvent, faultSubjects, type FleetFaultEvent } from './fault-event.js';
import { jetStreamReplayer, type FaultReplayer } from './replay.js';
import { RetryingSubscription, RobotRateLimit, robotToken } from '../fast-path.js';
import { FastPathOrder } from './fast-order.js';

type Listener = (e: FleetFaultEvent) => void;

/**
 * Events whose first copy (fast path or stream) the feed remembers, so the other copy is recognised: about 5 MB. It
 * must hold every event between its two copies, i.e. the fleet's events over a JetStream election (20 robots × 10/s ×
 * 9 s = 1,800); past it the oldest are forgotten, and a copy arriving after that is sent again.
 */
const MAX_FIRST_COPIES = 50_000;
/** Values of FirstCopies' map besides a fast tick (> 0). */
const STREAM_FIRST = 0;
const BOTH_SEEN = -1;

/**
 * Which copy of each recent event the feed delivered first, so the other one is recognised: a fast-path copy after
 * its JetStream copy is dropped; a JetStream copy after its fast-path copy is delivered marked with that copy's tick
 * (a client live since before the tick gets only the id). Bounded by `max`, oldest forgotten first.
 */
export class FirstCopies {
  private readonly seen = new Map<string, number>();
  private tick = 0;

  constructor(private readonly max = MAX_FIRST_COPIES) {}

  /** The tick of the newest fast-path event delivered (0 before any). */
  get fastTick(): number {
    return this.tick;
  }

  /** A fast-path copy: the event to deliver (with its tick), or undefined when either path delivered it already. */
  fromFastPath(e: FleetFaultEvent): FleetFaultEvent | undefined {
    if (this.seen.has(e.event_id)) return undefined;
    e.fastTick = ++this.tick;
    this.remember(e.event_id, e.fastTick);
    return e;
  }

  /** A JetStream copy: always delivered; marked with the fast-path copy's tick when that came first. */
  fromStream(e: FleetFaultEvent): FleetFaultEvent {
    const first = this.seen.get(e.event_id);
    if (first === undefined) this.remember(e.event_id, STREAM_FIRST);
    else if (first > 0) {
      e.fastTick = first;
      this.seen.set(e.event_id, BOTH_SEEN);
    }
    return e;
  }

  private remember(eventId: string, v: number): void {
    this.seen.set(eventId, v);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
  }
}

export class FleetLiveFeed {
  private readonly listeners = new Set<Listener>();
  private stopped = false;
  private running?: Promise<void>;
  private stopIter?: () => void;
  /** Events delivered to this replica since start (from the stream; `fastDelivered` from the fast path first). */
  delivered = 0;
  fastDelivered = 0;
  /** Fast-path fault messages dropped unread: too large or past their robot's rate. */
  fastDropped = 0;
  private fast?: { sub: RetryingSubscription; limit: RobotRateLimit; copies: FirstCopies; order: FastPathOrder };
  /** The stream sequence of the last fault event delivered (or the stream's end when the feed started; 0 before). */
  private lastSeq = 0;
  /** Reads the same stream for clients that resume with Last-Event-ID. */
  readonly replayer: FaultReplayer;

  constructor(private readonly nc: NatsConnection, private readonly stream: string, private readonly fleet: string, private readonly log: { debug(o: object, m: string): void }) {
    this.replayer = jetStreamReplayer(nc, stream, fleet);
  }

  /**
   * Also delivers the robots' fast-path fault events, read on `conn` (the replica's fast-path connection), at most
   * `robotRate` per second of one robot. Call once.
   */
  addFastPath(conn: NatsConnection, robotRate: number): void {
    if (this.stopped || this.fast) return;
    // Refusals are reported by the fast-path ingest, which asks for the same subjects.
    const sub = new RetryingSubscription(conn, fastSubjects(this.fleet, 'faults'), undefined, (subject, data) => this.fromFastPath(subject, data), (reason) => this.log.debug({ err: reason }, 'fleet live feed: fast path refused'));
    const order = new FastPathOrder();
    this.fast = { sub, limit: new RobotRateLimit(robotRate), copies: new FirstCopies(), order };
    sub.start();
  }

  /** The stream sequence up to which a client attached now has every fault event (it gets each later one live). */
  get position(): number {
    return this.lastSeq;
  }

  /** Robots whose fast-path events delivered so far the stream has not brought yet, up to which robot seq. */
  get fastAhead(): ReadonlyMap<string, number> | undefined {
    return this.fast?.order.ahead();
  }

  /** The tick of the newest fast-path event delivered: a client live from now has every later one. */
  get fastTick(): number {
    return this.fast?.copies.fastTick ?? 0;
  }

  start(): void {
    this.running ??= this.loop();
    // After a reconnect (our NATS node died) the old consumer may be gone with it: start a fresh one.
    void (async () => {
      for await (const st of this.nc.status()) {
        if (this.stopped) return;
        if (st.type === 'reconnect') {
          this.fast?.order.reconnected();
          this.stopIter?.();
        }
      }
    })().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.fast?.sub.stop();
    this.stopIter?.();
    await this.running;
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => { this.listeners.delete(l); };
  }

  get clients(): number {
    return this.listeners.size;
  }

  private async loop(): Promise<void> {
    let startSeq: number | undefined;
    while (!this.stopped) {
      try {
        // "Now" is the stream's end when the feed starts, read once as a sequence: a consumer lost before the first
        // fault event came (its node died) would otherwise be created again from a later "now", and what was stored in
        // between would never reach the feed. After that, resume right after the last event we saw.
        startSeq ??= (await (await jetstreamManager(this.nc, { timeout: 1000, checkAPI: false })).streams.info(this.stream)).state.last_seq + 1;
        this.lastSeq = Math.max(this.lastSeq, startSeq - 1);
        // One filter subject as a string: a list needs nats-server ≥ 2.10 (Debian 12 ships 2.9).
        const opts = { filter_subjects: faultSubjects(this.fleet), deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq };
        const consumer = await jetstream(this.nc, { timeout: 1000 }).consumers.get(this.stream, opts);
        // Idle heartbeats every second, so a consumer lost with a dead NATS node is noticed within ~2 s.
        const msgs = await consumer.consume({ max_messages: 512, expires: 5000, idle_heartbeat: 1000 });
        this.stopIter = () => void msgs.stop();
        if (this.stopped) msgs.stop();
        // Watchdog: when the consumer stops answering (its node died, the stream leader moved) start a new one
        // from the next sequence rather than trusting the client to recover; the bench showed a stalled feed.
        void (async () => {
          for await (const st of msgs.status()) {
            const lost = (st.type === 'heartbeats_missed' && st.count >= 2) || st.type === 'consumer_not_found' || st.type === 'consumer_deleted' || st.type === 'stream_not_found';
            if (lost) {
              this.log.debug({ status: st.type }, 'fleet live feed: consumer lost; recreating');
              msgs.stop();
              return;
            }
          }
        })().catch(() => undefined);
        for await (const m of msgs) {
          startSeq = m.seq + 1;
          this.lastSeq = m.seq;
          const e = decodeFaultEvent(m.seq, m.subject, m.data);
          if (!e) continue;
          this.delivered++;
          this.fast?.order.stream(e.robot_id, e.seq);
          this.emit(this.fast ? this.fast.copies.fromStream(e) : e);
        }
      } catch (err) {
        this.log.debug({ err: (err as Error).message }, 'fleet live feed: consumer error; retrying');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private emit(e: FleetFaultEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** A fault event from the fast path: delivered unless either path has delivered it already. */
  private fromFastPath(subject: string, data: Uint8Array): void {
    const fast = this.fast!;
    // Bounded before parsing, as in the fast-path ingest: a flood costs a subject scan per message, not a parse.
    const robot = robotToken(subject);
    if (data.byteLength > FAST_PATH_MAX_BYTES || !fast.limit.take(robot)) {
      this.fastDropped++;
      fast.order.missed(robot);
      return;
    }
    const decoded = decodeFaultEvent(undefined, subject, data);
    // Withheld (not even remembered as a first copy) while the stream has to catch up with this robot.
    if (!decoded || !fast.order.fast(decoded.robot_id, decoded.seq, decoded.prevSeq)) return;
    const e = fast.copies.fromFastPath(decoded);
    if (!e) return;
    this.fastDelivered++;
    this.emit(e);
  }
}
