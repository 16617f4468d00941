// The fleet's live fault stream (fleet.md §5): each replica reads the stream's fault subjects with its own
// ephemeral ordered consumer from "now" and fans every event out to its SSE clients, so any replica serves
// the complete stream. SSE ids are JetStream stream sequences, so `Last-Event-ID` resumes from the stream itself
// (replay.ts) and then joins the live feed without a gap or a repeat.
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { formatSseEvent, type SseStream } from '@medkit/gateway';
import { decodeFaultEvent, faultSubjects, type FleetFaultEvent } from './fault-event.js';
import { jetStreamReplayer, type FaultReplayer, type ResyncReason } from './replay.js';

/** The SSE frame of one fleet fault event. */
export function faultFrame(e: FleetFaultEvent): string {
  return formatSseEvent({ id: e.id, event: e.body.event_type, data: { event_type: e.body.event_type, robot_id: e.robot_id, timestamp: e.time, fault: e.body, 'x-medkit': { robot_id: e.robot_id } } });
}

type Listener = (e: FleetFaultEvent) => void;

/** Live events held for one client while its Last-Event-ID replay runs. */
const MAX_HELD = 10_000;

export class FleetLiveFeed {
  private readonly listeners = new Set<Listener>();
  private stopped = false;
  private running?: Promise<void>;
  private stopIter?: () => void;
  /** Events delivered to this replica since start. */
  delivered = 0;
  /** Reads the same stream for clients that resume with Last-Event-ID. */
  readonly replayer: FaultReplayer;

  constructor(private readonly nc: NatsConnection, private readonly stream: string, private readonly fleet: string, private readonly log: { debug(o: object, m: string): void }) {
    this.replayer = jetStreamReplayer(nc, stream, fleet);
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
          for (const l of this.listeners) l(e);
        }
      } catch (err) {
        this.log.debug({ err: (err as Error).message }, 'fleet live feed: consumer error; retrying');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
}

/** Passes over the stream a resume may take when live events outrun it (each pass starts where the last ended). */
const MAX_REPLAY_PASSES = 5;
/** How long a resync waits for the fleet database to hold everything up to the resync point. */
const RESYNC_STORE_WAIT_MS = 5000;

/** The SSE frame telling a client its resume point cannot be honoured: re-list, then go on from this event's id. */
export function resyncFrame(id: number, reason: ResyncReason, detail: string, lastEventId: string, storedThrough: number | undefined): string {
  return formatSseEvent({
    id,
    event: 'x-medkit-resync',
    data: { reason, message: `${detail}; re-list with GET /api/v1/faults, then continue with this stream`, last_event_id: lastEventId.slice(0, 32), resume_id: id, stored_through: storedThrough ?? null },
  });
}

/**
 * Attaches one SSE client. Without `Last-Event-ID`: live events from now. With one: every fault event after it
 * exactly once (replayed from the stream while live events are held, ids already sent skipped), or, when that
 * cannot be done, an `x-medkit-resync` event first (never a silent gap), then live events.
 */
export async function attachFleetStream(feed: Pick<FleetLiveFeed, 'subscribe' | 'replayer'>, stream: SseStream, lastEventIdHeader: string | undefined, replayer: FaultReplayer = feed.replayer): Promise<() => void> {
  let held: FleetFaultEvent[] = [];
  let overflow = false;
  let replaying = lastEventIdHeader !== undefined;
  let lastSent = 0;
  const send = (e: FleetFaultEvent) => {
    if (e.id <= lastSent) return;
    lastSent = e.id;
    stream.sendFrame(faultFrame(e));
  };
  const off = feed.subscribe((e) => {
    if (!replaying) return send(e);
    if (overflow) return;
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
