// How one SSE client joins the fleet's live feed after a Last-Event-ID replay (fleet/http/live.ts), with a scripted
// stream in place of JetStream: live events that arrive during the replay are held and sent once, a replay that
// live events outrun is run again from where it ended, and whatever cannot be replayed is announced with
// x-medkit-resync before live events go on. Then the fast path's two copies of an event: each event reaches a
// client once, its JetStream copy as a bare id when the client has the fast one. The end-to-end cases on real
// servers are in fleet-live.test.ts and fleet-fast-path.test.ts.
import { describe, expect, it } from 'vitest';
import { attachFleetStream } from '../src/http/attach.js';
import { FirstCopies } from '../src/http/live.js';
import { FastPathOrder, RECONNECT_HOLD_MS } from '../src/http/fast-order.js';
import { resumePointOf, sseEventId } from '../src/http/fault-event.js';
import type { FleetFaultEvent } from '../src/http/fault-event.js';
import type { FaultReplayer, ReplayOutcome } from '../src/http/replay.js';
import type { SseStream } from '@medkit/server';

const ev = (id: number): FleetFaultEvent => ({ id, event_id: `r:${id}`, robot_id: 'r', seq: id, time: '2026-11-23T00:00:00Z', body: { event_type: 'fault_updated', fault_code: `C${id}`, severity: 1, status: 'CONFIRMED', description: '', occurrence_count: id, reporting_sources: [], first_occurred: '2026-11-23T00:00:00Z', last_occurred: '2026-11-23T00:00:00Z' } });

/** The fast-path copy of event `id` of the scripted stream: the same event, no stream sequence. */
const fastEv = (id: number): FleetFaultEvent => ({ ...ev(id), id: undefined });

function harness(stream: number[]) {
  const frames: string[] = [];
  const listeners = new Set<(e: FleetFaultEvent) => void>();
  const live = (e: FleetFaultEvent) => { for (const l of listeners) l(e); };
  const copies = new FirstCopies(1000);
  /** Both paths through the feed's bookkeeping, as FleetLiveFeed delivers them. */
  const fromFast = (id: number) => { const e = copies.fromFastPath(fastEv(id)); if (e) live(e); };
  const fromStream = (id: number) => live(copies.fromStream(ev(id)));
  const sse: SseStream = { send: () => true, sendFrame: (f) => (frames.push(String(f)), true), drained: async () => undefined, close: () => undefined, closed: false, done: new Promise(() => undefined) };
  // fastTick a getter, as on FleetLiveFeed (add the replayer with Object.assign: a spread would copy today's value).
  const feed = { subscribe: (l: (e: FleetFaultEvent) => void) => (listeners.add(l), () => listeners.delete(l)), get fastTick() { return copies.fastTick; } };
  const ids = () => frames.map((f) => ({ id: Number(/^id: (\d+)/m.exec(f)?.[1]), event: /^event: (.+)$/m.exec(f)?.[1] }));
  /** Each frame as the event's code (from its data) and its id; a bare id frame has no code. */
  const sent = () => frames.map((f) => ({ code: /"fault_code":"([^"]+)"/.exec(f)?.[1], id: /^id: (\d+)/m.exec(f)?.[1] }));
  return { frames, ids, sent, live, fromFast, fromStream, sse, feed, stream };
}

/** Replays what the scripted stream holds when the pass starts (`onPass` runs first, `duringBatch` before each batch). */
function replayer(h: ReturnType<typeof harness>, o: { onPass?: () => void; duringBatch?: (id: number) => void; fail?: ReplayOutcome } = {}): FaultReplayer {
  return {
    bounds: async () => ({ first: 1, last: h.stream.at(-1) ?? 0 }),
    storedThrough: async () => h.stream.at(-1) ?? 0,
    async replay(after, batch) {
      if (o.fail) return o.fail;
      o.onPass?.();
      const todo = h.stream.filter((id) => id > after);
      for (let i = 0; i < todo.length; i += 2) {
        o.duringBatch?.(todo[i]);
        if (!(await batch(todo.slice(i, i + 2).map(ev)))) break;
      }
      return { ok: true };
    },
  };
}

describe('attachFleetStream', () => {
  it('sends the replay, then the live events held meanwhile, each id once and in order', async () => {
    const h = harness([1, 2, 3, 4, 5]);
    const r = replayer(h, { duringBatch: (id) => { if (id === 3) { h.stream.push(6); h.live(ev(5)); h.live(ev(6)); } } });
    await attachFleetStream({ ...h.feed, replayer: r }, h.sse, '2');
    h.live(ev(7));
    expect(h.ids().map((x) => x.id)).toEqual([3, 4, 5, 6, 7]);
  });

  it('replays again from where it ended when live events outrun the held buffer', async () => {
    const h = harness([1, 2]);
    let pushed = false;
    const r = replayer(h, { duringBatch: () => {
      if (pushed) return;
      pushed = true;
      // More live events than a client may have held: the buffer is dropped and the stream read again.
      for (let id = 3; id <= 10_003; id++) { h.stream.push(id); h.live(ev(id)); }
    } });
    await attachFleetStream({ ...h.feed, replayer: r }, h.sse, '0');
    const got = h.ids().map((x) => x.id);
    expect(got).toHaveLength(10_003);
    expect(got.every((id, i) => id === i + 1)).toBe(true);
  });

  it('announces what it cannot replay with x-medkit-resync (its id the stream end), then sends the held live events', async () => {
    const h = harness([1, 2, 3]);
    const r = replayer(h, { fail: { ok: false, reason: 'replay-failed', detail: 'the fleet stream cannot be read' } });
    // A stream that never answers: given up after the retry window (here 1 s).
    const pending = attachFleetStream({ ...h.feed, replayer: r }, h.sse, '1', r, 1000);
    h.live(ev(4));
    await pending;
    expect(h.ids()).toEqual([{ id: 3, event: 'x-medkit-resync' }, { id: 4, event: 'fault_updated' }]);
    expect(JSON.parse(h.frames[0].split('data: ')[1])).toMatchObject({ reason: 'replay-failed', resume_id: 3, stored_through: 3, last_event_id: '1' });
  });

  it('gives up after five passes that never catch up, with a resync instead of a silent gap', async () => {
    const h = harness([1]);
    let next = 2;
    let passes = 0;
    const r = replayer(h, { onPass: () => { passes++; for (let i = 0; i < 10_001; i++, next++) { h.stream.push(next); h.live(ev(next)); } } });
    await attachFleetStream({ ...h.feed, replayer: r }, h.sse, '0');
    expect(passes).toBe(5);
    expect(h.ids().filter((x) => x.event === 'x-medkit-resync')).toHaveLength(1);
    expect(JSON.parse(h.frames.find((f) => f.includes('x-medkit-resync'))!.split('data: ')[1]).reason).toBe('client-too-slow');
  });

  it('treats a malformed or oversized Last-Event-ID as a resume point it cannot honour', async () => {
    for (const bad of ['abc', '-1', '1e3', '9'.repeat(16), ' ', 'x'.repeat(10_000)]) {
      const h = harness([1, 2]);
      await attachFleetStream({ ...h.feed, replayer: replayer(h) }, h.sse, bad);
      expect(h.ids()).toEqual([{ id: 2, event: 'x-medkit-resync' }]);
      const data = JSON.parse(h.frames[0].split('data: ')[1]);
      expect(data.reason).toBe('invalid-id');
      expect(data.last_event_id.length).toBeLessThanOrEqual(32);
      expect(h.frames[0].length).toBeLessThan(600);
    }
  });

  it('sends a fast-path event at once without an id, and for its JetStream copy only the id', async () => {
    const h = harness([]);
    await attachFleetStream(Object.assign(h.feed, { replayer: replayer(h) }), h.sse, undefined);
    h.fromFast(5);
    h.fromFast(6);
    // A robot sending again after a reconnection: the same event once more from the fast path is not sent twice.
    h.fromFast(5);
    h.fromStream(5);
    h.fromStream(6);
    h.fromStream(7);
    expect(h.sent()).toEqual([{ code: 'C5', id: undefined }, { code: 'C6', id: undefined }, { code: undefined, id: '5' }, { code: undefined, id: '6' }, { code: 'C7', id: '7' }]);
    // A bare id dispatches nothing in an EventSource: it only moves the resume point.
    expect(h.frames[2]).toBe('id: 5.r.5\n\n');
    expect(JSON.parse(h.frames[0].split('data: ')[1])['x-medkit']).toEqual({ robot_id: 'r', event_id: 'r:5', seq: 5 });
  });

  it('drops a fast-path copy that comes after its JetStream copy', async () => {
    const h = harness([]);
    await attachFleetStream(Object.assign(h.feed, { replayer: replayer(h) }), h.sse, undefined);
    h.fromStream(8);
    h.fromFast(8);
    expect(h.sent()).toEqual([{ code: 'C8', id: '8' }]);
  });

  it('sends in full the JetStream copy of a fast-path event that came before the client was live', async () => {
    const h = harness([]);
    h.fromFast(3);
    await attachFleetStream(Object.assign(h.feed, { replayer: replayer(h) }), h.sse, undefined);
    h.fromStream(3);
    expect(h.sent()).toEqual([{ code: 'C3', id: '3' }]);
  });

  it('leaves fast-path events to the JetStream copies while a resume replays, each event once after it', async () => {
    const h = harness([1, 2, 3]);
    const r = replayer(h, { duringBatch: (id) => {
      if (id !== 2) return;
      // During the replay: event 4 from the fast path (not sent to this client), then its JetStream copy (held).
      h.fromFast(4);
      h.stream.push(4);
      h.fromStream(4);
      h.fromFast(5);
    } });
    await attachFleetStream(Object.assign(h.feed, { replayer: r }), h.sse, '1');
    h.fromStream(5);
    h.fromFast(6);
    h.fromStream(6);
    expect(h.sent()).toEqual([{ code: 'C2', id: '2' }, { code: 'C3', id: '3' }, { code: 'C4', id: '4' }, { code: 'C5', id: '5' }, { code: 'C6', id: '5' }, { code: undefined, id: '6' }]);
    // The fast-path event's id: the client's resume point (5), then the event itself.
    expect(h.frames.find((f) => f.includes('"C6"'))).toMatch(/^id: 5\.r\.6$/m);
  });

  it('asks again a stream that cannot answer for a while (an election) and sends every event once, without a resync', async () => {
    const h = harness([1, 2, 3, 4]);
    let fails = 3;
    const inner = replayer(h);
    const r: FaultReplayer = { ...inner, async replay(after, batch) {
      if (fails-- > 0) {
        // Part of the stream read before JetStream stopped answering, once.
        if (fails === 2) await batch([ev(2)]);
        h.live(ev(5 + (2 - fails)));
        return { ok: false, reason: 'replay-failed', detail: 'no leader' };
      }
      h.stream.push(5, 6, 7);
      return inner.replay(after, batch);
    } };
    await attachFleetStream({ ...h.feed, replayer: r }, h.sse, '1.r.1', r, 10_000);
    h.live(ev(8));
    expect(h.ids()).toEqual([2, 3, 4, 5, 6, 7, 8].map((id) => ({ id, event: 'fault_updated' })));
    expect(h.frames[0]).toMatch(/^id: 2\.r\.2$/m);
  });

  it('withholds a robot\'s fast-path events from a client until the stream brought the ones the feed showed before it came', async () => {
    const h = harness([]);
    // The feed delivered r:5 from the fast path before this client attached; its JetStream copy has not come.
    await attachFleetStream(Object.assign(h.feed, { replayer: replayer(h), fastAhead: new Map([['r', 5]]) }), h.sse, undefined);
    h.fromFast(6);
    h.fromStream(5);
    h.fromStream(6);
    h.fromFast(7);
    // r:6 waited for its JetStream copy, sent in full; once the stream caught up, r:7 went out from the fast path.
    expect(h.sent()).toEqual([{ code: 'C5', id: '5' }, { code: 'C6', id: '6' }, { code: 'C7', id: '6' }]);
  });

  it('lets a robot\'s fast-path events out unless the fast path missed one of its messages and the stream has not caught up', () => {
    const o = new FastPathOrder();
    o.stream('a', 1);
    expect(o.fast('a', 2)).toBe(true);
    // A message of a dropped unread: a, 4 and 5 wait until the stream brought 5; other robots go on.
    o.missed('a');
    expect([o.fast('a', 4), o.fast('a', 5), o.fast('b', 1)]).toEqual([false, false, true]);
    expect(o.ahead().get('a')).toBe(5);
    o.stream('a', 3);
    o.stream('a', 4);
    expect(o.fast('a', 6)).toBe(false);
    o.stream('a', 5);
    o.stream('a', 6);
    expect(o.fast('a', 7)).toBe(true);
  });

  it('sees a fast-path message lost unseen by the prev_seq of the next, and withholds that robot until the stream caught up', () => {
    const o = new FastPathOrder();
    // a's fault events are 2, 5, 6, 9 (its other kinds take the numbers between): prev_seq chains them.
    o.stream('a', 2);
    expect(o.fast('a', 5, 2)).toBe(true);
    // 6 is lost in flight (a NATS node died with it): 9 names 6 as its predecessor, which this replica never had.
    expect([o.fast('a', 9, 6), o.fast('b', 3, 1)]).toEqual([false, true]);
    expect(o.ahead().get('a')).toBe(9);
    o.stream('a', 5);
    o.stream('a', 6);
    expect(o.fast('a', 12, 9)).toBe(false);
    o.stream('a', 9);
    o.stream('a', 12);
    expect(o.fast('a', 14, 12)).toBe(true);
    // A robot first heard now (or a link without prev_seq) cannot show a gap: its events go out.
    expect([o.fast('c', 40, 33), o.fast('d', 7)]).toEqual([true, true]);
  });

  it('after its own reconnect holds every robot\'s fast-path events until the stream brought them, for at most the hold time', () => {
    let now = 1000;
    const o = new FastPathOrder(100, () => now);
    o.stream('a', 1);
    expect(o.fast('a', 2)).toBe(true);
    // The connection dropped: a:3 went by while it was down and only the stream will bring it.
    o.reconnected();
    expect([o.fast('a', 4), o.fast('b', 9)]).toEqual([false, false]);
    o.stream('a', 3);
    expect(o.fast('a', 5)).toBe(false);
    // The stream reached a:5, the last held one: a is in sync, b still waits.
    o.stream('a', 4);
    o.stream('a', 5);
    expect([o.fast('a', 6), o.fast('b', 10)]).toEqual([true, false]);
    // A stream that stays without a leader: past the hold time the fast path shows events again.
    now += RECONNECT_HOLD_MS;
    expect(o.fast('b', 11)).toBe(true);
  });

  it('reads a Last-Event-ID resume point only in the forms the server writes, refusing hostile values', () => {
    expect(resumePointOf('1207')).toBe(1207);
    expect(resumePointOf(sseEventId(1207, { robot_id: 'amr-07', seq: 55 }))).toBe(1207);
    for (const bad of ['1234567890123456', '-1', '1e9', '12.amr.1.2', `1.${'r'.repeat(65)}.1`, '1.amr.12345678901234567', '9'.repeat(1_000_000), '']) {
      expect(resumePointOf(bad), bad.slice(0, 40)).toBeUndefined();
    }
  });

  it('remembers a bounded number of first copies, the oldest forgotten first', () => {
    const copies = new FirstCopies(3);
    for (const id of [1, 2, 3, 4]) copies.fromStream(ev(id));
    // 1 was forgotten: its fast copy is new again; 2 is still known.
    expect(copies.fromFastPath(fastEv(1))).toBeDefined();
    expect(copies.fromFastPath(fastEv(3))).toBeUndefined();
  });
});
