// One SSE client of the fleet's live fault stream (docs/fleet.md): live events from now, or, after a Last-Event-ID,
// the stream's events after that point replayed exactly once and then the live ones. Each event's SSE id names its
// resume point and the event itself (`<stream seq>.<robot>.<robot seq>`, fault-event.ts), so a client tells a repeat
// of an event it has from the fast path. A replay that JetStream cannot answer (a stream-leader election) is tried
// again until REPLAY_RETRY_MS has passed; only then is the client told to re-list (x-medkit-resync).
import { type SseStream } from '@medkit/server';
import { formatSseEvent } from '@medkit/kit';
import { resumePointOf, sseEventId, type FleetFaultEvent } from './fault-event.js';
import type { FaultReplayer, ResyncReason } from './replay.js';
import type { FleetLiveFeed } from './live.js';

/**
 * The SSE frame of one fleet fault event: its id from its stream sequence, or, for a fast-path event (none yet), from
 * the client's resume point (no id before the client has one).
 */
function faultFrame(e: FleetFaultEvent, resumePoint: number): string {
  const id = e.id !== undefined ? sseEventId(e.id, e) : resumePoint > 0 ? sseEventId(resumePoint, e) : undefined;
  return formatSseEvent({ id, event: e.body.event_type, data: { event_type: e.body.event_type, robot_id: e.robot_id, timestamp: e.time, fault: e.body, 'x-medkit': { robot_id: e.robot_id, event_id: e.event_id, seq: e.seq } } });
}

/** An id and nothing else: moves the client's resume point past an event it already has from the fast path. */
function idFrame(e: FleetFaultEvent & { id: number }): string {
  return `id: ${sseEventId(e.id, e)}\n\n`;
}

/** Robots one client waits for the stream to catch up with; past it a robot's fast-path events go out as they come. */
const MAX_BEHIND = 10_000;
/** Live events held for one client while its Last-Event-ID replay runs. */
const MAX_HELD = 10_000;
/**
 * How long a resume keeps asking a stream that cannot answer (its leader being elected: 4–9 s, more on a loaded host)
 * before it gives up with a resync: the replay then goes on from where it stopped, and the client misses nothing.
 */
const REPLAY_RETRY_MS = 30_000;
const REPLAY_RETRY_PAUSE_MS = 500;

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
export async function attachFleetStream(feed: Pick<FleetLiveFeed, 'subscribe' | 'replayer'> & { readonly fastTick?: number; readonly position?: number; readonly fastAhead?: ReadonlyMap<string, number> }, stream: SseStream, lastEventIdHeader: string | undefined, replayer: FaultReplayer = feed.replayer, replayRetryMs = REPLAY_RETRY_MS): Promise<() => void> {
  let held: FleetFaultEvent[] = [];
  let overflow = false;
  let replaying = lastEventIdHeader !== undefined;
  // The client's resume point: every fault event of the stream up to it was sent (a live client: the feed's).
  let lastSent = lastEventIdHeader === undefined ? (feed.position ?? 0) : 0;
  // Fast-path events with a later tick than this were sent to this client (it was live when they came).
  let liveFromTick = feed.fastTick ?? 0;
  // Robots whose fast-path events this client must not get yet, up to which robot seq: their earlier events (delivered
  // by the feed before the client came, or during its replay) reach it by the stream, and a fast one would overtake them.
  const behind = new Map(feed.fastAhead ?? []);
  const withhold = (e: FleetFaultEvent) => {
    const b = behind.get(e.robot_id);
    if (behind.size < MAX_BEHIND || b !== undefined) behind.set(e.robot_id, Math.max(b ?? 0, e.seq));
  };
  const send = (e: FleetFaultEvent) => {
    if (e.id === undefined) {
      if (behind.has(e.robot_id)) return withhold(e);
      return void stream.sendFrame(faultFrame(e, lastSent));
    }
    if (e.id <= lastSent) return;
    lastSent = e.id;
    const b = behind.get(e.robot_id);
    const withheld = b !== undefined && e.seq <= b;
    if (b !== undefined && e.seq >= b) behind.delete(e.robot_id);
    // The JetStream copy of an event this client has from the fast path: only its id.
    stream.sendFrame(e.fastTick !== undefined && e.fastTick > liveFromTick && !withheld ? idFrame({ ...e, id: e.id }) : faultFrame(e, lastSent));
  };
  const off = feed.subscribe((e) => {
    if (!replaying) return send(e);
    if (e.id === undefined) return withhold(e);
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
    const id = resumePointOf(lastEventIdHeader);
    if (id === undefined) {
      await resync('invalid-id', `Last-Event-ID '${lastEventIdHeader.slice(0, 32)}' is not an event id of this stream`);
    } else {
      lastSent = id;
      const retryUntil = Date.now() + replayRetryMs;
      for (let pass = 1; ; pass++) {
        const out = await replayer.replay(lastSent, async (events) => {
          for (const e of events) send(e);
          await stream.drained();
          return !stream.closed;
        });
        if (!out.ok && out.reason === 'replay-failed' && Date.now() < retryUntil && !stream.closed) {
          // JetStream did not answer (an election): ask again from what was sent; live events stay held meanwhile.
          await new Promise((r) => setTimeout(r, REPLAY_RETRY_PAUSE_MS));
          pass--;
          continue;
        }
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
