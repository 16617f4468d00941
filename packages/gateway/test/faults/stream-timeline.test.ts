// The /faults/stream timeline and fan-out as units (the HTTP side is in stream.test.ts and
// aggregation/fault-stream.test.ts): local and relayed events share one id sequence and one replay buffer,
// a pass writes each client once with the same bytes, and replayed events are not sent twice.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FaultEventStream } from '@medkit/faults';
import { FaultStreamTimeline } from '../../src/faults/http/stream-timeline.js';
import { FaultSseFanout, type FaultStreamClient } from '../../src/faults/http/sse-fanout.js';
import { PeerFaultEventHub } from '../../src/faults/gateway/peer-events.js';
import type { FaultRecord } from '@medkit/faults';

function record(code: string): FaultRecord {
  return {
    fault_code: code, severity: 2, description: '', status: 'CONFIRMED', occurrence_count: 1, reporting_sources: ['/a/b'],
    first_occurred_ns: 1n, last_occurred_ns: 1n, last_failed_ns: 1n, last_passed_ns: 0n, confirmed_at_ns: 1n, debounce_counter: -1,
  };
}

class FakeClient implements FaultStreamClient {
  closed = false;
  readonly writes: string[] = [];
  sendFrame(frame: string | Uint8Array): boolean {
    this.writes.push(typeof frame === 'string' ? frame : Buffer.from(frame).toString('utf8'));
    return true;
  }
  /** Events parsed from everything written: [id, event, data]. */
  events(): { id: number; event: string; data: Record<string, unknown> }[] {
    return this.writes.join('').split('\n\n').filter((f) => f.trim() !== '').map((f) => {
      const line = (k: string) => f.split('\n').find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2);
      return { id: Number(line('id')), event: line('event')!, data: JSON.parse(line('data')!) };
    });
  }
}

function setup(capacity = 10, flushMs = 0) {
  const events = new FaultEventStream();
  const hub = new PeerFaultEventHub();
  const timeline = new FaultStreamTimeline(events, () => ({ entity_type: 'apps', entity_id: 'b' }), capacity);
  timeline.connectPeers(hub);
  const fanout = new FaultSseFanout(timeline, flushMs);
  const local = (code: string) => events.publish({ event_type: 'fault_confirmed', fault: record(code), timestamp_ns: 1_000_000_000n, auto_cleared_codes: [] });
  const relayed = (code: string, event = 'fault_confirmed') =>
    hub.publishPeerEvent({ peer: 'island', event, data: { event_type: event, fault: { fault_code: code }, 'x-medkit': { gateway: 'island', via: ['x'] } } });
  return { events, timeline, fanout, local, relayed };
}

describe('fault stream timeline', () => {
  it('numbers local and relayed events in one sequence and replays both', () => {
    const { timeline, local, relayed } = setup();
    local('L1');
    relayed('R1');
    local('L2');
    expect(timeline.lastId).toBe(3);
    const r = timeline.since(1);
    expect(r.ok).toBe(true);
    expect(r.events.map((e) => [e.id, e.event, e.peer])).toEqual([[2, 'fault_confirmed', 'island'], [3, 'fault_confirmed', undefined]]);
    expect(timeline.relayedCount).toBe(1);
  });

  it('reports evicted events as too old', () => {
    const { timeline, local, relayed } = setup(2);
    local('L1');
    relayed('R1');
    local('L2');
    expect(timeline.since(0)).toMatchObject({ ok: false, reason: 'too_old' });
    expect(timeline.since(1).ok).toBe(true);
    expect(timeline.since(7).ok).toBe(false);
  });

  it('drops relayed events whose name could break the SSE framing', () => {
    const { timeline, relayed } = setup();
    relayed('X', 'fault_confirmed\ndata: injected');
    expect(timeline.lastId).toBe(0);
  });
});

describe('fault stream fan-out', () => {
  it('writes each client once per pass with the same bytes, local and relayed events in order', () => {
    const { fanout, local, relayed } = setup();
    const a = new FakeClient();
    const b = new FakeClient();
    fanout.attach(a);
    fanout.attach(b);
    local('L1');
    relayed('R1');
    fanout.flush();
    expect(a.writes).toHaveLength(1);
    expect(b.writes).toEqual(a.writes);
    const got = a.events();
    expect(got.map((e) => [e.id, e.event])).toEqual([[1, 'fault_confirmed'], [2, 'fault_confirmed']]);
    expect(got[0].data).toMatchObject({ fault: { fault_code: 'L1' }, 'x-medkit': { entity_type: 'apps', entity_id: 'b' } });
    expect(got[1].data).toEqual({ event_type: 'fault_confirmed', fault: { fault_code: 'R1' }, 'x-medkit': { gateway: 'island', via: ['x'] } });
  });

  it('replays after Last-Event-ID in one write and never sends a replayed event again', () => {
    const { fanout, local, relayed } = setup();
    const watcher = new FakeClient();
    fanout.attach(watcher);
    local('L1');
    relayed('R1');
    local('L2');
    // Attached in the same turn, before the pass: the replay already covers the queued events.
    const late = new FakeClient();
    const { replay } = fanout.attach(late, 1);
    expect(replay).toEqual({ replayed: 2, truncated: false });
    expect(late.writes).toHaveLength(1);
    fanout.flush();
    relayed('R2');
    fanout.flush();
    expect(late.events().map((e) => e.id)).toEqual([2, 3, 4]);
    expect(watcher.events().map((e) => e.id)).toEqual([1, 2, 3, 4]);
  });

  it('starts a replay that cannot be complete with replay_truncated', () => {
    const { fanout, local } = setup(2);
    for (let i = 0; i < 4; i++) local(`L${i}`);
    const c = new FakeClient();
    expect(fanout.attach(c, 0).replay).toEqual({ replayed: 2, truncated: true });
    const got = c.events();
    expect(got[0]).toMatchObject({ event: 'replay_truncated', data: { requested_id: 0, first_id: 3, last_id: 4 } });
    expect(got.slice(1).map((e) => e.id)).toEqual([3, 4]);
  });

  describe('with a flush window (faults.stream_flush_ms)', () => {
    afterEach(() => vi.useRealTimers());

    it('sends the events of one window, reported in separate turns, in one write per client', async () => {
      vi.useFakeTimers();
      const { fanout, local } = setup(10, 50);
      const c = new FakeClient();
      fanout.attach(c);
      local('L1');
      await vi.advanceTimersByTimeAsync(20);
      local('L2');
      await vi.advanceTimersByTimeAsync(20);
      expect(c.writes).toEqual([]);
      await vi.advanceTimersByTimeAsync(10);
      expect(c.writes).toHaveLength(1);
      local('L3');
      await vi.advanceTimersByTimeAsync(50);
      expect(c.writes).toHaveLength(2);
      expect(c.events().map((e) => e.data.fault)).toMatchObject([{ fault_code: 'L1' }, { fault_code: 'L2' }, { fault_code: 'L3' }]);
    });

    it('sends nothing after close', async () => {
      vi.useFakeTimers();
      const { fanout, local } = setup(10, 50);
      const c = new FakeClient();
      fanout.attach(c);
      local('L1');
      fanout.close();
      await vi.advanceTimersByTimeAsync(100);
      expect(c.writes).toEqual([]);
    });
  });

  it('forgets closed clients', () => {
    const { fanout, local } = setup();
    const c = new FakeClient();
    fanout.attach(c);
    c.closed = true;
    local('L1');
    fanout.flush();
    expect(c.writes).toEqual([]);
    expect(fanout.clientCount).toBe(0);
  });
});
