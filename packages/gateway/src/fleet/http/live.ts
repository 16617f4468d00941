// The fleet's live fault stream (fleet.md §5): each replica reads the stream's fault subjects with its own
// ephemeral ordered consumer from "now" and fans every event out to its SSE clients, so any replica serves
// the complete stream. SSE ids are JetStream stream sequences, the order PostgreSQL also records, so
// `Last-Event-ID` resumes from the database and then joins the live feed without a gap or a repeat.
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { formatSseEvent, type SseStream } from '../../http/sse.js';
import { parseEnvelope, type FaultEventBody } from '../../fleet-protocol/envelope.js';

export interface FleetFaultEvent {
  /** Stream sequence. */
  id: number;
  robot_id: string;
  time: string;
  body: FaultEventBody;
}

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

  constructor(private readonly nc: NatsConnection, private readonly stream: string, private readonly fleet: string, private readonly log: { debug(o: object, m: string): void }) {}

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
        // After a broker hiccup, resume right after the last event we saw instead of from "now".
        // One filter subject as a string: a list needs nats-server ≥ 2.10 (Debian 12 ships 2.9).
        const filter = `medkit.${this.fleet}.*.faults`;
        const opts = startSeq !== undefined
          ? { filter_subjects: filter, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }
          : { filter_subjects: filter, deliver_policy: DeliverPolicy.New };
        const consumer = await jetstream(this.nc).consumers.get(this.stream, opts);
        // Short pulls: idle heartbeats every 2.5 s, so a consumer lost with a dead NATS node is noticed fast.
        const msgs = await consumer.consume({ max_messages: 512, expires: 5000 });
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
          const p = parseEnvelope(m.data);
          if (!p.ok || p.envelope.kind !== 'faults') continue;
          const e: FleetFaultEvent = { id: m.seq, robot_id: p.envelope.robot_id, time: p.envelope.time, body: p.envelope.body as FaultEventBody };
          this.delivered++;
          for (const l of this.listeners) l(e);
        }
      } catch (err) {
        this.log.debug({ err: (err as Error).message }, 'fleet live feed: consumer error; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

/**
 * Attaches one SSE client: first the events after `lastEventId` from the database (bounded), then live ones
 * (buffered meanwhile, with ids already replayed skipped).
 */
export async function attachFleetStream(
  feed: FleetLiveFeed,
  stream: SseStream,
  replay: ((after: number) => Promise<FleetFaultEvent[]>) | undefined,
  lastEventId: number | undefined,
): Promise<() => void> {
  const held: FleetFaultEvent[] = [];
  let replaying = replay !== undefined && lastEventId !== undefined;
  let lastSent = lastEventId ?? 0;
  const send = (e: FleetFaultEvent) => {
    if (e.id <= lastSent) return;
    lastSent = e.id;
    stream.sendFrame(faultFrame(e));
  };
  const off = feed.subscribe((e) => {
    if (!replaying) return send(e);
    // A replay slower than the live feed: past the bound the client reconnects (with Last-Event-ID) instead.
    if (held.push(e) > MAX_HELD) stream.close();
  });
  if (replaying && replay) {
    try {
      for (const e of await replay(lastEventId!)) send(e);
    } finally {
      replaying = false;
      for (const e of held.splice(0)) send(e);
    }
  }
  return off;
}
