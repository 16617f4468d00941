// The fleet's live fault stream (docs/fleet.md): each replica reads the stream's fault subjects with its own
// ephemeral ordered consumer from "now" and fans every event out to its SSE clients, so any replica serves
// the complete stream. SSE ids are JetStream stream sequences, so `Last-Event-ID` resumes from the stream itself
// (replay.ts) and then joins the live feed without a gap or a repeat.
//
// With the fast path (docs/fleet.md) each replica also subscribes to the robots' fast fault subjects (not as a
// queue group: every replica serves every event). Whichever copy of an event comes first is sent; a fast-path copy
// has no stream sequence, so it goes without an SSE id, and when its JetStream copy follows, a client that got the
// fast one receives only `id: <seq>` (no data: EventSource records the id, dispatches nothing), so its resume point
// moves on and the event is not sent twice.
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type SseStream } from '@medkit/server';
import { formatSseEvent } from '@medkit/kit';
import { FAST_PATH_MAX_BYTES, fastSubjects } from '@medkit/fleet-protocol';
import { decodeFaultEvent, faultSubjects, type FleetFaultEvent } from './fault-event.js';
import { jetStreamReplayer, type FaultReplayer, type ResyncReason } from './replay.js';
import { RetryingSubscription, RobotRateLimit, robotToken } from '../fast-path.js';

/** The SSE frame of one fleet fault event (without an id when it came by the fast path). */
function faultFrame(e: FleetFaultEvent): string {
  return formatSseEvent({ id: e.id, event: e.body.event_type, data: { event_type: e.body.event_type, robot_id: e.robot_id, timestamp: e.time, fault: e.body, 'x-medkit': { robot_id: e.robot_id, event_id: e.event_id } } });
}

/** An id and nothing else: moves the client's resume point past an event it already has from the fast path. */
function idFrame(id: number): string {
  return `id: ${id}\n\n`;
}

type Listener = (e: FleetFaultEvent) => void;

/** Live events held for one client while its Last-Event-ID replay runs. */
const MAX_HELD = 10_000;
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
  private fast?: { sub: RetryingSubscription; limit: RobotRateLimit; copies: FirstCopies };
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
    this.fast = { sub, limit: new RobotRateLimit(robotRate), copies: new FirstCopies() };
    sub.start();
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
        if (st.type === 'reconnect') this.stopIter?.();
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
          const e = decodeFaultEvent(m.seq, m.subject, m.data);
          if (!e) continue;
          this.delivered++;
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
    if (data.byteLength > FAST_PATH_MAX_BYTES || !fast.limit.take(robotToken(subject))) {
      this.fastDropped++;
      return;
    }
    const decoded = decodeFaultEvent(undefined, subject, data);
    const e = decoded && fast.copies.fromFastPath(decoded);
    if (!e) return;
    this.fastDelivered++;
    this.emit(e);
  }
}

/** Passes over the stream a resume may take when live events outrun it (each pass starts where the last ended). */
const MAX_REPLAY_PASSES = 5;
/** How long a resync waits for the fleet database to hold everything up to the resync point. */
const RESYNC_STORE_WAIT_MS = 5000;

/** The SSE frame telling a client its resume point cannot be honoured: re-list, then go on from this event's id. */
function resyncFrame(id: number, reason: ResyncReason, detail: string, lastEventId: string, storedThrough: number | undefined): string {
  return formatSseEvent({
    id,
    event: 'x-medkit-resync',
    data: { reason, message: `${detail}; re-list with GET /api/v1/faults, then continue with this stream`, last_event_id: lastEventId.slice(0, 32), resume_id: id, stored_through: storedThrough ?? null },
  });
}

/**
 * Attaches one SSE client. Without `Last-Event-ID`: live events from now. With one: every fault event after it
 * exactly once (replayed from the stream while live events are held, ids already sent skipped), or, when that
 * cannot be done, an `x-medkit-resync` event first (never a silent gap), then live events. Fast-path events are sent
 * only while live: during a replay their JetStream copies, replayed or held, bring them.
 */
export async function attachFleetStream(feed: Pick<FleetLiveFeed, 'subscribe' | 'replayer'> & { readonly fastTick?: number }, stream: SseStream, lastEventIdHeader: string | undefined, replayer: FaultReplayer = feed.replayer): Promise<() => void> {
  let held: FleetFaultEvent[] = [];
  let overflow = false;
  let replaying = lastEventIdHeader !== undefined;
  let lastSent = 0;
  // Fast-path events with a later tick than this were sent to this client (it was live when they came).
  let liveFromTick = feed.fastTick ?? 0;
  const send = (e: FleetFaultEvent) => {
    if (e.id === undefined) return void stream.sendFrame(faultFrame(e));
    if (e.id <= lastSent) return;
    lastSent = e.id;
    // The JetStream copy of an event this client has from the fast path: only its id.
    stream.sendFrame(e.fastTick !== undefined && e.fastTick > liveFromTick ? idFrame(e.id) : faultFrame(e));
  };
  const off = feed.subscribe((e) => {
    if (!replaying) return send(e);
    if (overflow || e.id === undefined) return;
    // A replay slower than the live feed: drop what is held and replay again from where this pass ends.
    if (held.push(e) > MAX_HELD) {
      overflow = true;
      held = [];
    }
  });
  if (lastEventIdHeader === undefined) return off;
  try {
    const resync = async (reason: ResyncReason, detail: string) => {
      // The resume point: the stream's end now; events after it come live (they are held meanwhile).
      const end = await replayer.bounds().then((b) => b.last, () => lastSent);
      let stored = await replayer.storedThrough();
      for (const until = Date.now() + RESYNC_STORE_WAIT_MS; stored !== undefined && stored < end && Date.now() < until && !stream.closed;) {
        await new Promise((r) => setTimeout(r, 200));
        stored = await replayer.storedThrough();
      }
      stream.sendFrame(resyncFrame(end, reason, detail, lastEventIdHeader, stored));
      lastSent = end;
    };
    const id = parseLastEventId(lastEventIdHeader);
    if (id === undefined) {
      await resync('invalid-id', `Last-Event-ID '${lastEventIdHeader.slice(0, 32)}' is not an event id of this stream`);
    } else {
      lastSent = id;
      for (let pass = 1; ; pass++) {
        const out = await replayer.replay(lastSent, async (events) => {
          for (const e of events) send(e);
          await stream.drained();
          return !stream.closed;
        });
        if (!out.ok) {
          await resync(out.reason, out.detail);
          break;
        }
        if (!overflow || stream.closed) break;
        if (pass === MAX_REPLAY_PASSES) {
          await resync('client-too-slow', `the replay did not catch up with the live stream in ${pass} passes`);
          break;
        }
        overflow = false;
      }
    }
  } finally {
    replaying = false;
    liveFromTick = feed.fastTick ?? 0;
    const rest = held;
    held = [];
    for (const e of rest) send(e);
  }
  return off;
}

/** Our ids are stream sequences: decimal digits, at most 15 (exact in a double). */
function parseLastEventId(header: string): number | undefined {
  const t = header.trim();
  return /^\d{1,15}$/.test(t) ? Number(t) : undefined;
}
