// Last-Event-ID replay of the fleet's fault stream, read from JetStream itself: SSE ids are stream sequences,
// and the stream holds every event in that order whether or not PostgreSQL has ingested it yet (or is up at
// all). An ordered consumer from the sequence after the client's id reads until it has delivered the last
// matching message, batch by batch, waiting for the client's socket between batches.
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { decodeFaultEvent, faultSubjects, type FleetFaultEvent } from './fault-event.js';
import { INGEST_CONSUMER } from '../ingest.js';

/** Why a resume point cannot be honoured; the client is told to re-list (x-medkit-resync). */
export type ResyncReason = 'expired' | 'unknown-id' | 'invalid-id' | 'replay-failed' | 'client-too-slow';

export type ReplayOutcome = { ok: true } | { ok: false; reason: ResyncReason; detail: string };

interface StreamBounds {
  first: number;
  last: number;
}

/** Reads the fleet stream for one client's resume; one instance per replica. */
export interface FaultReplayer {
  bounds(): Promise<StreamBounds>;
  /**
   * Calls `batch` with the fault events after `after` in stream order until the last one in the stream; `batch`
   * may wait (back-pressure) and returns false to stop early (the client left).
   */
  replay(after: number, batch: (events: FleetFaultEvent[]) => Promise<boolean>): Promise<ReplayOutcome>;
  /** The stream sequence up to which the fleet database holds every event (from the ingest consumer's state). */
  storedThrough(): Promise<number | undefined>;
}

const API_DEADLINE_MS = 3000;
const BATCH = 256;
/** A fetch that returns nothing for this long means nothing after the cursor matches: caught up. */
const FETCH_EXPIRES_MS = 1000;
const FETCH_DEADLINE_MS = 10_000;

export function jetStreamReplayer(nc: NatsConnection, stream: string, fleet: string): FaultReplayer {
  const filter = faultSubjects(fleet);
  const bounds = async (): Promise<StreamBounds> => {
    const jsm = await jetstreamManager(nc, { timeout: API_DEADLINE_MS });
    const st = (await jsm.streams.info(stream)).state;
    return { first: st.first_seq, last: st.last_seq };
  };
  return {
    bounds,
    async storedThrough() {
      try {
        const jsm = await jetstreamManager(nc, { timeout: API_DEADLINE_MS });
        const c = await jsm.consumers.info(stream, INGEST_CONSUMER);
        // Nothing waiting and nothing unacked: everything in the stream is stored (a purge leaves the floor behind).
        if (c.num_pending === 0 && c.num_ack_pending === 0) return (await bounds()).last;
        return c.ack_floor.stream_seq;
      } catch {
        return undefined;
      }
    },
    async replay(after, batch) {
      let b: StreamBounds;
      try {
        b = await bounds();
      } catch (err) {
        return { ok: false, reason: 'replay-failed', detail: `the fleet stream cannot be read: ${(err as Error).message}` };
      }
      if (after > b.last) return { ok: false, reason: 'unknown-id', detail: `event ${after} is not in the fleet stream (its last is ${b.last}); the stream was recreated` };
      // Events after `after` were removed by the stream's age or size limit: some of them may be lost to this client.
      if (after + 1 < b.first) return { ok: false, reason: 'expired', detail: `events after ${after} up to ${b.first - 1} have expired from the fleet stream` };
      if (after >= b.last) return { ok: true };
      try {
        const consumer = await jetstream(nc).consumers.get(stream, { filter_subjects: filter, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 });
        for (;;) {
          const msgs = await consumer.fetch({ max_messages: BATCH, expires: FETCH_EXPIRES_MS });
          // A fetch whose server went away can wait on heartbeats for long: bound each one.
          const deadline = setTimeout(() => msgs.stop(new Error(`no answer within ${FETCH_DEADLINE_MS} ms`)), FETCH_DEADLINE_MS);
          const events: FleetFaultEvent[] = [];
          let caughtUp = true;
          try {
            for await (const m of msgs) {
              caughtUp = m.info.pending === 0;
              const e = decodeFaultEvent(m.seq, m.subject, m.data);
              if (e) events.push(e);
            }
          } finally {
            clearTimeout(deadline);
          }
          if (events.length && !(await batch(events))) return { ok: true };
          if (caughtUp) return { ok: true };
        }
      } catch (err) {
        return { ok: false, reason: 'replay-failed', detail: `reading the fleet stream failed: ${(err as Error).message}` };
      }
    },
  };
}
